"""The named queries of this package's .sql files, each loaded once."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_NAME = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def queries(file: str = "queries.sql") -> dict[str, bytes]:
    """Each ``-- name: X`` block of ``file`` (default queries.sql), by name, ready to execute."""
    text = resources.files(__package__).joinpath(file).read_text(encoding="utf-8")
    parts = _NAME.split(text)[1:]
    return {
        name: body.strip().rstrip(";").encode()
        for name, body in zip(parts[::2], parts[1::2], strict=True)
    }
