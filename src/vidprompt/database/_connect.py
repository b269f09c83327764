"""Which database a command talks to, and opening connections to it.

Like the Supabase CLI: ``--db-url`` first, then ``DATABASE_URL``, else the local database
under the work folder, started (and given the Supabase layer) on demand. Every connection
has a connect timeout (``VIDPROMPT_CONNECT_TIMEOUT``), carried in the target's URL so that
whatever connects with it (a command, the API's pool, a worker) gives up in time. The
settings come from the caller; nothing here reads the environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import TupleRow, dict_row

from vidprompt.config import Settings
from vidprompt.database._errors import translate
from vidprompt.database._layer import install_supabase_layer
from vidprompt.database._local import LocalServer, local_server
from vidprompt.errors import ConfigError, DatabaseUnavailable

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from pathlib import Path

Connection: TypeAlias = psycopg.Connection[TupleRow]
"""A blocking connection as :func:`connect` opens it (rows are tuples)."""
AnyConnection: TypeAlias = psycopg.Connection[Any]
"""A blocking connection with any row factory, for code that only reads through cursors."""

# For a URL that carries none (the local server's): the setting's default.
DEFAULT_CONNECT_TIMEOUT: int = Settings.model_fields["connect_timeout"].default
_URL_HINT = "Pass a postgresql://user:password@host:port/dbname URI as --db-url or DATABASE_URL."


@dataclass(frozen=True)
class Target:
    """A database to work on; ``local`` is set when it is the work folder's own server."""

    url: str
    local: LocalServer | None = None


def start_local(server: LocalServer, *, port: int | None = None) -> str:
    """Start the local database, installing the Supabase layer on a fresh one; its URL."""
    server.start(port=port)
    url = server.url()
    with connect(url) as conn:
        install_supabase_layer(conn)
    return url


def resolve_target(
    db_url: str | None,
    workdir: Path,
    settings: Settings,
    *,
    on_notice: Callable[[str], None] | None = None,
) -> Target:
    """The database a command works on, its URL checked and given the connect timeout.

    No URL at all means the work folder's local database; an empty one is refused: it is
    what ``--db-url "$SUPABASE_DB_URL"`` passes when the variable is unset, and taking it
    for "none" would push to the local database and report success.
    """
    url, source = (
        (db_url, "--db-url") if db_url is not None else (settings.database_url, "DATABASE_URL")
    )
    if url is not None and not url.strip():
        raise ConfigError(
            f"The database URL ({source}) is empty.",
            hint="Give your database's postgresql:// URI, or leave it out (unset"
            " DATABASE_URL) to use the local database.",
        )
    timeout = settings.connect_timeout
    if url:
        return Target(with_connect_timeout(url, timeout))
    server = local_server(workdir, settings, on_notice=on_notice)
    return Target(with_connect_timeout(start_local(server), timeout), server)


def with_connect_timeout(url: str, timeout: int = DEFAULT_CONNECT_TIMEOUT) -> str:
    """``url`` with ``connect_timeout`` set (unless it sets one); a malformed URL is refused
    here in one line, naming where it came from."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ConfigError(
            f"The database URL {_shown(url)} is not a Postgres connection string:"
            f" {_without_password(str(exc).strip(), url)}.",
            hint=_URL_HINT,
        ) from None
    if url.partition("://")[0] not in ("postgresql", "postgres") and "://" in url:
        raise ConfigError(f"The database URL {_shown(url)} is not a Postgres URI.", hint=_URL_HINT)
    if "connect_timeout" in params:
        return url
    return make_conninfo(url, connect_timeout=timeout)


def connect(url: str, *, autocommit: bool = True) -> Connection:
    """Connect without server-side prepared statements, so a transaction pooler works too."""
    url = with_connect_timeout(url)
    try:
        return psycopg.connect(url, autocommit=autocommit, prepare_threshold=None)
    except psycopg.errors.ConnectionTimeout as exc:
        timeout = conninfo_to_dict(url)["connect_timeout"]
        raise DatabaseUnavailable(
            f"No answer from the database at {_address(url)} within {timeout} s.",
            hint="Check the host and port of --db-url / DATABASE_URL;"
            " VIDPROMPT_CONNECT_TIMEOUT sets how long to wait.",
        ) from exc
    except psycopg.OperationalError as exc:
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        reason = lines[0].removeprefix("connection failed: ")
        raise DatabaseUnavailable(
            f"Cannot connect to the database at {_address(url)}: {reason}",
            hint="Check --db-url / DATABASE_URL, or run `vidprompt db start` for the local one.",
        ) from exc


def _address(url: str) -> str:
    params = conninfo_to_dict(url)
    host = str(params.get("host") or params.get("hostaddr") or "localhost")
    return f"{host}:{params.get('port') or 5432}"


def _without_password(message: str, url: str) -> str:
    """libpq's complaint about ``url`` with the password taken out: it quotes the token it
    could not read, or the whole URI, and the line ends up in a CI log."""
    head, at, _ = url.rpartition("@")
    if at and "://" in head:
        password = head.partition("://")[2].partition(":")[2]
    else:
        found = re.search(r"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", url)
        password = found.group(1).strip("'") if found else ""
    return message.replace(password, "***") if password else message


def _shown(url: str) -> str:
    """The URL for a message, without its password."""
    head, at, tail = url.rpartition("@")
    if at and "://" in head:
        scheme, _, userinfo = head.partition("://")
        return f"'{scheme}://{userinfo.split(':', 1)[0]}@{tail}'"
    return f"'{url}'" if "password" not in url else "(a conninfo string)"


async def reach(url: str, *, connect_timeout: int) -> None:
    """Connect once and close: whether the database answers, as a translated error if not."""
    try:
        conn = await psycopg.AsyncConnection.connect(
            url, autocommit=True, connect_timeout=connect_timeout
        )
    except psycopg.Error as exc:
        raise translate(exc) from exc
    await conn.close()


async def notifications(url: str, channel: str) -> AsyncIterator[None]:
    """Once when listening on ``channel`` has begun, then once per notification; a lost
    connection ends it with a translated error."""
    try:
        async with await psycopg.AsyncConnection.connect(
            url, autocommit=True, prepare_threshold=None
        ) as conn:
            await conn.execute(sql.SQL("listen {}").format(sql.Identifier(channel)))
            yield
            async for _ in conn.notifies():
                yield
    except psycopg.Error as exc:
        raise translate(exc) from exc


def with_params(url: str, **params: str | int) -> str:
    """``url`` with connection parameters set or replaced, e.g. another ``user``."""
    return make_conninfo(url, **params)


def dict_rows(conn: AnyConnection, query: bytes, params: Any = None) -> list[dict[str, Any]]:
    """Run ``query`` on ``conn`` and answer its rows as dicts by column name."""
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute(query, params).fetchall()
