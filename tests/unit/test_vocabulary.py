"""The vocabulary and input rules, without a database."""

from __future__ import annotations

import datetime
import typing
import uuid

import pytest

from vidprompt.db_types import VideoPromptsCameraStyle
from vidprompt.errors import InvalidInput
from vidprompt.prompts import (
    CAMERA_STYLES,
    DEFAULT_CAMERA_STYLE,
    FILM_EFFECTS,
    MAX_INSTRUCTION_CHARS,
    MAX_PROMPT_CHARS,
    FilmEffect,
    vocabulary,
)
from vidprompt.prompts._models import decode_cursor, encode_cursor


def test_camera_styles_are_the_databases_keys_with_german_labels() -> None:
    assert set(CAMERA_STYLES) == set(typing.get_args(VideoPromptsCameraStyle))
    assert dict(CAMERA_STYLES) == {
        "cinematic": "Cinematic",
        "slow_motion": "Slow Motion",
        "zoom_in": "Zoom-In",
        "orbit": "Orbit",
        "dolly": "Dolly",
        "statisch": "Statisch",
    }


def test_the_static_camera_is_stored_as_the_database_default() -> None:
    assert DEFAULT_CAMERA_STYLE == "statisch"
    assert CAMERA_STYLES[DEFAULT_CAMERA_STYLE] == "Statisch"
    with pytest.raises(InvalidInput, match="statisch"):
        vocabulary.camera_style("static")


def test_film_effects_with_german_labels() -> None:
    assert set(FILM_EFFECTS) == set(typing.get_args(FilmEffect))
    assert FILM_EFFECTS["dreamy"] == "Verträumt"
    assert FILM_EFFECTS["dramatic"] == "Dramatisch"
    assert FILM_EFFECTS["soft"] == "Weich"


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
