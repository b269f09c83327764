"""The migration history table the Supabase CLI keeps, read and written the same way.

Beside it, in the same schema (which ``supabase db dump`` leaves out), vidprompt keeps
``vidprompt_fingerprints``: the SHA-256 of each file it recorded, and the ``xmin`` of the
history row it belongs to. A fingerprint counts only while that row is the one it was
written with, so a row rewritten by another tool (``supabase migration repair``, a manual
update) falls back to comparing statements; a matching fingerprint spares a push from
reading and re-splitting every applied file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vidprompt.database import Connection
    from vidprompt.migrations._files import LocalMigration

HISTORY = "supabase_migrations.schema_migrations"
_CREATE = (
    b"create schema if not exists supabase_migrations",
    b"create table if not exists supabase_migrations.schema_migrations"
    b" (version text not null primary key)",
    b"alter table supabase_migrations.schema_migrations add column if not exists statements text[]",
    b"alter table supabase_migrations.schema_migrations add column if not exists name text",
    b"create table if not exists supabase_migrations.vidprompt_fingerprints"
    b" (version text not null primary key, fingerprint text not null, history_row text not null)",
)
_COMPLETE = """
select count(*) = 3 from pg_attribute
where attrelid = to_regclass('supabase_migrations.schema_migrations')
  and attname in ('version', 'statements', 'name') and not attisdropped
  and to_regclass('supabase_migrations.vidprompt_fingerprints') is not null
"""


@dataclass(frozen=True)
class AppliedMigration:
    """A history row; ``statements`` is None for rows written by old CLI versions, and for
    rows whose ``fingerprint`` (the recorded file's SHA-256, when still valid) was enough."""

    version: str
    name: str | None
    statements: list[str] | None
    fingerprint: str | None = None


def ensure_history(conn: Connection, *, lock: int) -> None:
    """Create the tables if missing; ``lock`` serializes concurrent creators (a race on
    ``create table if not exists`` otherwise fails with a unique violation).

    Skips the DDL when everything exists, checking again once ``lock`` is held (pushes
    started together all find the tables missing and queue for it): ``alter table`` would
    queue behind a push that holds the history lock, and a waiting statement holds a
    snapshot that the concurrent index build in that push waits for, so neither would end.
    """
    if _complete(conn):
        return
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", [lock])
        if _complete(conn):
            return
        for statement in _CREATE:
            conn.execute(statement)


def _complete(conn: Connection) -> bool:
    row = conn.execute(_COMPLETE).fetchone()
    return bool(row and row[0])


def read_history(conn: Connection) -> list[AppliedMigration]:
    """The applied migrations by version, with statements; none when there is no table."""
    if not _exists(conn, HISTORY):
        return []
    rows = conn.execute(f"select version, name, statements from {HISTORY} order by version")
    return [AppliedMigration(str(v), n, list(s) if s is not None else None) for v, n, s in rows]


def read_history_for(conn: Connection, local: list[LocalMigration]) -> list[AppliedMigration]:
    """The applied migrations, reading statements only for local files whose fingerprint
    does not match: the cost of a no-op push does not grow with the history's size."""
    if not _exists(conn, HISTORY):
        return []
    fingerprints = _exists(conn, "supabase_migrations.vidprompt_fingerprints")
    query = (
        f"select h.version, h.name, h.statements is not null, f.fingerprint from {HISTORY} h"
        " left join supabase_migrations.vidprompt_fingerprints f"
        " on f.version = h.version and f.history_row = h.xmin::text order by h.version"
        if fingerprints
        else f"select version, name, statements is not null, null from {HISTORY} order by version"
    )
    rows = conn.execute(query.encode()).fetchall()
    by_version = {migration.version: migration for migration in local}
    unsure = [
        str(version)
        for version, _, has_statements, fingerprint in rows
        if has_statements
        and (migration := by_version.get(str(version))) is not None
        and migration.fingerprint != fingerprint
    ]
    statements = _statements_of(conn, unsure)
    return [
        AppliedMigration(str(v), n, statements.get(str(v)), f if f is not None else None)
        for v, n, _, f in rows
    ]


def remember(conn: Connection, fingerprints: dict[str, str]) -> None:
    """Store the fingerprints of files found equal to their history rows."""
    if fingerprints:
        conn.execute(_REMEMBER.encode(), [list(fingerprints), list(fingerprints.values())])


def is_recorded(conn: Connection, version: str) -> bool:
    row = conn.execute(
        f"select exists (select from {HISTORY} where version = %s)".encode(), [version]
    ).fetchone()
    return bool(row and row[0])


def record(conn: Connection, migration: LocalMigration) -> None:
    conn.execute(
        f"insert into {HISTORY} (version, name, statements) values (%s, %s, %s)".encode(),
        [migration.version, migration.name, migration.statements],
    )
    remember(conn, {migration.version: migration.fingerprint})


_REMEMBER = f"""
insert into supabase_migrations.vidprompt_fingerprints (version, fingerprint, history_row)
select h.version, f.fingerprint, h.xmin::text
from unnest(%s::text[], %s::text[]) as f (version, fingerprint)
join {HISTORY} h using (version)
on conflict (version) do update
set fingerprint = excluded.fingerprint, history_row = excluded.history_row
"""


def _statements_of(conn: Connection, versions: list[str]) -> dict[str, list[str]]:
    if not versions:
        return {}
    rows = conn.execute(
        f"select version, statements from {HISTORY} where version = any(%s)".encode(), [versions]
    )
    return {str(version): list(statements) for version, statements in rows}


def _exists(conn: Connection, table: str) -> bool:
    row = conn.execute("select to_regclass(%s) is not null", [table]).fetchone()
    return bool(row and row[0])
