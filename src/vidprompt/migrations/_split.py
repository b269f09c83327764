"""Splitting a migration file into statements with Postgres's own parser (via pglast).

A real parser, not a regex: dollar quoting, nested comments, strings and quoted names
holding ``;`` and ``BEGIN ATOMIC ... END`` bodies all survive. Statements come back
without their trailing ``;`` and surrounding blanks, as the Supabase CLI stores them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pglast
from pglast import ast, enums, parser

from vidprompt.errors import MigrationFileError


@dataclass(frozen=True)
class Located:
    """A statement and the line of the file it starts on (1-based)."""

    text: str
    line: int


def split_statements(sql: str, *, source: str) -> list[str]:
    """The statements of ``sql``; a syntax error names ``source``, line and column."""
    return [statement.text for statement in split_located(sql, source=source)]


def split_located(sql: str, *, source: str) -> list[Located]:
    """The statements of ``sql`` with the line each starts on."""
    try:
        slices = list(pglast.split(sql, only_slices=True))
    except parser.ParseError as exc:
        message, index = exc.args[0], exc.args[1]
        line, column = _line_and_column(sql, index)
        if _is_meta_command(sql, line):
            raise MigrationFileError(
                f"{source}, line {line}: {_source_line(sql, line).strip()!r} is a psql "
                "meta-command; a push runs SQL, not psql scripts.",
                hint="Write the SQL itself: the contents of an \\i file or a migration of "
                "its own instead of \\i, literal values instead of \\set variables. "
                "Nothing was pushed.",
            ) from exc
        copy_line = _copy_from_stdin_before(sql, line)
        if copy_line is not None:  # the rows pg_dump writes after COPY ... FROM stdin
            raise copy_refused(source, copy_line, from_stdin=True) from exc
        raise MigrationFileError(
            f"{source}: {message} (line {line}, column {column})\n{_excerpt(sql, line, column)}",
            hint="Fix the SQL in that file; nothing was pushed.",
        ) from exc
    located = []
    for piece in slices:
        text = sql[piece]
        start = piece.start + (len(text) - len(text.lstrip()))
        located.append(Located(text.strip(), sql.count("\n", 0, start) + 1))
    return located


def copy_refused(source: str, line: int, *, from_stdin: bool) -> MigrationFileError:
    """The refusal of ``COPY ... FROM STDIN`` / ``TO STDOUT``: psql's data stream."""
    direction = "FROM STDIN" if from_stdin else "TO STDOUT"
    instead = (
        "Write the rows as INSERT ... VALUES (or put them in supabase/seed.sql)."
        if from_stdin
        else "Remove it: a migration has no output."
    )
    return MigrationFileError(
        f"{source}, line {line}: COPY ... {direction} needs psql's data stream, which a "
        "migration does not have.",
        hint=f"{instead} Nothing was pushed.",
    )


def _copy_from_stdin_before(sql: str, line: int) -> int | None:
    """The line of a ``COPY ... FROM STDIN`` that is the last statement before ``line``."""
    before = "".join(sql.splitlines(keepends=True)[: line - 1])
    try:
        pieces = list(pglast.split(before, only_slices=True))
        last = pglast.parse_sql(before[pieces[-1]])[0].stmt if pieces else None
    except parser.ParseError:
        return None
    if isinstance(last, ast.CopyStmt) and last.is_from and last.filename is None:
        return before.count("\n", 0, pieces[-1].start) + 1
    return None


def needs_own_transaction(statement: str) -> bool:
    """Whether Postgres refuses to run ``statement`` inside a transaction block."""
    try:
        node = pglast.parse_sql(statement)[0].stmt
    except parser.ParseError:
        return False
    return non_transactional(node) is not None


def non_transactional(node: ast.Node | None) -> str | None:
    """What makes ``node`` impossible inside a transaction block, or None.

    The statements PostgreSQL's ``PreventInTransactionBlock`` guards: the CONCURRENTLY
    family (create/drop/reindex index, detach partition), ``VACUUM``, ``ALTER SYSTEM``,
    database and tablespace DDL, ``REINDEX DATABASE/SYSTEM``, a bare ``CLUSTER``,
    ``DISCARD ALL`` and subscription DDL.
    """
    if isinstance(node, ast.IndexStmt) and node.concurrent:
        return "CREATE INDEX CONCURRENTLY"
    if isinstance(node, ast.DropStmt) and node.concurrent:
        return "DROP INDEX CONCURRENTLY"
    if isinstance(node, ast.ReindexStmt):
        if any(getattr(p, "defname", None) == "concurrently" for p in node.params or ()):
            return "REINDEX ... CONCURRENTLY"
        if node.kind in (
            enums.ReindexObjectType.REINDEX_OBJECT_DATABASE,
            enums.ReindexObjectType.REINDEX_OBJECT_SYSTEM,
        ):
            return "REINDEX DATABASE/SYSTEM"
    if isinstance(node, ast.AlterTableStmt) and any(
        cmd.subtype == enums.AlterTableType.AT_DetachPartition
        and getattr(cmd.def_, "concurrent", False)
        for cmd in node.cmds or ()
    ):
        return "DETACH PARTITION ... CONCURRENTLY"
    if isinstance(node, ast.VacuumStmt) and node.is_vacuumcmd:
        return "VACUUM"
    if isinstance(node, ast.ClusterStmt) and node.relation is None:
        return "CLUSTER without a table"
    if isinstance(node, ast.DiscardStmt) and node.target == enums.DiscardMode.DISCARD_ALL:
        return "DISCARD ALL"
    for kind, label in _NO_TRANSACTION:
        if isinstance(node, kind):
            return label
    return None


_NO_TRANSACTION: tuple[tuple[type[ast.Node], str], ...] = (
    (ast.AlterSystemStmt, "ALTER SYSTEM"),
    (ast.CreatedbStmt, "CREATE DATABASE"),
    (ast.DropdbStmt, "DROP DATABASE"),
    (ast.CreateTableSpaceStmt, "CREATE TABLESPACE"),
    (ast.DropTableSpaceStmt, "DROP TABLESPACE"),
    (ast.CreateSubscriptionStmt, "CREATE SUBSCRIPTION"),
    (ast.DropSubscriptionStmt, "DROP SUBSCRIPTION"),
)


def same_statements(left: list[str], right: list[str]) -> bool:
    """Whether two statement lists say the same thing, ignoring layout and comments.

    Compares token streams, so a file re-split by another tool (which may keep comments
    or blank lines differently) is not mistaken for an edited one, while any change to
    what runs is caught.
    """
    return _tokens(left) == _tokens(right)


def _tokens(statements: list[str]) -> list[list[str]]:
    # The CLI stores a comment-only tail as a statement of its own; it says nothing.
    return [tokens for statement in statements if (tokens := _statement_tokens(statement))]


def _statement_tokens(statement: str) -> list[str]:
    tokens = []
    for token in parser.scan(statement):
        if token.name in ("SQL_COMMENT", "C_COMMENT"):
            continue
        text = statement[token.start : token.end + 1]
        tokens.append(text.lower() if token.kind != "NO_KEYWORD" else text)
    return tokens


def _is_meta_command(sql: str, line: int) -> bool:
    return _source_line(sql, line).lstrip().startswith("\\")


def _source_line(sql: str, line: int) -> str:
    lines = sql.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _excerpt(text: str, line: int, column: int) -> str:
    return f"  {_source_line(text, line)}\n  {' ' * (column - 1)}^"
