"""The throwaway Postgres the benchmarks run on, or the server ``--db-url`` names."""

from __future__ import annotations

import os
import platform
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from vidprompt.database import LocalServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from psycopg.rows import TupleRow

    Conn = psycopg.Connection[TupleRow]

# Sized for the data sets (three copies of up to 10 M prompts) on a machine with a few GB
# of memory; loading is faster with room for sorts and without frequent checkpoints.
# Autovacuum stays on, as in production; the benchmark vacuums after each load itself.
# Commits wait for their WAL write again (fsync stays off, so that is cheap): after an
# asynchronous commit VACUUM may not mark pages all-visible until the WAL writer catches
# up, which would leave index-only scans to chance.
SERVER_SETTINGS = {
    "synchronous_commit": "on",
    "shared_buffers": "1GB",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
}


@contextmanager
def bench_server(db_url: str | None, *, bin_dir: Path | None = None) -> Iterator[str]:
    """Superuser URL of the server to benchmark on, torn down afterwards if we started it.

    Without ``db_url`` a new cluster is created in a temporary folder, tuned as
    :data:`SERVER_SETTINGS` says and not crash-safe (fsync off): the data is rebuilt
    on every run, so durability would only slow the loading down. The user's own
    ``.vidprompt/`` and ``DATABASE_URL`` are never used.
    """
    if db_url:
        yield db_url
        return
    with tempfile.TemporaryDirectory(prefix="vidprompt-bench-") as folder:
        server = LocalServer(Path(folder) / "pgdata", bin_dir=bin_dir, durable=False)
        try:
            server.start()
            _tune(server)
            yield server.url()
        finally:
            server.destroy()


def _tune(server: LocalServer) -> None:
    with psycopg.connect(server.url(), autocommit=True) as conn:
        for name, value in SERVER_SETTINGS.items():
            conn.execute(sql.SQL("alter system set {} = {}").format(sql.Identifier(name), value))
    server.stop()
    server.start()


def database_url(server_url: str, dbname: str) -> str:
    return psycopg.conninfo.make_conninfo(server_url, dbname=dbname)


def connect(url: str, *, prepared: bool = False) -> Conn:
    """Autocommit; server-side prepared statements only if ``prepared``.

    vidprompt prepares nothing behind a transaction pooler (Supavisor's transaction mode
    cannot keep them) and leaves psycopg's default (prepare a statement on its fifth
    execution) on direct and session connections.
    """
    if prepared:
        return psycopg.connect(url, autocommit=True)
    return psycopg.connect(url, autocommit=True, prepare_threshold=None)


def recreate_database(server_url: str, dbname: str, *, template: str | None = None) -> str:
    """Drop ``dbname`` if it exists and create it again (as a copy of ``template``); its URL."""
    with connect(server_url) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(dbname))
        )
        create = sql.SQL("create database {}").format(sql.Identifier(dbname))
        if template:
            # file_copy: a plain copy of the files, much faster than WAL-logging every block.
            create += sql.SQL(" template {} strategy = file_copy").format(sql.Identifier(template))
        conn.execute(create)
    return database_url(server_url, dbname)


def drop_database(server_url: str, dbname: str) -> None:
    with connect(server_url) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(dbname))
        )


def server_version(url: str) -> str:
    """The server's ``server_version``, for a report's heading."""
    with psycopg.connect(url) as conn:
        row = conn.execute("show server_version").fetchone()
    return str(row[0]) if row else "?"


def describe_client(*, with_load: bool = False) -> str:
    """Cores and client versions (and the load average: other work skews every number)."""
    text = (
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, psycopg {psycopg.__version__}"
    )
    if with_load:
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        text += f", load after the run {load}"
    return text
