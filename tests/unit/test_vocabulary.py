"""The vocabulary and input rules, without a database."""

from __future__ import annotations

import datetime
import typing
import uuid
from typing import TYPE_CHECKING, Any

import pglast
import pytest
from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from tests.conftest import REPO
from vidprompt.db_types import VideoPromptsCameraStyle
from vidprompt.errors import InvalidInput
from vidprompt.migrations import MIGRATIONS_DIR
from vidprompt.prompts import (
    CAMERA_STYLES,
    DEFAULT_CAMERA_STYLE,
    FILM_EFFECTS,
    MAX_INSTRUCTION_CHARS,
    MAX_PROMPT_CHARS,
    CameraStyle,
    FilmEffect,
    Term,
    vocabulary,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
from vidprompt.prompts._models import decode_cursor, encode_cursor


def test_each_vocabulary_lists_its_types_keys_in_order() -> None:
    assert tuple(CAMERA_STYLES) == typing.get_args(CameraStyle)
    assert tuple(FILM_EFFECTS) == typing.get_args(FilmEffect)
    assert set(CAMERA_STYLES) == set(typing.get_args(VideoPromptsCameraStyle))


@pytest.mark.parametrize("terms", [CAMERA_STYLES, FILM_EFFECTS], ids=["camera", "effects"])
def test_every_term_has_its_own_label_and_sentence(terms: Mapping[str, Term]) -> None:
    labels = [term.label for term in terms.values()]
    sentences = [term.sentence for term in terms.values()]
    assert all(label.strip() == label and label for label in labels)
    assert len(set(labels)) == len(set(sentences)) == len(terms)
    assert all(sentence.endswith(".") for sentence in sentences)


def test_the_migrations_allow_exactly_the_vocabulary() -> None:
    """Adding a camera style or film effect is a new migration that replaces the check: the
    checks in force after every migration allow exactly the vocabulary's keys."""
    checks, defaults = _video_prompts_checks()
    assert _allowed(checks, "camera_style", "in") == set(CAMERA_STYLES)
    assert _allowed(checks, "film_effects", "<@") == set(FILM_EFFECTS)
    assert defaults["camera_style"] == DEFAULT_CAMERA_STYLE == "statisch"


def test_the_static_camera_is_stored_as_the_database_default() -> None:
    assert CAMERA_STYLES[DEFAULT_CAMERA_STYLE].label == "Statisch"
    with pytest.raises(InvalidInput, match="statisch"):
        vocabulary.camera_style("static")


def _video_prompts_checks() -> tuple[dict[str, Any], dict[str, str | None]]:
    """The checks (by name) and string defaults (by column) of public.video_prompts after
    all of the repository's migrations, as their SQL says."""
    checks: dict[str, Any] = {}
    defaults: dict[str, str | None] = {}
    for path in sorted((REPO / MIGRATIONS_DIR).glob("*.sql")):
        for raw in pglast.parse_sql(path.read_text(encoding="utf-8")):
            statement: Any = raw.stmt
            kind = type(statement).__name__
            if kind in ("CreateStmt", "AlterTableStmt") and _is_video_prompts(statement.relation):
                if kind == "CreateStmt":
                    _created(statement, checks, defaults)
                else:
                    _altered(statement, checks, defaults)
    return checks, defaults


def _created(statement: Any, checks: dict[str, Any], defaults: dict[str, str | None]) -> None:
    for element in statement.tableElts:
        if getattr(element, "contype", None) == ConstrType.CONSTR_CHECK:  # a table constraint
            checks[element.conname] = element.raw_expr
        for constraint in getattr(element, "constraints", None) or ():  # a column's
            if constraint.contype == ConstrType.CONSTR_CHECK:
                name = f"video_prompts_{element.colname}_check"  # as Postgres names it
                checks[constraint.conname or name] = constraint.raw_expr
            elif constraint.contype == ConstrType.CONSTR_DEFAULT:
                defaults[element.colname] = _string(constraint.raw_expr)


def _altered(statement: Any, checks: dict[str, Any], defaults: dict[str, str | None]) -> None:
    for command in statement.cmds:
        if command.subtype == AlterTableType.AT_DropConstraint:
            checks.pop(command.name, None)
        elif command.subtype == AlterTableType.AT_AddConstraint:
            if command.def_.contype == ConstrType.CONSTR_CHECK:
                checks[command.def_.conname] = command.def_.raw_expr
        elif command.subtype == AlterTableType.AT_ColumnDefault:
            defaults[command.name] = _string(command.def_)


def _is_video_prompts(relation: Any) -> bool:
    return relation.relname == "video_prompts" and relation.schemaname in (None, "public")


def _allowed(checks: dict[str, Any], column: str, operator: str) -> set[str]:
    """The values of ``column in (...)`` / ``column <@ array[...]`` among the checks."""
    stored_operator = "=" if operator == "in" else operator  # in (...) is = with a list
    found: list[set[str]] = []
    for expression in checks.values():
        for node in _walk(expression):
            test: Any = node
            if not (isinstance(node, ast.A_Expr) and type(test.lexpr).__name__ == "ColumnRef"):
                continue
            if test.lexpr.fields[-1].sval == column and test.name[-1].sval == stored_operator:
                found.append({str(_string(item)) for item in _walk(test.rexpr) if _is_string(item)})
    assert len(found) == 1, f"one check lists the allowed {column}, not {len(found)}"
    return found[0]


def _walk(node: object) -> Iterator[object]:
    yield node
    if isinstance(node, tuple | list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, ast.Node):
        for slot in getattr(type(node), "__slots__", ()):
            yield from _walk(getattr(node, slot, None))


def _is_string(node: object) -> bool:
    return isinstance(node, ast.A_Const) and isinstance(node.val, ast.String)


def _string(node: object) -> str | None:
    """The string constant ``node`` is (perhaps cast), or None."""
    while isinstance(node, ast.TypeCast):
        node = node.arg
    return str(node.val.sval) if _is_string(node) else None  # type: ignore[attr-defined]


def test_film_effects_are_refused_unless_distinct() -> None:
    with pytest.raises(InvalidInput, match="twice"):
        vocabulary.film_effects(["noir", "noir"])


@pytest.mark.parametrize(
    "effects",
    [
        ["noir", "noir"],
        ["noir", "soft", "dreamy", "dramatic"],
        ["sepia"],
        ["NOIR"],
        "noir",
        [None],
        42,
    ],
)
def test_bad_film_effects_are_refused(effects: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        vocabulary.film_effects(effects)
    assert refused.value.field == "film_effects"


def test_good_film_effects_keep_their_order() -> None:
    chosen = ("soft", "noir", "golden_hour")
    assert vocabulary.film_effects(chosen) == list(chosen)
    assert vocabulary.film_effects([]) == []


@pytest.mark.parametrize(
    ("check", "limit", "field"),
    [
        (vocabulary.instruction, MAX_INSTRUCTION_CHARS, "user_instruction"),
        (vocabulary.prompt_text, MAX_PROMPT_CHARS, "prompt_text"),
    ],
)
def test_lengths_count_characters(check: typing.Any, limit: int, field: str) -> None:
    assert check("ä" * limit) == "ä" * limit
    assert check("🎬" * limit) == "🎬" * limit
    with pytest.raises(InvalidInput) as refused:
        check("🎬" * (limit + 1))
    assert refused.value.field == field


@pytest.mark.parametrize("text", ["nul\x00", "lone \udc80 surrogate", b"bytes", 3])
def test_text_postgres_cannot_store_is_refused(text: object) -> None:
    with pytest.raises(InvalidInput):
        vocabulary.prompt_text(text)


def test_an_instruction_is_optional_and_kept_verbatim() -> None:
    assert vocabulary.instruction(None) is None
    assert vocabulary.instruction("  lächeln  ") == "  lächeln  "


def test_a_required_prompt_is_not_blank() -> None:
    assert vocabulary.prompt_text("") == ""
    with pytest.raises(InvalidInput):
        vocabulary.prompt_text(" \n", required=True)


def test_cursors_round_trip() -> None:
    moment = datetime.datetime(2026, 1, 5, 15, 27, 0, 123456, tzinfo=datetime.UTC)
    image_id = uuid.uuid4()
    assert decode_cursor(encode_cursor(moment, image_id)) == (moment, str(image_id))
    assert decode_cursor(encode_cursor(moment, 42)) == (moment, 42)


@pytest.mark.parametrize(
    "cursor", ["", "!!!", "bm90IGpzb24", "WzFd", "WyIyMDI2LTAxLTA1VDE1OjI3OjAwIiwgMV0"]
)
def test_foreign_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode_cursor(cursor)
    assert refused.value.field == "after"
