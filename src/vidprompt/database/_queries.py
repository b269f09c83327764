"""Named SQL kept in ``.sql`` files: each ``-- name: X`` block, loaded once, run by name."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from psycopg import sql
from psycopg.types.json import Jsonb

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["Jsonb", "column_list", "named_queries", "parse_queries"]

_NAME = re.compile(r"^-- (name|fragment): (\w+)\s*$", re.MULTILINE)


def named_queries(package: str, file: str) -> Callable[[], dict[str, bytes]]:
    """A loader of ``file`` in ``package``: on first call it reads the file, then answers the
    same dict of each block by name, as bytes ready to execute with ``%(name)s`` parameters."""

    @cache
    def load() -> dict[str, bytes]:
        return parse_queries(resources.files(package).joinpath(file).read_text(encoding="utf-8"))

    return load


def parse_queries(text: str) -> dict[str, bytes]:
    """Each ``-- name: X`` block of ``text``, by name (the comments under a name included).

    A ``-- fragment: Y`` block is SQL that several queries of the file share: it is no query
    of its own, and ``{Y}`` in a query stands for it.
    """
    parts = _NAME.split(text)[1:]
    blocks = [
        (kind, name, body.strip().rstrip(";"))
        for kind, name, body in zip(parts[::3], parts[1::3], parts[2::3], strict=True)
    ]
    fragments = {name: body for kind, name, body in blocks if kind == "fragment"}
    queries = {name: body for kind, name, body in blocks if kind == "name"}
    for fragment, body in fragments.items():
        queries = {name: query.replace(f"{{{fragment}}}", body) for name, query in queries.items()}
    return {name: query.encode() for name, query in queries.items()}


def column_list(names: Iterable[str], table: str | None = None) -> bytes:
    """``names`` quoted as identifiers (qualified by ``table``), comma-separated: the column
    list a named query's placeholder stands for, so no column name is pasted in unquoted."""
    columns = (sql.Identifier(table, name) if table else sql.Identifier(name) for name in names)
    return sql.SQL(", ").join(columns).as_bytes(None)
