"""The store's named queries of sql/store.sql, loaded once."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_NAME = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def queries() -> dict[str, bytes]:
    """Each ``-- name: X`` block of store.sql, by name, as bytes ready to execute."""
    text = resources.files("vidprompt.sql").joinpath("store.sql").read_text(encoding="utf-8")
    parts = _NAME.split(text)[1:]
    return {
        name: body.strip().rstrip(";").encode()
        for name, body in zip(parts[::2], parts[1::2], strict=True)
    }
