"""``db push``: apply pending migration files, each in one transaction with its history row.

Compatible with the Supabase CLI's history, so either tool can push the same project,
and safer:

- concurrent pushes apply each file exactly once: every file's transaction takes an
  advisory lock and re-checks the history before it runs, which also works through
  Supabase's transaction pooler (no session state is needed);
- edited files are refused rather than silently skipped (see ``_plan``);
- a file holding a statement that cannot run in a transaction (``CREATE INDEX
  CONCURRENTLY``) runs statement by statement instead of failing, under a session lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pglast
import psycopg
from pglast import ast

from vidprompt.errors import MissingExtension, StatementFailed
from vidprompt.migrations._history import ensure_history, is_recorded, read_history, record
from vidprompt.migrations._plan import compare, pending

if TYPE_CHECKING:
    from collections.abc import Callable

    from psycopg.rows import TupleRow

    from vidprompt.migrations._files import LocalMigration

# Arbitrary but fixed: every vidprompt push on a database serializes on this lock key.
PUSH_LOCK = 7020251125


@dataclass(frozen=True)
class PushResult:
    """What a push did (or, with ``dry_run``, would do)."""

    pushed: list[LocalMigration]
    dry_run: bool


def push(
    conn: psycopg.Connection[TupleRow],
    local: list[LocalMigration],
    *,
    include_all: bool = False,
    dry_run: bool = False,
    on_apply: Callable[[LocalMigration], None] | None = None,
) -> PushResult:
    """Push the pending files of ``local`` over an autocommit connection."""
    if dry_run:
        todo = pending(compare(local, read_history(conn)), include_all=include_all)
        return PushResult(todo, dry_run=True)
    ensure_history(conn, lock=PUSH_LOCK)
    todo = pending(compare(local, read_history(conn)), include_all=include_all)
    pushed = [m for m in todo if apply(conn, m, on_apply=on_apply)]
    return PushResult(pushed, dry_run=False)


def apply(
    conn: psycopg.Connection[TupleRow],
    migration: LocalMigration,
    *,
    on_apply: Callable[[LocalMigration], None] | None = None,
) -> bool:
    """Run one file and record it; False when a concurrent push already applied it."""
    if not migration.transactional:
        return _apply_statement_by_statement(conn, migration, on_apply)
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", [PUSH_LOCK])
        if is_recorded(conn, migration.version):
            return False
        if on_apply:
            on_apply(migration)
        conn.execute("reset all")  # settings a previous file left behind, as the CLI does
        _run(conn, migration)
        record(conn, migration)
    return True


def _apply_statement_by_statement(
    conn: psycopg.Connection[TupleRow],
    migration: LocalMigration,
    on_apply: Callable[[LocalMigration], None] | None,
) -> bool:
    conn.execute("select pg_advisory_lock(%s)", [PUSH_LOCK])
    try:
        if is_recorded(conn, migration.version):
            return False
        if on_apply:
            on_apply(migration)
        conn.execute("reset all")
        _run(conn, migration, atomic=False)
        record(conn, migration)
        return True
    finally:
        conn.execute("select pg_advisory_unlock(%s)", [PUSH_LOCK])


def _run(
    conn: psycopg.Connection[TupleRow], migration: LocalMigration, *, atomic: bool = True
) -> None:
    statements = migration.statements
    for number, statement in enumerate(statements, start=1):
        try:
            conn.execute(statement.encode())
        except psycopg.Error as exc:
            raise describe_failure(
                migration.path.name, statements, number, exc, atomic=atomic
            ) from exc


def describe_failure(
    source: str, statements: list[str], number: int, exc: psycopg.Error, *, atomic: bool = True
) -> StatementFailed | MissingExtension:
    """The error for statement ``number`` (1-based) of ``source`` failing with ``exc``."""
    statement = statements[number - 1]
    diag = exc.diag
    message = diag.message_primary or str(exc).strip()
    extension = _created_extension(statement)
    if extension is not None and exc.sqlstate in ("0A000", "58P01"):
        return MissingExtension(
            f"{source}: statement {number} needs the extension {extension!r}, "
            f"which this Postgres server does not have ({message}).",
            hint=_EXTENSION_HINTS.get(extension, _EXTENSION_HINT),
        )
    lines = [
        f"{source}: statement {number} of {len(statements)} failed "
        f"(SQLSTATE {exc.sqlstate}): {message}"
    ]
    if diag.message_detail:
        lines.append(f"DETAIL: {diag.message_detail}")
    if diag.message_hint:
        lines.append(f"HINT: {diag.message_hint}")
    lines += ["", _show_position(statement, diag.statement_position), ""]
    if atomic:
        lines.append("Nothing of this file was applied; files before it stay applied.")
    else:
        lines.append(
            f"This file runs outside a transaction: statements 1 to {number - 1} stay applied "
            "and the file is not recorded. Make them safe to repeat (IF NOT EXISTS) and push again."
        )
    hint = None
    if exc.sqlstate == "3F000" and "auth" in message:
        hint = (
            "This database has no Supabase auth layer. Use a Supabase project, or the "
            "local database (`vidprompt db start`), which has one."
        )
    return StatementFailed("\n".join(lines), hint=hint)


def _show_position(statement: str, position: str | None) -> str:
    """The statement, with a caret under Postgres's error position when there is one."""
    if not position:
        return _indent(statement)
    index = int(position) - 1
    before = statement[:index]
    line_number = before.count("\n")
    column = index - (before.rfind("\n") + 1)
    lines = statement.splitlines()
    shown = [*lines[: line_number + 1], " " * column + "^", *lines[line_number + 1 :]]
    return _indent("\n".join(shown))


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def _created_extension(statement: str) -> str | None:
    try:
        node = pglast.parse_sql(statement)[0].stmt
    except pglast.parser.ParseError:
        return None
    return str(node.extname) if isinstance(node, ast.CreateExtensionStmt) else None


_EXTENSION_HINT = (
    "The embedded PostgreSQL ships only the extensions that build without extra "
    "libraries. Point --db-url at a server that has the extension (Supabase has it), "
    "or change the migration so it does not need it."
)
_EXTENSION_HINTS = {
    "pgcrypto": "gen_random_uuid() is built into PostgreSQL 13+ and needs no extension; "
    "for hashing or encryption point --db-url at a server with pgcrypto. " + _EXTENSION_HINT,
    "uuid-ossp": "Use the built-in gen_random_uuid() instead of uuid_generate_v4(), "
    "or point --db-url at a server with uuid-ossp. " + _EXTENSION_HINT,
}
