"""``db push``: apply pending migration files, each in one transaction with its history row.

Compatible with the Supabase CLI's history, so either tool can push the same project,
and safer:

- concurrent pushes apply each file exactly once. The push lock is ``LOCK TABLE
  supabase_migrations.schema_migrations IN SHARE ROW EXCLUSIVE MODE`` in the file's
  transaction, re-checking the history once held. Unlike ``pg_advisory_lock()`` (a
  ``SELECT``), ``LOCK TABLE`` holds no snapshot while it waits, and a waiter gives up and
  retries every half second, so a concurrent index build in another push never waits on a
  waiting push (the deadlock advisory locks cause). It needs no session state, so it works
  through Supabase's transaction pooler too;
- edited files are refused rather than silently skipped (see ``_plan``);
- a file's shape is checked before anything runs (see ``_script``): its own ``BEGIN ...
  COMMIT`` becomes the push's transaction, and a file holding a statement that cannot
  run in a transaction runs statement by statement on autocommit while a second connection
  holds the lock, then is recorded only if every index it touched is valid.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pglast
import psycopg
from pglast import ast, enums
from psycopg import pq

from vidprompt.errors import MissingExtension, StatementFailed
from vidprompt.migrations._history import (
    ensure_history,
    is_recorded,
    read_history_for,
    record,
    remember,
)
from vidprompt.migrations._plan import compare, pending, unremembered
from vidprompt.migrations._script import Mode, Step

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from psycopg.rows import TupleRow

    from vidprompt.migrations._files import LocalMigration

# Arbitrary but fixed: serializes pushes creating the history tables.
PUSH_LOCK = 7020251125
_LOCK = b"lock table supabase_migrations.schema_migrations in share row exclusive mode"
_RESET = (b"reset session authorization", b"reset role", b"reset all")


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
    """Push the pending files of ``local`` over an autocommit connection.

    Every pending file is checked (encoding, shape) before the first one runs.
    """
    if not dry_run:
        ensure_history(conn, lock=PUSH_LOCK)
    states = compare(local, read_history_for(conn, local))
    todo = pending(states, include_all=include_all)
    for migration in todo:
        _ = migration.script  # refuses a file that cannot run safely, before anything runs
    if dry_run:
        return PushResult(todo, dry_run=True)
    remember(conn, unremembered(states))
    pushed = [m for m in todo if apply(conn, m, on_apply=on_apply)]
    return PushResult(pushed, dry_run=False)


def apply(
    conn: psycopg.Connection[TupleRow],
    migration: LocalMigration,
    *,
    on_apply: Callable[[LocalMigration], None] | None = None,
) -> bool:
    """Run one file and record it; False when a concurrent push already applied it."""
    script = migration.script
    if script.mode is Mode.OUTSIDE:
        return _apply_outside(conn, migration, on_apply)
    _begin_locked(conn, script.begin)
    try:
        reset_session(conn)  # what a previous file left behind, as the CLI's new session
        _run(conn, migration, script.prelude)
        if is_recorded(conn, migration.version):
            conn.execute(b"rollback")
            return False
        if on_apply:
            on_apply(migration)
        _run(conn, migration, script.body)
        reset_session(conn)  # the history row is written as the pushing user
        _record(conn, migration, applied="Nothing of this file was applied.")
    finally:
        _rollback(conn)
    return True


def _apply_outside(
    conn: psycopg.Connection[TupleRow],
    migration: LocalMigration,
    on_apply: Callable[[LocalMigration], None] | None,
) -> bool:
    """Statement by statement on autocommit; ``holder`` keeps the lock and, once every
    statement ran and every index it touched is valid, writes the history row."""
    with _second_connection(conn) as holder:
        _begin_locked(holder, "begin isolation level read committed")
        try:
            if is_recorded(conn, migration.version):
                return False
            if on_apply:
                on_apply(migration)
            reset_session(conn)
            try:
                _run(conn, migration, migration.script.body, atomic=False)
            except StatementFailed as exc:
                raise _with_broken_indexes(conn, migration, exc) from exc.__cause__
            _refuse_broken_indexes(conn, migration)
            reset_session(conn)
            _record(holder, migration, applied="Its statements stay applied; push again.")
        finally:
            _rollback(holder)
    return True


def _record(conn: psycopg.Connection[TupleRow], migration: LocalMigration, *, applied: str) -> None:
    """Write the history row and commit; a failure here (a ``BEGIN READ ONLY`` file, a
    deferred constraint) is reported like a failing statement, never as a traceback."""
    try:
        record(conn, migration)
        conn.execute(b"commit")
    except psycopg.Error as exc:
        message = exc.diag.message_primary or str(exc).strip()
        raise StatementFailed(
            f"{migration.path.name}: its statements ran, but committing it with its history "
            f"row failed (SQLSTATE {exc.sqlstate}): {message}\n{applied}"
        ) from exc


def reset_session(conn: psycopg.Connection[TupleRow]) -> None:
    """Role, session user, search_path and every other setting back to the connection's."""
    for statement in _RESET:
        conn.execute(statement)


def _begin_locked(conn: psycopg.Connection[TupleRow], begin: str) -> None:
    """Open a transaction (with ``begin``) holding the push lock; waits in half-second
    slices, ending the transaction between them, so a waiter holds nothing for long."""
    while True:
        conn.execute(begin.encode())
        try:
            conn.execute(b"set local lock_timeout = '500ms'")
            conn.execute(_LOCK)
            conn.execute(b"set local lock_timeout to default")
        except psycopg.errors.LockNotAvailable:
            conn.execute(b"rollback")
            continue
        except BaseException:
            _rollback(conn)
            raise
        return


def _rollback(conn: psycopg.Connection[TupleRow]) -> None:
    if conn.closed or conn.info.transaction_status == pq.TransactionStatus.IDLE:
        return
    with contextlib.suppress(psycopg.OperationalError):
        conn.execute(b"rollback")


@contextlib.contextmanager
def _second_connection(
    conn: psycopg.Connection[TupleRow],
) -> Iterator[psycopg.Connection[TupleRow]]:
    """Another connection to the same database, with the same credentials."""
    params = {
        option.keyword.decode(): option.val.decode()
        for option in conn.pgconn.info
        if option.val is not None
    }
    other = psycopg.Connection.connect(
        psycopg.conninfo.make_conninfo(**params), autocommit=True, prepare_threshold=None
    )
    with other:
        yield other


def _run(
    conn: psycopg.Connection[TupleRow],
    migration: LocalMigration,
    steps: list[Step],
    *,
    atomic: bool = True,
) -> None:
    for step in steps:
        try:
            conn.execute(step.text.encode())
        except psycopg.Error as exc:
            # "nothing applied" holds only while the failed transaction is still open
            rolled_back = atomic and conn.info.transaction_status == pq.TransactionStatus.INERROR
            raise describe_failure(
                migration.path.name, migration.statements, step.number, exc, atomic=rolled_back
            ) from exc


def _refuse_broken_indexes(conn: psycopg.Connection[TupleRow], migration: LocalMigration) -> None:
    """A concurrent build or drop that failed, was cancelled or was skipped by ``IF NOT
    EXISTS`` over a broken index leaves it INVALID: such a file is not recorded."""
    broken = _broken(conn, migration)
    if broken:
        listed, repair = broken
        raise StatementFailed(
            f"{migration.path.name}: every statement ran, but it left\n{listed}\n"
            "The file is not recorded (an index build or detach that was cancelled, failed, "
            "or skipped by IF NOT EXISTS over an earlier broken one).",
            hint=repair,
        )


def _with_broken_indexes(
    conn: psycopg.Connection[TupleRow], migration: LocalMigration, failure: StatementFailed
) -> StatementFailed:
    """The failure, plus the broken indexes it left (a failed concurrent build leaves one)."""
    with contextlib.suppress(psycopg.Error):
        broken = _broken(conn, migration)
        if broken:
            listed, repair = broken
            return StatementFailed(f"{failure.message}\nIt left\n{listed}", hint=repair)
    return failure


def _broken(
    conn: psycopg.Connection[TupleRow], migration: LocalMigration
) -> tuple[str, str] | None:
    """The INVALID indexes and half-detached partitions of what the file touched, and how
    to repair them; None when there are none."""
    names, everything = _touched(migration.script.body)
    rows = conn.execute(_BROKEN.encode(), {"names": names, "everything": everything}).fetchall()
    if not rows:
        return None
    listed = "\n".join(f"  {what} {name} (on {table})" for what, name, table in rows)
    repair = "; ".join(
        f"DROP INDEX CONCURRENTLY {name}"
        if what == "invalid index"
        else f"ALTER TABLE {table} DETACH PARTITION {name} FINALIZE"
        for what, name, table in rows
    )
    return listed, f"Repair with `{repair};` (outside a migration, e.g. in psql), then push again."


_BROKEN = """
with touched as (
    select to_regclass(name) as oid from unnest(%(names)s::text[]) as name
)
select 'invalid index', i.indexrelid::regclass::text, i.indrelid::regclass::text
from pg_index i
where not i.indisvalid
  and (%(everything)s or i.indrelid in (select oid from touched)
       or i.indexrelid in (select oid from touched))
union all
select 'partition left detaching', h.inhrelid::regclass::text, h.inhparent::regclass::text
from pg_inherits h
where h.inhdetachpending and h.inhparent in (select oid from touched)
order by 2
"""


def _touched(steps: list[Step]) -> tuple[list[str], bool]:
    """Names of the tables and indexes the non-transactional statements touch, and
    whether one of them touches every index (``REINDEX SCHEMA/DATABASE/SYSTEM``)."""
    names: list[str] = []
    everything = False
    for step in steps:
        node = step.node
        if isinstance(node, ast.IndexStmt) and node.relation is not None:
            names.append(_qualified(node.relation))
        elif isinstance(node, ast.ReindexStmt):
            if node.relation is not None:
                names.append(_qualified(node.relation))
            else:
                everything = True
        elif isinstance(node, ast.DropStmt) and node.concurrent:
            names += [
                ".".join(_quoted(str(part.sval)) for part in name) for name in node.objects or ()
            ]
        elif (
            isinstance(node, ast.AlterTableStmt)
            and node.relation is not None
            and any(
                cmd.subtype == enums.AlterTableType.AT_DetachPartition for cmd in node.cmds or ()
            )
        ):
            names.append(_qualified(node.relation))
    return names, everything


def _qualified(relation: ast.RangeVar) -> str:
    parts = [relation.schemaname, relation.relname]
    return ".".join(_quoted(str(part)) for part in parts if part)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
        f"(SQLSTATE {exc.sqlstate or 'none, reported by the client'}): {message}"
    ]
    if diag.message_detail:
        lines.append(f"DETAIL: {diag.message_detail}")
    if diag.message_hint:
        lines.append(f"HINT: {diag.message_hint}")
    lines += ["", _show_position(statement, diag.statement_position), ""]
    if atomic:
        lines.append("Nothing of this file was applied; files before it stay applied.")
    else:
        ran = f"statements 1 to {number - 1} stay applied" if number > 1 else "none ran before it"
        lines.append(
            f"This file runs outside a transaction: {ran} and the file is not recorded. "
            "Make them safe to repeat (IF NOT EXISTS) and push again."
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
