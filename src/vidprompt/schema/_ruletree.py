"""Which table column each view column shows, read from the view's stored rule tree.

Postgres records, for every output column of a parsed query, the table and column it
comes from (``resorigtbl``/``resorigcol``), looking through subqueries and joins. The
view's ``_RETURN`` rule keeps that parse tree as ``pg_node_tree`` text; this module
reads the top-level query's target list from it. It is how PostgREST (and so Supabase's
type generator) finds the relationships a view inherits from its tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_SPECIAL = "(){}"


@dataclass(frozen=True)
class TargetOrigin:
    """View column number ``column`` shows attribute ``source_column`` of ``source_oid``."""

    column: int
    source_oid: int
    source_column: int


def target_origins(rule_tree: str) -> list[TargetOrigin]:
    """The origins of the top-level query's output columns; plain expressions have none."""
    tokens = _tokens(rule_tree)
    parsed, _ = _value(tokens, 0)
    queries = parsed if isinstance(parsed, list) else [parsed]
    query = next((q for q in queries if isinstance(q, dict)), None)
    if query is None:
        return []
    found = []
    for entry in _one(query.get("targetList")) or []:
        if not isinstance(entry, dict):
            continue
        column, table, attribute = (
            _integer(entry.get(key)) for key in ("resno", "resorigtbl", "resorigcol")
        )
        if column and table and attribute:
            found.append(TargetOrigin(column, table, attribute))
    return found


def _tokens(text: str) -> list[str]:
    """Split like Postgres's pg_strtok: ``(){}`` stand alone, a backslash escapes."""
    tokens: list[str] = []
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in _SPECIAL:
            tokens.append(char)
            i += 1
        else:
            start = i
            while i < size and not text[i].isspace() and text[i] not in _SPECIAL:
                i += 2 if text[i] == "\\" else 1
            tokens.append(text[start:i])
    return tokens


def _value(tokens: list[str], i: int) -> tuple[Any, int]:
    """One value at ``i``: a node ``{NAME :field value ...}``, a list ``(...)`` or a token."""
    current = tokens[i]
    if current == "{":
        return _node(tokens, i + 1)
    if current == "(":
        items: list[Any] = []
        i += 1
        while tokens[i] != ")":
            item, i = _value(tokens, i)
            items.append(item)
        return items, i + 1
    return current, i + 1


def _node(tokens: list[str], i: int) -> tuple[dict[str, Any], int]:
    node: dict[str, Any] = {"": tokens[i]}
    i += 1
    field = None
    while tokens[i] != "}":
        if tokens[i].startswith(":"):
            field = tokens[i][1:]
            node[field] = []
            i += 1
            continue
        item, i = _value(tokens, i)
        if field is not None:
            node[field].append(item)
    return node, i + 1


def _one(values: Any) -> Any:
    """A field's value: fields hold lists of the tokens that followed them."""
    return values[0] if isinstance(values, list) and len(values) == 1 else values


def _integer(values: Any) -> int | None:
    value = _one(values)
    return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else None
