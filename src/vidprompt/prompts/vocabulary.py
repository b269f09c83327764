"""The vocabulary and input rules of video prompts, in one place.

Each camera style and film effect is one entry here: its stored key, the German label the
app's UI and the Gemini request show, and the sentence the offline template writes for it.
The keys' :data:`CameraStyle` and :data:`FilmEffect` types stand beside the tables; tests
check that both list the same keys, in the same order, as the migrations' check constraints
and the generated ``db_types``. The static camera is stored as ``'statisch'``, the column
default, so rows never disagree on ``'static'`` versus ``'statisch'`` (the app's original
flaw). Every rule here but one is also a database rule, so a client that bypasses vidprompt
cannot store what vidprompt would refuse; the exception is a film effect chosen twice, which
the worker reads once (``stored_inputs``).

The field types (:data:`PromptText`, :data:`Instruction`, :data:`FilmEffects`) are what the
variant models of :mod:`vidprompt.prompts._models` are made of; the functions below apply the
same types to one value and raise :class:`InvalidInput` naming the field.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Literal, NamedTuple, TypeVar

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError

from vidprompt.errors import InvalidInput

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from vidprompt.db_types import ImagesType

T = TypeVar("T")
K = TypeVar("K", bound=str)

CameraStyle = Literal["cinematic", "slow_motion", "zoom_in", "orbit", "dolly", "statisch"]
FilmEffect = Literal["dramatic", "soft", "golden_hour", "noir", "dreamy"]


class Term(NamedTuple):
    """One choice of a selector: what the UI calls it and what the offline template writes."""

    label: str  # German, as the app's UI shows it
    sentence: str  # English, the offline template's sentence for it


# Key -> term, in the order the UI offers them.
CAMERA_STYLES: Mapping[CameraStyle, Term] = MappingProxyType(
    {
        "cinematic": Term(
            "Cinematic",
            "The camera glides in a slow, cinematic arc with a shallow depth of field, "
            "framing the subject like the opening shot of a feature film.",
        ),
        "slow_motion": Term(
            "Slow Motion",
            "Everything unfolds in graceful slow motion; the camera holds steady so every "
            "small movement and every fold of the clothing can be seen.",
        ),
        "zoom_in": Term(
            "Zoom-In",
            "The camera slowly zooms in from a medium shot to a close-up, drawing the viewer "
            "closer to the subject and the moment.",
        ),
        "orbit": Term(
            "Orbit",
            "The camera orbits smoothly around the subject in a half circle, revealing depth "
            "and the space around them while keeping them centred.",
        ),
        "dolly": Term(
            "Dolly",
            "The camera dollies forward on a smooth track, steadily closing the distance while "
            "the background shifts gently in parallax.",
        ),
        "statisch": Term(
            "Statisch",
            "The camera stays completely still on a tripod, like a living photograph, so only "
            "the subject and the light move.",
        ),
    }
)
FILM_EFFECTS: Mapping[FilmEffect, Term] = MappingProxyType(
    {
        "dramatic": Term(
            "Dramatisch",
            "Dramatic, high-contrast lighting carves deep shadows and gives the moment tension "
            "and weight.",
        ),
        "soft": Term(
            "Weich",
            "Soft, diffused light wraps the scene in gentle tones and a calm, tender mood.",
        ),
        "golden_hour": Term(
            "Golden Hour",
            "Warm golden-hour sunlight glows low from the side, with long shadows and "
            "honey-coloured highlights.",
        ),
        "noir": Term(
            "Noir",
            "A film-noir look in black and white, with hard light, deep blacks and a "
            "mysterious atmosphere.",
        ),
        "dreamy": Term(
            "Verträumt",
            "A dreamy haze with a soft bloom, pastel tones and floating light particles makes "
            "the scene feel like a memory.",
        ),
    }
)
# The app's fixed suggestions for the instruction field (German, as the UI shows them).
ACTION_SUGGESTIONS: tuple[str, ...] = ("lächeln", "winken", "nicken", "drehen")
IMAGE_TYPES: tuple[ImagesType, ...] = ("generated", "source")

DEFAULT_CAMERA_STYLE: CameraStyle = "statisch"
MAX_FILM_EFFECTS = 3
MAX_INSTRUCTION_CHARS = 500
MAX_PROMPT_CHARS = 2000


def storable(value: str) -> str:
    """``value`` if Postgres can store it as it is: no NUL, no lone surrogate."""
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode text") from None
    return value


def _distinct(values: list[FilmEffect]) -> list[FilmEffect]:
    for index, value in enumerate(values):
        if value in values[:index]:
            raise ValueError(f"film effect {value!r} is chosen twice")
    return values


# Lengths are in characters (code points, as char_length counts them): an emoji is one.
PromptText = Annotated[str, Field(max_length=MAX_PROMPT_CHARS), AfterValidator(storable)]
Instruction = Annotated[str, Field(max_length=MAX_INSTRUCTION_CHARS), AfterValidator(storable)]
FilmEffects = Annotated[
    list[FilmEffect],
    Field(max_length=MAX_FILM_EFFECTS, json_schema_extra={"uniqueItems": True}),
    AfterValidator(_distinct),
]

# Type forms are not types to mypy: the adapters' types are stated.
_CAMERA_STYLE: TypeAdapter[CameraStyle] = TypeAdapter(CameraStyle)
_FILM_EFFECTS: TypeAdapter[list[FilmEffect]] = TypeAdapter(FilmEffects)
_INSTRUCTION: TypeAdapter[str | None] = TypeAdapter(Instruction | None)
_PROMPT_TEXT: TypeAdapter[str] = TypeAdapter(PromptText)


def checked(adapter: TypeAdapter[T], field: str, value: object) -> T:
    """``value`` validated by ``adapter``; InvalidInput naming ``field`` if it is refused."""
    try:
        return adapter.validate_python(value, strict=isinstance(value, str | bytes))
    except ValidationError as exc:
        raise refusal(exc, field) from None


def refusal(exc: ValidationError, field: str | None = None) -> InvalidInput:
    """The first error of ``exc`` as InvalidInput, naming the field (``field``, else the
    error's own first location)."""
    error = exc.errors(include_url=False)[0]
    name = field or (str(error["loc"][0]) if error["loc"] else None)
    message = str(error["msg"]).removeprefix("Value error, ")
    return InvalidInput(f"{name}: {message}" if name else message, field=name)


def camera_style(value: object) -> CameraStyle:
    """``value`` if it is a camera style's key; otherwise InvalidInput listing the keys."""
    return checked(_CAMERA_STYLE, "camera_style", value)


def film_effects(values: object) -> list[FilmEffect]:
    """At most three distinct film effect keys, in the given order."""
    return checked(_FILM_EFFECTS, "film_effects", values)


def instruction(value: object) -> str | None:
    """The user's instruction (optional), at most 500 characters, kept verbatim."""
    return checked(_INSTRUCTION, "user_instruction", value)


def prompt_text(value: object, *, required: bool = False) -> str:
    """A prompt, at most 2000 characters; ``required`` refuses an empty or blank one."""
    checked_text = checked(_PROMPT_TEXT, "prompt_text", value)
    if required and not checked_text.strip():
        raise InvalidInput("The prompt text is empty.", field="prompt_text")
    return checked_text


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
    try:
        return storable(value)
    except ValueError as exc:
        raise InvalidInput(f"{field} {exc}.", field=field) from None


def required_text(field: str, value: object) -> str:
    """Non-blank text (a model name, an error code)."""
    checked_text = text(field, value)
    if not checked_text.strip():
        raise InvalidInput(f"{field} must not be empty.", field=field)
    return checked_text


def labels(terms: Mapping[K, Term]) -> list[tuple[K, str]]:
    """``(key, German label)`` of each term, in the UI's order."""
    return [(key, term.label) for key, term in terms.items()]


def _unknown(field: str, what: str, value: object, allowed: Iterable[str]) -> InvalidInput:
    return InvalidInput(f"Unknown {what} {value!r}. Allowed: {', '.join(allowed)}.", field=field)
