"""The vocabulary and input rules of video prompts, in one place.

Stored keys are stable and match the database's check constraints; the German labels are
what the app's UI and the generation prompt show. The static camera is stored as
``'statisch'``, the column default, so rows never disagree on ``'static'`` versus
``'statisch'`` (the app's original flaw). Every rule here is also a database rule, so a
client that bypasses vidprompt cannot store what vidprompt would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, cast

from vidprompt.errors import InvalidInput

if TYPE_CHECKING:
    from vidprompt.db_types import ImagesType, VideoPromptsCameraStyle

FilmEffect = Literal["dramatic", "soft", "golden_hour", "noir", "dreamy"]

# Key -> German label, in the order the UI offers them.
CAMERA_STYLES: Mapping[VideoPromptsCameraStyle, str] = MappingProxyType(
    {
        "cinematic": "Cinematic",
        "slow_motion": "Slow Motion",
        "zoom_in": "Zoom-In",
        "orbit": "Orbit",
        "dolly": "Dolly",
        "statisch": "Statisch",
    }
)
FILM_EFFECTS: Mapping[FilmEffect, str] = MappingProxyType(
    {
        "dramatic": "Dramatisch",
        "soft": "Weich",
        "golden_hour": "Golden Hour",
        "noir": "Noir",
        "dreamy": "Verträumt",
    }
)
# The app's fixed suggestions for the instruction field (German, as the UI shows them).
ACTION_SUGGESTIONS: tuple[str, ...] = ("lächeln", "winken", "nicken", "drehen")
IMAGE_TYPES: tuple[ImagesType, ...] = ("generated", "source")

DEFAULT_CAMERA_STYLE: VideoPromptsCameraStyle = "statisch"
MAX_FILM_EFFECTS = 3
MAX_INSTRUCTION_CHARS = 500
MAX_PROMPT_CHARS = 2000


def camera_style(value: object) -> VideoPromptsCameraStyle:
    """``value`` if it is a camera style's key; otherwise InvalidInput listing the keys."""
    if isinstance(value, str) and value in CAMERA_STYLES:
        return cast("VideoPromptsCameraStyle", value)
    raise _unknown("camera_style", "camera style", value, CAMERA_STYLES)


def film_effects(values: object) -> list[str]:
    """At most three distinct film effect keys, in the given order."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise InvalidInput("Film effects must be a list of keys.", field="film_effects")
    chosen: list[str] = []
    for value in values:
        if not (isinstance(value, str) and value in FILM_EFFECTS):
            raise _unknown("film_effects", "film effect", value, FILM_EFFECTS)
        if value in chosen:
            raise InvalidInput(f"Film effect {value!r} is chosen twice.", field="film_effects")
        chosen.append(value)
    if len(chosen) > MAX_FILM_EFFECTS:
        raise InvalidInput(
            f"At most {MAX_FILM_EFFECTS} film effects, not {len(chosen)}.", field="film_effects"
        )
    return chosen


def instruction(value: object) -> str | None:
    """The user's instruction (optional), at most 500 characters, kept verbatim."""
    if value is None:
        return None
    return text("user_instruction", value, MAX_INSTRUCTION_CHARS)


def prompt_text(value: object, *, required: bool = False) -> str:
    """A prompt, at most 2000 characters; ``required`` refuses an empty or blank one."""
    checked = text("prompt_text", value, MAX_PROMPT_CHARS)
    if required and not checked.strip():
        raise InvalidInput("The prompt text is empty.", field="prompt_text")
    return checked


def image_type(value: object) -> ImagesType:
    if isinstance(value, str) and value in IMAGE_TYPES:
        return value
    raise _unknown("type", "image type", value, IMAGE_TYPES)


def text(field: str, value: object, max_chars: int | None = None) -> str:
    """A string Postgres can store as it is, at most ``max_chars`` characters.

    Characters are code points, as ``char_length`` counts them, so an emoji is one.
    """
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be text.", field=field)
    if max_chars is not None and len(value) > max_chars:
        raise InvalidInput(
            f"{field} has {len(value)} characters; at most {max_chars} are allowed.", field=field
        )
    if "\x00" in value:
        raise InvalidInput(f"{field} contains a NUL character.", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{field} is not valid Unicode text.", field=field) from None
    return value


def required_text(field: str, value: object) -> str:
    """Non-blank text (a model name, an error code)."""
    checked = text(field, value)
    if not checked.strip():
        raise InvalidInput(f"{field} must not be empty.", field=field)
    return checked


def _unknown(field: str, what: str, value: object, allowed: Iterable[str]) -> InvalidInput:
    return InvalidInput(f"Unknown {what} {value!r}. Allowed: {', '.join(allowed)}.", field=field)
