"""The offline provider: composes a prompt from fixed sentences. Not AI, and says so.

It is the default when no Gemini key is configured, so that vidprompt runs end to end with
no account and no network. The same request always gives the same text, of 50 to 150
words, and ``model_name`` is ``vidprompt-template-1`` so a stored row never passes for AI.

Like the Gemini instruction, it describes the scene (motion, camera, light, mood) but never
the person's physical appearance: the image carries that, and text describing it makes video
models alter the person's look. So the image's metadata (often the prompt that generated the
image, full of appearance) is not used either.
"""

from __future__ import annotations

from vidprompt.generation._provider import GeneratedPrompt, PromptRequest, accept_output
from vidprompt.prompts import vocabulary

MODEL_NAME = "vidprompt-template-1"

_INSTRUCTION_WORDS = 20  # clip the instruction so every prompt stays within 150 words

_OPENING = (
    "The video begins on the original photo and keeps the person exactly as pictured, with "
    "their pose, clothing, setting and composition unchanged."
)

_NO_EFFECT = "The light and colours stay true to the photograph, natural and realistic."

# The app's fixed action suggestions (German), written out as English motion.
_ACTIONS = {
    "lächeln": "The subject slowly breaks into a warm, natural smile.",
    "winken": "The subject raises a hand and waves in a friendly greeting.",
    "nicken": "The subject nods gently, as if agreeing with someone off camera.",
    "drehen": "The subject turns slowly toward the camera and meets its gaze.",
}

_NO_ACTION = (
    "The subject moves naturally and subtly: a slow breath, a slight shift of weight and a "
    "calm glance."
)
_CLOSING = "The motion stays smooth and realistic, with no cuts, for a clip of about five seconds."


class TemplateProvider:
    """Deterministic prompts without a network or a model."""

    needs_image = False
    model_name = MODEL_NAME

    async def generate(self, request: PromptRequest) -> GeneratedPrompt:
        return GeneratedPrompt(accept_output(compose(request)), MODEL_NAME)


def compose(request: PromptRequest) -> str:
    """The prompt for ``request``: scene, action, camera, light, closing; the camera's and
    the effects' sentences are the vocabulary's."""
    sentences = [
        _OPENING,
        _action(request.instruction),
        vocabulary.CAMERA_STYLES[vocabulary.camera_style(request.camera_style)].sentence,
        *(
            [
                vocabulary.FILM_EFFECTS[key].sentence
                for key in vocabulary.film_effects(request.film_effects)
            ]
            or [_NO_EFFECT]
        ),
        _CLOSING,
    ]
    return " ".join(sentences)


def _action(instruction: str | None) -> str:
    text = _clip(instruction or "", _INSTRUCTION_WORDS)
    if not text:
        return _NO_ACTION
    return _ACTIONS.get(text.lower(), f"The subject acts as asked: {text}.")


def _clip(text: str, words: int) -> str:
    """At most ``words`` words of ``text``, on one line, without closing punctuation."""
    return " ".join(text.split()[:words]).rstrip(".!?;:, ")
