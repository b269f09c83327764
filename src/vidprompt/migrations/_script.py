"""How one migration file runs: in vidprompt's transaction, in its own, or outside one.

Decided from the parse tree before anything runs, so a file whose shape cannot keep the
push's promise (one file, one transaction with its history row) is refused up front,
naming the line and what to write instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pglast
from pglast import ast, enums, visitors

from vidprompt.errors import MigrationFileError
from vidprompt.migrations._split import (
    Located,
    copy_refused,
    non_transactional,
    split_located,
)

_TX = enums.TransactionStmtKind


class Mode(StrEnum):
    ATOMIC = "atomic"  # vidprompt opens the transaction
    WRAPPED = "wrapped"  # the file's own top-level BEGIN ... COMMIT is the transaction
    OUTSIDE = "outside"  # a statement cannot run in a transaction: autocommit, one by one


@dataclass(frozen=True)
class Step:
    """A statement to run: its number in the file (1-based), text and parse tree."""

    number: int
    text: str
    line: int
    node: ast.Node | None


@dataclass(frozen=True)
class Script:
    """A file's statements (as the history stores them) and how they run."""

    statements: list[str]
    mode: Mode
    begin: str  # the statement opening the transaction (the file's own when WRAPPED)
    prelude: list[Step]  # leading SET TRANSACTION, run before the push's first query
    body: list[Step]

    @property
    def outside_reason(self) -> str | None:
        return next((r for s in self.body if (r := non_transactional(s.node))), None)


def analyse(sql: str, *, source: str) -> Script:
    """The script of ``sql``; refuses, naming the line, a shape that cannot be atomic."""
    located = split_located(sql, source=source)
    steps = [Step(n, s.text, s.line, _parse(s)) for n, s in enumerate(located, start=1)]
    statements = [s.text for s in located]
    _refuse_client_side(steps, source)
    control = [s for s in steps if isinstance(s.node, ast.TransactionStmt)]
    wrapped = _is_wrapper(steps, control)
    body = steps[1:-1] if wrapped else steps
    begin = steps[0].text if wrapped else "begin"
    _refuse_transaction_control([s for s in body if s in control], source)
    outside = next((s for s in body if non_transactional(s.node)), None)
    if outside is not None:
        if wrapped:
            raise MigrationFileError(
                f"{source}, line {outside.line}: {non_transactional(outside.node)} cannot run "
                f"inside the transaction this file opens at line {steps[0].line}.",
                hint="Move it to a migration of its own without BEGIN/COMMIT; vidprompt runs "
                "such a file outside a transaction. Nothing was pushed.",
            )
        _refuse_savepoints_outside(body, outside, source)
        return Script(statements, Mode.OUTSIDE, "", [], body)
    _refuse_new_enum_value_use(body, source)
    prelude = []
    while body and _is_set_transaction(body[0].node):
        prelude.append(body.pop(0))
    return Script(statements, Mode.WRAPPED if wrapped else Mode.ATOMIC, begin, prelude, body)


def _parse(statement: Located) -> ast.Node | None:
    try:
        parsed = pglast.parse_sql(statement.text)
    except pglast.parser.ParseError:  # a comment-only tail: nothing to parse
        return None
    return parsed[0].stmt if parsed else None


def _kind(step: Step) -> _TX | None:
    return step.node.kind if isinstance(step.node, ast.TransactionStmt) else None


def _is_wrapper(steps: list[Step], control: list[Step]) -> bool:
    """One BEGIN (or START TRANSACTION) first and one plain COMMIT (or END) last."""
    real = [s for s in steps if s.node is not None]
    if len(real) < 2 or real[0] is not steps[0] or real[-1] is not steps[-1]:
        return False
    first, last = real[0], real[-1]
    return (
        _kind(first) in (_TX.TRANS_STMT_BEGIN, _TX.TRANS_STMT_START)
        and _kind(last) == _TX.TRANS_STMT_COMMIT
        and not getattr(last.node, "chain", False)
    )


_ALLOWED = (_TX.TRANS_STMT_SAVEPOINT, _TX.TRANS_STMT_RELEASE, _TX.TRANS_STMT_ROLLBACK_TO)


def _refuse_transaction_control(control: list[Step], source: str) -> None:
    """SAVEPOINT, RELEASE and ROLLBACK TO work inside the file's one transaction; any
    other transaction control would end it early. ROLLBACK is named first: it is the
    statement that loses work."""
    refused = [s for s in control if _kind(s) not in _ALLOWED]
    rollback = [s for s in refused if _kind(s) == _TX.TRANS_STMT_ROLLBACK]
    for step in rollback + refused:
        kind = _kind(step)
        if kind == _TX.TRANS_STMT_ROLLBACK:
            what = "ROLLBACK would undo the file and then run the rest outside any transaction"
            instead = (
                "Remove it. To undo part of a file, use SAVEPOINT name ... ROLLBACK TO SAVEPOINT "
                "name; to try a change out, do it outside migrations."
            )
        elif kind in (_TX.TRANS_STMT_BEGIN, _TX.TRANS_STMT_START):
            what = (
                f"{step.text!r} opens a transaction that the file's last statement does not "
                "commit, so the file could not be applied or rolled back as one"
            )
            instead = _SPLIT
        elif kind == _TX.TRANS_STMT_COMMIT:
            what = (
                f"{step.text!r} here commits part of the file, so the file could not be "
                "applied or rolled back as one"
            )
            instead = _SPLIT
        else:
            what = f"{step.text!r} (two-phase commit) cannot be part of a migration"
            instead = "Remove it; a push commits each file itself."
        raise MigrationFileError(
            f"{source}, line {step.line}: {what}.", hint=f"{instead} Nothing was pushed."
        )


_SPLIT = (
    "Split the file into two migrations at this line (`vidprompt migration new`), or wrap "
    "the whole file in one BEGIN; ... COMMIT; (its first and last statements)."
)


def _refuse_savepoints_outside(body: list[Step], outside: Step, source: str) -> None:
    control = next((s for s in body if isinstance(s.node, ast.TransactionStmt)), None)
    if control is not None:
        raise MigrationFileError(
            f"{source}, line {control.line}: {control.text!r} needs a transaction, but this "
            f"file runs outside one ({non_transactional(outside.node)} at line {outside.line}).",
            hint="Move the statement that cannot run in a transaction to a migration of its "
            "own. Nothing was pushed.",
        )


def _refuse_client_side(steps: list[Step], source: str) -> None:
    for step in steps:
        node = step.node
        if isinstance(node, ast.CopyStmt) and node.filename is None and not node.is_program:
            raise copy_refused(source, step.line, from_stdin=bool(node.is_from))


def _refuse_new_enum_value_use(body: list[Step], source: str) -> None:
    """A value added by ALTER TYPE ... ADD VALUE is unusable until its transaction commits
    (SQLSTATE 55P04), so a file that adds one and then uses it cannot be atomic."""
    added: dict[str, Step] = {}
    for step in body:
        if isinstance(step.node, ast.AlterEnumStmt) and step.node.newVal and not step.node.oldVal:
            added[step.node.newVal] = step
            continue
        for value in _string_constants(step.node).intersection(added):
            adding = added[value]
            raise MigrationFileError(
                f"{source}, line {step.line}: uses the enum value {value!r} that line "
                f"{adding.line} adds; PostgreSQL allows that only after the adding "
                "transaction commits.",
                hint=f"Move the statements from line {step.line} on into a later migration "
                "(`vidprompt migration new`). Nothing was pushed.",
            )


class _Constants(visitors.Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def visit_A_Const(self, ancestors: object, node: ast.A_Const) -> None:  # noqa: N802
        if isinstance(node.val, ast.String):
            self.found.add(str(node.val.sval))


def _string_constants(node: ast.Node | None) -> set[str]:
    if node is None:
        return set()
    collector = _Constants()
    collector(node)
    return collector.found


def _is_set_transaction(node: ast.Node | None) -> bool:
    return (
        isinstance(node, ast.VariableSetStmt)
        and node.kind == enums.VariableSetKind.VAR_SET_MULTI
        and node.name == "TRANSACTION"
    )
