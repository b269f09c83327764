"""The Gemini provider through the real google-genai SDK, against a stand-in REST endpoint."""

from __future__ import annotations

import asyncio
import base64
from typing import TYPE_CHECKING

import pytest

from tests.integration.generation._standins import Reply, gemini_error, gemini_text
from tests.integration.generation.conftest import GOOD_PROMPT
from vidprompt.generation import (
    SYSTEM_INSTRUCTION,
    ErrorCode,
    GeminiProvider,
    GenerationError,
    ImageData,
    PromptRequest,
    RetryPolicy,
    call_with_retries,
)

if TYPE_CHECKING:
    from tests.integration.generation._standins import StandIn

FAST_RETRIES = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


def _request(png: bytes) -> PromptRequest:
    return PromptRequest(
        camera_style="statisch",
        film_effects=("golden_hour", "dreamy"),
        instruction="lächeln",
        image=ImageData(png, "image/png"),
    )


def _provider(gemini: StandIn, *, timeout_s: float = 10.0) -> GeminiProvider:
    return GeminiProvider("test-key-123", base_url=gemini.url, timeout_s=timeout_s)


def _generate(provider: GeminiProvider, request: PromptRequest) -> str:
    async def run() -> str:
        try:
            return (await provider.generate(request)).text
        finally:
            await provider.aclose()

    return asyncio.run(run())


def _failure(provider: GeminiProvider, request: PromptRequest) -> GenerationError:
    with pytest.raises(GenerationError) as caught:
        _generate(provider, request)
    return caught.value


def test_request_carries_system_instruction_labels_instruction_and_image(
    gemini: StandIn, png: bytes
) -> None:
    text = _generate(_provider(gemini), _request(png))

    assert text == GOOD_PROMPT  # trimmed
    [seen] = gemini.requests(":generateContent")
    assert "/models/gemini-2.5-flash:generateContent" in seen.path
    assert seen.headers["x-goog-api-key"] == "test-key-123"
    body = seen.json()
    assert body["systemInstruction"]["parts"][0]["text"] == SYSTEM_INSTRUCTION
    [content] = body["contents"]
    image_part, text_part = content["parts"]
    # The SDK sends bytes as URL-safe base64.
    assert base64.urlsafe_b64decode(image_part["inlineData"]["data"]) == png
    assert image_part["inlineData"]["mime_type"] == "image/png"
    message = text_part["text"]
    # German labels, not the stored keys; the user's instruction verbatim.
    assert "Statisch" in message
    assert "statisch" not in message
    assert "Golden Hour" in message
    assert "Verträumt" in message
    assert "dreamy" not in message
    assert "lächeln" in message


def test_system_instruction_asks_for_what_the_feature_needs() -> None:
    for phrase in ("Runway", "50 to 150 words", "English", "camera style", "Output only"):
        assert phrase in SYSTEM_INSTRUCTION


def test_model_is_configurable_and_recorded(gemini: StandIn, png: bytes) -> None:
    provider = GeminiProvider("k", model="gemini-2.5-pro", base_url=gemini.url)
    assert provider.model_name == "gemini-2.5-pro"
    _generate(provider, _request(png))
    assert "/models/gemini-2.5-pro:generateContent" in gemini.requests()[0].path


KEY_INVALID = gemini_error(
    400,
    "INVALID_ARGUMENT",
    "API key not valid. Please pass a valid API key.",
    details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}],
)


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (gemini_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded"), ErrorCode.RATE_LIMITED),
        (
            gemini_error(503, "UNAVAILABLE", "The model is overloaded"),
            ErrorCode.PROVIDER_UNAVAILABLE,
        ),
        (gemini_error(500, "INTERNAL", "Internal error"), ErrorCode.PROVIDER_UNAVAILABLE),
        (gemini_error(504, "DEADLINE_EXCEEDED", "Deadline expired"), ErrorCode.TIMEOUT),
        (KEY_INVALID, ErrorCode.INVALID_API_KEY),
        (gemini_error(403, "PERMISSION_DENIED", "Permission denied"), ErrorCode.INVALID_API_KEY),
        (gemini_error(400, "INVALID_ARGUMENT", "Bad request"), ErrorCode.INVALID_REQUEST),
        (
            Reply(body={"promptFeedback": {"blockReason": "SAFETY"}}),
            ErrorCode.BLOCKED,
        ),
        (gemini_text("Unsafe text", finish="SAFETY"), ErrorCode.BLOCKED),
        (gemini_text("   \n  "), ErrorCode.EMPTY_OUTPUT),
        (Reply(body={"candidates": []}), ErrorCode.EMPTY_OUTPUT),
        (gemini_text("word " * 401), ErrorCode.TOO_LONG),
    ],
)
def test_each_failure_maps_to_its_code(
    gemini: StandIn, png: bytes, reply: Reply, code: ErrorCode
) -> None:
    gemini.script(reply)
    error = _failure(_provider(gemini), _request(png))
    assert error.code is code
    assert error.message  # readable
    assert "test-key-123" not in error.message


def test_a_slow_answer_is_a_timeout(gemini: StandIn, png: bytes) -> None:
    gemini.script(Reply(body=gemini_text(GOOD_PROMPT).body, delay_s=3))
    error = _failure(_provider(gemini, timeout_s=0.3), _request(png))
    assert error.code is ErrorCode.TIMEOUT
    assert error.transient


def test_an_unreachable_endpoint_is_unavailable(png: bytes) -> None:
    provider = GeminiProvider("k", base_url="http://127.0.0.1:9")  # discard port: refused
    error = _failure(provider, _request(png))
    assert error.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert error.transient


def _with_retries(gemini: StandIn, png: bytes) -> str:
    provider = _provider(gemini)

    async def run() -> str:
        try:
            prompt = await call_with_retries(lambda: provider.generate(_request(png)), FAST_RETRIES)
            return prompt.text
        finally:
            await provider.aclose()

    return asyncio.run(run())


def test_transient_failures_are_retried_until_success(gemini: StandIn, png: bytes) -> None:
    gemini.script(
        gemini_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded"),
        gemini_error(503, "UNAVAILABLE", "Overloaded"),
    )
    assert _with_retries(gemini, png) == GOOD_PROMPT
    assert len(gemini.requests()) == 3


def test_transient_failures_are_retried_a_bounded_number_of_times(
    gemini: StandIn, png: bytes
) -> None:
    gemini.script(*[gemini_error(503, "UNAVAILABLE", "Overloaded")] * 5)
    with pytest.raises(GenerationError) as caught:
        _with_retries(gemini, png)
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert len(gemini.requests()) == FAST_RETRIES.attempts


@pytest.mark.parametrize(
    "reply",
    [KEY_INVALID, gemini_error(400, "INVALID_ARGUMENT", "Bad"), gemini_text("x", "SAFETY")],
)
def test_permanent_failures_are_not_retried(gemini: StandIn, png: bytes, reply: Reply) -> None:
    gemini.script(reply)
    with pytest.raises(GenerationError):
        _with_retries(gemini, png)
    assert len(gemini.requests()) == 1
