"""The vocabulary: keys and German labels for the UI's camera style and film effect selectors."""

from __future__ import annotations

from fastapi import APIRouter

from vidprompt.api._schemas import Term, Vocabulary
from vidprompt.prompts import vocabulary as words

router = APIRouter(prefix="/vocabulary", tags=["vocabulary"])

_VOCABULARY = Vocabulary(
    camera_styles=[Term(key=key, label=label) for key, label in words.labels(words.CAMERA_STYLES)],
    default_camera_style=words.DEFAULT_CAMERA_STYLE,
    film_effects=[Term(key=key, label=label) for key, label in words.labels(words.FILM_EFFECTS)],
    max_film_effects=words.MAX_FILM_EFFECTS,
    action_suggestions=list(words.ACTION_SUGGESTIONS),
    max_instruction_chars=words.MAX_INSTRUCTION_CHARS,
    max_prompt_chars=words.MAX_PROMPT_CHARS,
)


@router.get("", summary="Camera styles, film effects and limits, with German labels")
async def vocabulary() -> Vocabulary:
    """The same for every caller and never changes while the server runs: no token needed."""
    return _VOCABULARY
