"""Splitting a migration file into statements with Postgres's own parser (via pglast).

A real parser, not a regex: dollar quoting, nested comments, strings and quoted names
holding ``;`` and ``BEGIN ATOMIC ... END`` bodies all survive. Statements come back
without their trailing ``;`` and surrounding blanks, as the Supabase CLI stores them.
"""

from __future__ import annotations

import pglast
from pglast import ast, parser

from vidprompt.errors import MigrationFileError


def split_statements(sql: str, *, source: str) -> list[str]:
    """The statements of ``sql``; a syntax error names ``source``, line and column."""
    try:
        return [statement.strip() for statement in pglast.split(sql)]
    except parser.ParseError as exc:
        message, index = exc.args[0], exc.args[1]
        line, column = _line_and_column(sql, index)
        raise MigrationFileError(
            f"{source}: {message} (line {line}, column {column})\n{_excerpt(sql, line, column)}",
            hint="Fix the SQL in that file; nothing was pushed.",
        ) from exc


def needs_own_transaction(statement: str) -> bool:
    """Whether Postgres refuses to run ``statement`` inside a transaction block.

    ``CREATE INDEX CONCURRENTLY``, ``REINDEX ... CONCURRENTLY``, ``VACUUM``, ``ALTER SYSTEM``
    and database or tablespace DDL: a file holding one cannot be a single transaction.
    """
    try:
        node = pglast.parse_sql(statement)[0].stmt
    except parser.ParseError:
        return False
    if isinstance(node, ast.IndexStmt):
        return bool(node.concurrent)
    if isinstance(node, ast.ReindexStmt):
        return any(getattr(p, "defname", None) == "concurrently" for p in node.params or ())
    return isinstance(node, _NO_TRANSACTION)


_NO_TRANSACTION = (
    ast.VacuumStmt,
    ast.AlterSystemStmt,
    ast.CreatedbStmt,
    ast.DropdbStmt,
    ast.CreateTableSpaceStmt,
    ast.DropTableSpaceStmt,
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


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _excerpt(text: str, line: int, column: int) -> str:
    source_line = text.splitlines()[line - 1] if text.splitlines() else ""
    return f"  {source_line}\n  {' ' * (column - 1)}^"
