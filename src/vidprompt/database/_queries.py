"""Named SQL kept in ``.sql`` files: each ``-- name: X`` block, loaded once, run by name."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_NAME = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


def named_queries(package: str, file: str) -> Callable[[], dict[str, bytes]]:
    """A loader of ``file`` in ``package``: on first call it reads the file, then answers the
    same dict of each block by name, as bytes ready to execute with ``%(name)s`` parameters."""

    @cache
    def load() -> dict[str, bytes]:
        return parse_queries(resources.files(package).joinpath(file).read_text(encoding="utf-8"))

    return load


def parse_queries(text: str) -> dict[str, bytes]:
    """Each ``-- name: X`` block of ``text``, by name (the comments under a name included)."""
    parts = _NAME.split(text)[1:]
    return {
        name: body.strip().rstrip(";").encode()
        for name, body in zip(parts[::2], parts[1::2], strict=True)
    }
