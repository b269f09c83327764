"""The vocabulary: keys and German labels for the UI's camera style and film effect selectors."""

from __future__ import annotations

from fastapi import APIRouter

from vidprompt.api._schemas import Term, Vocabulary
from vidprompt.prompts import (
    ACTION_SUGGESTIONS,
    CAMERA_STYLES,
    DEFAULT_CAMERA_STYLE,
    FILM_EFFECTS,
    MAX_FILM_EFFECTS,
    MAX_INSTRUCTION_CHARS,
    MAX_PROMPT_CHARS,
)

router = APIRouter(prefix="/vocabulary", tags=["vocabulary"])

_VOCABULARY = Vocabulary(
    camera_styles=[Term(key=key, label=label) for key, label in CAMERA_STYLES.items()],
    default_camera_style=DEFAULT_CAMERA_STYLE,
    film_effects=[Term(key=key, label=label) for key, label in FILM_EFFECTS.items()],
    max_film_effects=MAX_FILM_EFFECTS,
    action_suggestions=list(ACTION_SUGGESTIONS),
    max_instruction_chars=MAX_INSTRUCTION_CHARS,
    max_prompt_chars=MAX_PROMPT_CHARS,
)


@router.get("", summary="Camera styles, film effects and limits, with German labels")
async def vocabulary() -> Vocabulary:
    """The same for every caller and never changes while the server runs: no token needed."""
    return _VOCABULARY
