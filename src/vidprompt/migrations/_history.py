"""The migration history table the Supabase CLI keeps, read and written the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg
    from psycopg.rows import TupleRow

    from vidprompt.migrations._files import LocalMigration

_CREATE = (
    b"create schema if not exists supabase_migrations",
    b"create table if not exists supabase_migrations.schema_migrations"
    b" (version text not null primary key)",
    b"alter table supabase_migrations.schema_migrations add column if not exists statements text[]",
    b"alter table supabase_migrations.schema_migrations add column if not exists name text",
)


@dataclass(frozen=True)
class AppliedMigration:
    """A history row; ``statements`` is None for rows written by old CLI versions."""

    version: str
    name: str | None
    statements: list[str] | None


def ensure_history(conn: psycopg.Connection[TupleRow], *, lock: int) -> None:
    """Create the table if missing; ``lock`` serializes concurrent creators (a race on
    ``create table if not exists`` otherwise fails with a unique violation)."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", [lock])
        for statement in _CREATE:
            conn.execute(statement)


def read_history(conn: psycopg.Connection[TupleRow]) -> list[AppliedMigration]:
    """The applied migrations by version; none when the table does not exist yet."""
    exists = conn.execute(
        "select to_regclass('supabase_migrations.schema_migrations') is not null"
    ).fetchone()
    if not exists or not exists[0]:
        return []
    rows = conn.execute(
        "select version, name, statements from supabase_migrations.schema_migrations"
        " order by version"
    ).fetchall()
    return [AppliedMigration(str(v), n, list(s) if s is not None else None) for v, n, s in rows]


def is_recorded(conn: psycopg.Connection[TupleRow], version: str) -> bool:
    row = conn.execute(
        "select exists (select from supabase_migrations.schema_migrations where version = %s)",
        [version],
    ).fetchone()
    return bool(row and row[0])


def record(conn: psycopg.Connection[TupleRow], migration: LocalMigration) -> None:
    conn.execute(
        "insert into supabase_migrations.schema_migrations (version, name, statements)"
        " values (%s, %s, %s)",
        [migration.version, migration.name, migration.statements],
    )
