"""Which database a command talks to, and opening connections to it.

Like the Supabase CLI: ``--db-url`` first, then ``DATABASE_URL``, else the local database
under the work folder, started (and given the Supabase layer) on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

from vidprompt.config import load_settings
from vidprompt.database._layer import install_supabase_layer
from vidprompt.database._local import LocalServer
from vidprompt.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from psycopg.rows import TupleRow

STATE_DIR = ".vidprompt"


@dataclass(frozen=True)
class Target:
    """A database to work on; ``local`` is set when it is the work folder's own server."""

    url: str
    local: LocalServer | None = None


def local_server(workdir: Path) -> LocalServer:
    """The work folder's local database (it may not exist yet)."""
    settings = load_settings()
    bin_dir = Path(settings.pg_bin_dir) if settings.pg_bin_dir else None
    return LocalServer(workdir / STATE_DIR / "pgdata", bin_dir=bin_dir)


def start_local(server: LocalServer) -> str:
    """Start the local database, installing the Supabase layer on a fresh one; its URL."""
    server.start()
    url = server.url()
    with connect(url) as conn:
        install_supabase_layer(conn)
    return url


def resolve_target(db_url: str | None, workdir: Path) -> Target:
    url = db_url or load_settings().database_url
    if url:
        return Target(url)
    server = local_server(workdir)
    return Target(start_local(server), server)


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection[TupleRow]:
    """Connect without server-side prepared statements, so a transaction pooler works too."""
    try:
        return psycopg.connect(url, autocommit=autocommit, prepare_threshold=None)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(
            f"Cannot connect to the database: {str(exc).strip()}",
            hint="Check --db-url / DATABASE_URL, or run `vidprompt db start` for the local one.",
        ) from exc
