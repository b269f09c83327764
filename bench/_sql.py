"""The benchmark's SQL files, read once and split into named blocks."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).parent / "sql"
_NAME = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


def text(file: str) -> str:
    """A whole file of ``bench/sql``, e.g. ``text("plan.sql")``."""
    return (SQL_DIR / file).read_text(encoding="utf-8")


@cache
def blocks(file: str) -> dict[str, str]:
    """The ``-- name: x`` blocks of a file; text before the first name is its header."""
    parts = _NAME.split(text(file))
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}
