"""The offline template provider: deterministic, honest about not being AI, 50 to 150 words."""

from __future__ import annotations

import asyncio
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from vidprompt.generation import TEMPLATE_MODEL_NAME, PromptRequest, TemplateProvider, word_count
from vidprompt.prompts.vocabulary import CAMERA_STYLES, FILM_EFFECTS

EFFECT_CHOICES = [
    combo for size in range(4) for combo in itertools.permutations(FILM_EFFECTS, size)
]


def _write(request: PromptRequest) -> str:
    prompt = asyncio.run(TemplateProvider().generate(request))
    assert prompt.model_name == TEMPLATE_MODEL_NAME
    return prompt.text


def test_every_camera_style_and_effect_combination_is_50_to_150_words() -> None:
    for camera_style, effects in itertools.product(CAMERA_STYLES, EFFECT_CHOICES):
        text = _write(PromptRequest(camera_style, effects))
        assert 50 <= word_count(text) <= 150, (camera_style, effects, word_count(text))


@settings(max_examples=300, deadline=None)
@given(
    camera_style=st.sampled_from(sorted(CAMERA_STYLES)),
    effects=st.sampled_from(EFFECT_CHOICES),
    instruction=st.none() | st.text(max_size=500),
    description=st.none() | st.text(max_size=2000),
)
def test_any_instruction_and_metadata_stay_within_50_to_150_words(
    camera_style: str, effects: tuple[str, ...], instruction: str | None, description: str | None
) -> None:
    metadata = {} if description is None else {"description": description}
    request = PromptRequest(camera_style, effects, instruction, image_metadata=metadata)
    first = _write(request)
    assert 50 <= word_count(first) <= 150
    assert _write(request) == first  # deterministic


def test_the_prompt_follows_the_choices() -> None:
    text = _write(
        PromptRequest(
            "zoom_in",
            ("noir",),
            "winken",
            image_metadata={"description": "a woman in a red coat"},
        )
    )
    assert "zooms in" in text
    assert "noir" in text
    assert "waves" in text
    assert "a woman in a red coat" not in text  # metadata is not used: see the next file


def test_different_choices_give_different_prompts() -> None:
    texts = {_write(PromptRequest(style)) for style in CAMERA_STYLES}
    assert len(texts) == len(CAMERA_STYLES)


def test_it_needs_no_image_and_says_it_is_not_ai() -> None:
    provider = TemplateProvider()
    assert provider.needs_image is False
    assert "gemini" not in provider.model_name
    assert "template" in provider.model_name  # what each stored row and the output show
