"""What every prompt provider takes and returns, and the output rules they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from vidprompt.errors import ErrorCode, GenerationError
from vidprompt.prompts import vocabulary

if TYPE_CHECKING:
    from collections.abc import Mapping

    from vidprompt.storage import ImageData

PROMPT_MAX_CHARS = vocabulary.MAX_PROMPT_CHARS  # also the database's check


@dataclass(frozen=True)
class PromptRequest:
    """One variant to write: the stored vocabulary keys, the instruction and the image."""

    camera_style: str
    film_effects: tuple[str, ...] = ()
    instruction: str | None = None
    image: ImageData | None = None
    image_metadata: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class GeneratedPrompt:
    """A finished prompt and the model that wrote it (recorded as ``model_name``)."""

    text: str
    model_name: str


class Provider(Protocol):
    """Writes one prompt; raises :class:`GenerationError` with a stable code on failure."""

    @property
    def model_name(self) -> str: ...

    @property
    def needs_image(self) -> bool:
        """Whether ``generate`` needs the image's bytes (the worker fetches them only then)."""
        ...

    async def generate(self, request: PromptRequest) -> GeneratedPrompt: ...


def accept_output(text: str | None) -> str:
    """The provider's text, trimmed, if it is a usable prompt; else the failure's code."""
    trimmed = (text or "").strip()
    if not trimmed:
        raise GenerationError(ErrorCode.EMPTY_OUTPUT)
    if len(trimmed) > PROMPT_MAX_CHARS:
        raise GenerationError(
            ErrorCode.TOO_LONG,
            f"The generated prompt has {len(trimmed)} characters; at most "
            f"{PROMPT_MAX_CHARS} are allowed.",
        )
    return trimmed
