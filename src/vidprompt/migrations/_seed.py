"""``supabase/seed.sql``: run after a reset and tracked in the CLI's ``seed_files`` table."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from vidprompt.database import DriverError
from vidprompt.migrations._files import SEED_FILE, read_sql
from vidprompt.migrations._push import describe_failure
from vidprompt.migrations._split import split_statements

if TYPE_CHECKING:
    from pathlib import Path

    from vidprompt.database import Connection

_CREATE = (
    b"create schema if not exists supabase_migrations",
    b"create table if not exists supabase_migrations.seed_files"
    b" (path text not null primary key, hash text not null)",
)


def apply_seed(conn: Connection, workdir: Path) -> bool:
    """Run the seed file, if there is one, in one transaction; True if it ran."""
    path = workdir / SEED_FILE
    if not path.is_file():
        return False
    text = read_sql(path)
    statements = split_statements(text, source=str(SEED_FILE))
    with conn.transaction():
        for ddl in _CREATE:
            conn.execute(ddl)
        for number, statement in enumerate(statements, start=1):
            try:
                conn.execute(statement.encode())
            except DriverError as exc:
                raise describe_failure(str(SEED_FILE), statements, number, exc) from exc
        conn.execute(
            "insert into supabase_migrations.seed_files (path, hash) values (%s, %s)"
            " on conflict (path) do update set hash = excluded.hash",
            [str(SEED_FILE), hashlib.sha256(path.read_bytes()).hexdigest()],
        )
    return True
