"""What check constraints say about a column's values, for generators to narrow types.

Three shapes are understood, each as the whole check or one ``AND``-ed part of it:
``col in ('a', 'b')`` (stored as ``col = ANY (ARRAY[...])``) gives the allowed values,
``char_length(col) <= N`` (or ``>= N``) a maximum (minimum) length, and
``cardinality(col) <= N`` a maximum number of array items. Anything else is left
alone: a check that is not understood only means a wider type, never a wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pglast
from pglast import ast
from pglast.enums import A_Expr_Kind, BoolExprType

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vidprompt.schema._model import Relation

_LENGTH_FUNCTIONS = {"char_length", "character_length", "length"}
_COUNT_FUNCTIONS = {"cardinality"}


@dataclass(frozen=True)
class Narrowing:
    """What the checks allow for one column; None where they say nothing."""

    values: tuple[str, ...] | None = None  # sorted
    max_length: int | None = None
    min_length: int | None = None
    max_items: int | None = None


def narrowings(relation: Relation) -> dict[str, Narrowing]:
    """Per column name, what the relation's check constraints promise about its values."""
    found: dict[str, Narrowing] = {}
    for check in relation.checks:
        if check.expression is None:
            continue
        for column, narrowing in _understood(check.expression):
            found[column] = _combine(found[column], narrowing) if column in found else narrowing
    return found


def _combine(old: Narrowing, new: Narrowing) -> Narrowing:
    values = old.values if new.values is None else new.values
    if old.values is not None and new.values is not None:
        values = tuple(sorted(set(old.values) & set(new.values)))
    return Narrowing(
        values=values,
        max_length=_smaller(old.max_length, new.max_length),
        min_length=_larger(old.min_length, new.min_length),
        max_items=_smaller(old.max_items, new.max_items),
    )


def _smaller(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _larger(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _understood(expression: str) -> Iterator[tuple[str, Narrowing]]:
    try:
        statement: Any = pglast.parse_sql(f"select {expression}")[0].stmt
        node = statement.targetList[0].val
    except pglast.parser.ParseError:
        return
    for part in _conjuncts(node):
        found = _values(part) or _limit(part)
        if found is not None:
            yield found


def _conjuncts(node: Any) -> Iterator[Any]:
    if isinstance(node, ast.BoolExpr) and node.boolop == BoolExprType.AND_EXPR:
        for arg in node.args or ():
            yield from _conjuncts(arg)
    else:
        yield node


def _values(node: Any) -> tuple[str, Narrowing] | None:
    """``col = ANY (ARRAY['a', 'b'])`` (how Postgres stores ``col in (...)``), or ``col = 'a'``."""
    if not isinstance(node, ast.A_Expr) or _operator(node) != "=":
        return None
    column = _column(node.lexpr)
    if column is None:
        return None
    if node.kind == A_Expr_Kind.AEXPR_OP_ANY:
        array = _uncast(node.rexpr)
        items = array.elements if isinstance(array, ast.A_ArrayExpr) else None
    elif node.kind == A_Expr_Kind.AEXPR_OP:
        items = (node.rexpr,)
    else:
        return None
    values = [_string(item) for item in items or ()]
    if not values or any(value is None for value in values):
        return None
    return column, Narrowing(values=tuple(sorted({v for v in values if v is not None})))


def _limit(node: Any) -> tuple[str, Narrowing] | None:
    """``char_length(col) <= N`` (also ``<``, ``>=``, ``>``), ``cardinality(col) <= N``."""
    if not isinstance(node, ast.A_Expr) or node.kind != A_Expr_Kind.AEXPR_OP:
        return None
    operator = _operator(node)
    call = _uncast(node.lexpr)
    bound = _integer(node.rexpr)
    if bound is None or not isinstance(call, ast.FuncCall) or not call.funcname:
        return None
    arguments = call.args or ()
    column = _column(arguments[0]) if len(arguments) == 1 else None
    function = call.funcname[-1].sval
    if column is None:
        return None
    if function in _LENGTH_FUNCTIONS:
        limits = {
            "<=": Narrowing(max_length=bound),
            "<": Narrowing(max_length=bound - 1),
            ">=": Narrowing(min_length=bound),
            ">": Narrowing(min_length=bound + 1),
        }
    elif function in _COUNT_FUNCTIONS:
        limits = {"<=": Narrowing(max_items=bound), "<": Narrowing(max_items=bound - 1)}
    else:
        return None
    narrowing = limits.get(operator or "")
    return (column, narrowing) if narrowing else None


def _operator(node: ast.A_Expr) -> str | None:
    return node.name[-1].sval if node.name else None


def _uncast(node: Any) -> Any:
    while isinstance(node, ast.TypeCast):
        node = node.arg
    return node


def _column(node: Any) -> str | None:
    node = _uncast(node)
    if isinstance(node, ast.ColumnRef) and node.fields and len(node.fields) == 1:
        field = node.fields[0]
        return field.sval if isinstance(field, ast.String) else None
    return None


def _string(node: Any) -> str | None:
    node = _uncast(node)
    if isinstance(node, ast.A_Const) and isinstance(node.val, ast.String):
        return str(node.val.sval)
    return None


def _integer(node: Any) -> int | None:
    node = _uncast(node)
    if isinstance(node, ast.A_Const) and isinstance(node.val, ast.Integer):
        return int(node.val.ival or 0)
    return None
