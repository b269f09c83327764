"""A small Wadler-style pretty printer with Prettier's line-fitting rules.

Supabase's generator pipes its output through a Prettier-compatible formatter (print
width 80, two-space indent). To produce the same bytes the TypeScript writer describes
its output as documents (text, groups, indents, line breaks) and this module lays them
out the way Prettier's ``printDocToString`` does: a group is printed flat when it fits
in the rest of the line, else broken; a group that contains a hard line always breaks,
and so do the groups around it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Union

WIDTH = 80
_INDENT = "  "


@dataclass
class Group:
    contents: Doc
    should_break: bool = False


@dataclass
class Indent:
    contents: Doc


@dataclass(frozen=True)
class Line:
    """A space when its group is flat (nothing when ``soft``), else a newline."""

    soft: bool = False
    hard: bool = False


@dataclass
class IfBreak:
    broken: Doc
    flat: Doc = ""


@dataclass
class Concat:
    parts: list[Doc] = field(default_factory=list)


Doc = Union[str, Group, Indent, Line, IfBreak, Concat, list["Doc"]]  # noqa: UP007

LINE = Line()
SOFTLINE = Line(soft=True)
HARDLINE = Line(hard=True)


def join(separator: Doc, docs: list[Doc]) -> list[Doc]:
    joined: list[Doc] = []
    for i, doc in enumerate(docs):
        if i:
            joined.append(separator)
        joined.append(doc)
    return joined


def render(doc: Doc) -> str:
    """Lay ``doc`` out within the print width; trailing spaces are trimmed per line."""
    _propagate_breaks(doc)
    out: list[str] = []
    position = 0
    stack: list[tuple[int, bool, Doc]] = [(0, True, doc)]  # (indent, broken, doc)
    while stack:
        indent, broken, current = stack.pop()
        if isinstance(current, str):
            out.append(current)
            position += _width(current)
        elif (inner := _inner(indent, broken, current)) is not None:
            stack.extend(reversed(inner))
        elif isinstance(current, Group):
            flat = not current.should_break and _fits(
                [(indent, False, current.contents)], stack, WIDTH - position
            )
            stack.append((indent, not flat, current.contents))
        elif isinstance(current, Line):
            if broken or current.hard:
                _trim(out)
                out.append("\n" + _INDENT * indent)
                position = len(_INDENT) * indent
            elif not current.soft:
                out.append(" ")
                position += 1
    _trim(out)
    return "".join(out)


def _fits(
    pending: list[tuple[int, bool, Doc]], rest: list[tuple[int, bool, Doc]], width: int
) -> bool:
    """Whether the pending docs, flat, and the rest up to its next line break fit."""
    todo = list(reversed(pending))
    rest_index = len(rest)
    while width >= 0:
        if not todo:
            if rest_index == 0:
                return True
            rest_index -= 1
            todo.append(rest[rest_index])
            continue
        indent, broken, current = todo.pop()
        if isinstance(current, str):
            width -= _width(current)
        elif (inner := _inner(indent, broken, current)) is not None:
            todo.extend(reversed(inner))
        elif isinstance(current, Group):
            todo.append((indent, current.should_break or broken, current.contents))
        elif isinstance(current, Line):
            if broken or current.hard:
                return True
            if not current.soft:
                width -= 1
    return False


def _inner(indent: int, broken: bool, doc: Doc) -> list[tuple[int, bool, Doc]] | None:
    """What a doc that only arranges others lays out, in order, each with its indent and
    mode; None for the rest (text, a line, a group), which printing and measuring differ on.
    """
    if isinstance(doc, (list, Concat)):
        parts = doc.parts if isinstance(doc, Concat) else doc
        return [(indent, broken, part) for part in parts]
    if isinstance(doc, Indent):
        return [(indent + 1, broken, doc.contents)]
    if isinstance(doc, IfBreak):
        return [(indent, broken, doc.broken if broken else doc.flat)]
    return None


def _propagate_breaks(doc: Doc) -> bool:
    """Mark every group that holds a hard line or a breaking group; True if ``doc`` does."""
    if isinstance(doc, Line):
        return doc.hard
    if isinstance(doc, (list, Concat)):
        parts = doc.parts if isinstance(doc, Concat) else doc
        found = False
        for part in parts:
            found = _propagate_breaks(part) or found
        return found
    if isinstance(doc, Indent):
        return _propagate_breaks(doc.contents)
    if isinstance(doc, IfBreak):
        return _propagate_breaks(doc.broken) or _propagate_breaks(doc.flat)
    if isinstance(doc, Group):
        inner = _propagate_breaks(doc.contents)
        doc.should_break = doc.should_break or inner
        return doc.should_break
    return False


def _trim(out: list[str]) -> None:
    while out and out[-1].endswith(" "):
        out[-1] = out[-1].rstrip(" ")
        if not out[-1]:
            out.pop()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)
