"""The prompt describes the scene, never the person's physical appearance (as the app learned)."""

from __future__ import annotations

import asyncio
import itertools
import re

from vidprompt.generation import PromptRequest, TemplateProvider
from vidprompt.generation._gemini import SYSTEM_INSTRUCTION
from vidprompt.generation._template import _ACTIONS
from vidprompt.prompts.vocabulary import CAMERA_STYLES, FILM_EFFECTS

# Words that describe how a person looks rather than what they wear, do or feel.
APPEARANCE = re.compile(
    r"\b(face|facial|hair|hairs|blond\w*|brunette|skin|complexion|eyes?|eyebrows?|lips?|nose|"
    r"cheeks?|freckles?|beard|teeth|wrinkles?|features|body|figure|tall|short|slim|slender|"
    r"young|old|aged?|ethnic\w*|beautiful|handsome|pretty)\b",
    re.IGNORECASE,
)
EFFECT_CHOICES = [c for size in range(4) for c in itertools.permutations(FILM_EFFECTS, size)]


def _write(request: PromptRequest) -> str:
    return asyncio.run(TemplateProvider().generate(request)).text


def test_the_word_list_catches_appearance() -> None:
    assert APPEARANCE.search("drawing the viewer toward the subject's face")
    assert APPEARANCE.search("every strand of hair")
    assert not APPEARANCE.search("her pose, her red coat, the beach and a calm mood")


def test_no_template_prompt_describes_the_persons_appearance() -> None:
    instructions = [None, *_ACTIONS]
    for style, effects, instruction in itertools.product(
        CAMERA_STYLES, EFFECT_CHOICES, instructions
    ):
        text = _write(PromptRequest(style, effects, instruction))
        assert not APPEARANCE.search(text), (style, effects, instruction, text)


def test_the_images_metadata_does_not_bring_appearance_in() -> None:
    metadata = {"description": "a young blonde woman with blue eyes and freckles", "prompt": "x"}
    text = _write(PromptRequest("zoom_in", ("soft",), image_metadata=metadata))
    assert not APPEARANCE.search(text)
    assert "blonde" not in text


def test_the_gemini_instruction_asks_for_the_scene_and_forbids_appearance() -> None:
    text = " ".join(SYSTEM_INSTRUCTION.split())
    for asked in ("pose", "clothing", "environment", "mood"):
        assert asked in text
    assert "never describes the person's physical appearance" in text
    assert "briefly describes what the image shows" not in text
