"""Prompts written by Google's Gemini, through the official ``google-genai`` SDK."""

from __future__ import annotations

import contextlib
import importlib
from typing import TYPE_CHECKING

import httpx
from google import genai
from google.genai import errors, types

from vidprompt.errors import ErrorCode, GenerationError
from vidprompt.generation._provider import GeneratedPrompt, PromptRequest, accept_output
from vidprompt.prompts import vocabulary

if TYPE_CHECKING:

    from vidprompt.storage import ImageData

SYSTEM_INSTRUCTION = """\
You are a seasoned film director. You turn a single still image into a prompt for AI video \
generators such as Runway, Pika and Kling, which animate the image into a short clip.

You receive the image and the user's choices: a camera style, up to three film effects and \
possibly an instruction saying what should happen. The choices are given with the German \
labels of the app's interface; understand them, but always write in English.

Write one prompt that
- describes the scene briefly, so the video tool keeps it: the person's pose, their \
clothing, the environment and the mood;
- never describes the person's physical appearance (face, hair, skin, eyes, body, age or \
other features): the image already carries it, and words about it make video tools alter \
how the person looks;
- describes how the subject moves and how the camera moves;
- turns the camera style into the camera's movement and framing;
- turns each film effect into light, colour and mood;
- follows the instruction when there is one, and otherwise chooses a natural, subtle motion.

Write 50 to 150 words of flowing prose in the present tense. Output only the prompt itself: \
no title, no preamble, no quotation marks, no lists, no markdown."""


def _transport_errors(name: str) -> tuple[type[Exception], ...]:
    """``name`` from httpx and from httpx2, the fork newer SDK versions send requests with."""
    found: list[type[Exception]] = [getattr(httpx, name)]
    with contextlib.suppress(ImportError):
        found.append(getattr(importlib.import_module("httpx2"), name))
    return tuple(found)


_TIMEOUTS = _transport_errors("TimeoutException")
_TRANSPORT_FAILURES = _transport_errors("TransportError")


def transport_failures() -> tuple[type[Exception], ...]:
    """What the SDK raises when the network fails (timeouts included)."""
    return _TRANSPORT_FAILURES


# A candidate that ended for one of these reasons was withheld by the provider's filters.
_BLOCKED_FINISH = frozenset(
    {
        types.FinishReason.SAFETY,
        types.FinishReason.RECITATION,
        types.FinishReason.BLOCKLIST,
        types.FinishReason.PROHIBITED_CONTENT,
        types.FinishReason.SPII,
        types.FinishReason.IMAGE_SAFETY,
        types.FinishReason.IMAGE_PROHIBITED_CONTENT,
    }
)


def user_message(request: PromptRequest) -> str:
    """The user turn: camera style and effects by their German labels, and the instruction."""
    camera = vocabulary.CAMERA_STYLES[vocabulary.camera_style(request.camera_style)].label
    chosen = vocabulary.film_effects(request.film_effects)
    effects = ", ".join(vocabulary.FILM_EFFECTS[key].label for key in chosen) or "keine (none)"
    instruction = (request.instruction or "").strip() or "keine (none)"
    return (
        f"Kamerastil (camera style): {camera}\n"
        f"Filmeffekte (film effects): {effects}\n"
        f"Anweisung (instruction): {instruction}"
    )


class GeminiProvider:
    """One API key and model; the SDK's own retries are off, the worker decides on retries."""

    needs_image = True

    def __init__(
        self,
        api_key: str,
        *,
        model: str = "gemini-2.5-flash",
        base_url: str | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        self._model = model
        self._client = genai.Client(
            api_key=api_key,
            http_options=types.HttpOptions(base_url=base_url, timeout=int(timeout_s * 1000)),
        )

    @property
    def model_name(self) -> str:
        return self._model

    async def generate(self, request: PromptRequest) -> GeneratedPrompt:
        if request.image is None:
            raise GenerationError(ErrorCode.IMAGE_UNAVAILABLE, "Gemini needs the image's bytes.")
        try:
            response = await self.ask(
                request.image,
                user_message(request),
                types.GenerateContentConfig(system_instruction=SYSTEM_INSTRUCTION),
            )
        except errors.APIError as exc:
            raise _api_failure(exc) from exc
        except _TIMEOUTS as exc:
            raise GenerationError(ErrorCode.TIMEOUT) from exc
        except _TRANSPORT_FAILURES as exc:
            raise GenerationError(ErrorCode.PROVIDER_UNAVAILABLE) from exc
        return GeneratedPrompt(accept_output(_text_of(response)), self._model)

    async def ask(
        self, image: ImageData, text: str, config: types.GenerateContentConfig
    ) -> types.GenerateContentResponse:
        """One question about an image (the SDK's errors pass through to the caller)."""
        return await self._client.aio.models.generate_content(
            model=self._model,
            contents=types.Content(
                role="user", parts=[image_part(image), types.Part.from_text(text=text)]
            ),
            config=config,
        )

    async def aclose(self) -> None:
        await self._client.aio.aclose()


def image_part(image: ImageData) -> types.Part:
    return types.Part.from_bytes(data=image.content, mime_type=image.mime_type)


def _text_of(response: types.GenerateContentResponse) -> str | None:
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        raise GenerationError(ErrorCode.BLOCKED)
    candidates = response.candidates or []
    if candidates and candidates[0].finish_reason in _BLOCKED_FINISH:
        raise GenerationError(ErrorCode.BLOCKED)
    return response.text if candidates else None


def _api_failure(exc: errors.APIError) -> GenerationError:
    """Map an HTTP error of the Gemini API to a stable code; the provider's text is kept short."""
    detail = f"Gemini said: {(exc.message or exc.status or '').strip()[:200]}"
    if exc.code == 429:
        return GenerationError(ErrorCode.RATE_LIMITED)
    if exc.code in (401, 403) or _is_key_refusal(exc):
        return GenerationError(ErrorCode.INVALID_API_KEY)
    if exc.code in (408, 504):
        return GenerationError(ErrorCode.TIMEOUT)
    if exc.code >= 500:
        return GenerationError(ErrorCode.PROVIDER_UNAVAILABLE)
    return GenerationError(
        ErrorCode.INVALID_REQUEST, f"The AI provider refused the request. {detail}"
    )


def _is_key_refusal(exc: errors.APIError) -> bool:
    # Gemini answers a bad key with 400 INVALID_ARGUMENT and ErrorInfo reason API_KEY_INVALID.
    return "API_KEY_INVALID" in str(exc.details) or "API key not valid" in (exc.message or "")
