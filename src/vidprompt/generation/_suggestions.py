"""Action suggestions for an image: the fixed ones, and a few Gemini sees in it, cached.

The AI suggestions are an enhancement, never an error: when no model is configured (the
offline template), the image cannot be read or the model fails, the AI list is empty and
``ai_unavailable_reason`` says why. Only a model's answer is stored, one per image.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from google.genai import errors, types

from vidprompt.database import Scope, named_queries
from vidprompt.errors import GenerationError, SuggestionsReason, SuggestionsUnavailable
from vidprompt.generation._choice import ProviderChoice
from vidprompt.generation._gemini import GeminiProvider, transport_failures
from vidprompt.prompts import ACTION_SUGGESTIONS
from vidprompt.storage._sources import ImageRef

if TYPE_CHECKING:
    import uuid

    from vidprompt.config import Settings
    from vidprompt.prompts import Store
    from vidprompt.storage import ImageData
    from vidprompt.storage._sources import ImageSource


# What a model call may fail with: the API's refusal, or the network.
_FAILURES: tuple[type[Exception], ...] = (errors.APIError, *transport_failures())
MAX_AI_SUGGESTIONS = 5
MAX_SUGGESTION_CHARS = 40

SUGGESTION_INSTRUCTION = """\
Du hilfst, ein Foto in ein kurzes KI-Video zu verwandeln. Schlage 3 bis 5 Handlungen vor, \
die die Person oder das Motiv im Bild glaubwürdig ausführen könnte, passend zu Pose, \
Kleidung, Umgebung und Stimmung. Jede Handlung ist ein bis drei deutsche Wörter, \
kleingeschrieben, ohne Satzzeichen, im Infinitiv (zum Beispiel "haare zurückstreichen", \
"in die ferne blicken"). Nicht vorschlagen: lächeln, winken, nicken, drehen. Beschreibe \
nicht das Aussehen der Person."""

RESPONSE_SCHEMA = types.Schema(
    type=types.Type.OBJECT,
    properties={
        "suggestions": types.Schema(
            type=types.Type.ARRAY,
            items=types.Schema(type=types.Type.STRING),
            min_items=3,
            max_items=MAX_AI_SUGGESTIONS,
        )
    },
    required=["suggestions"],
)


@dataclass(frozen=True)
class ActionSuggestions:
    """The fixed suggestions, the AI's (possibly none, then with the reason), and their model."""

    fixed: tuple[str, ...]
    ai: tuple[str, ...] = ()
    ai_unavailable_reason: SuggestionsReason | None = None
    model_name: str | None = None
    cached: bool = False


_queries = named_queries("vidprompt.generation", "suggestions.sql")


class ActionSuggester:
    """Answers an image's suggestions; the model is asked once per image, then the cache."""

    def __init__(self, store: Store, *, settings: Settings, images: ImageSource) -> None:
        self._store = store
        self._images = images
        self._choice = ProviderChoice(settings)

    async def for_image(self, scope: Scope, image_id: uuid.UUID) -> ActionSuggestions:
        """The image's suggestions; ``NotFound`` when it is not the caller's image."""
        image = await self._store.get_image(scope, image_id)
        async with self._store.database.transaction(scope) as tx:
            cached = await tx.queue(_queries()["cached_suggestions"], {"image_id": image.id})
            profile = await tx.queue(_queries()["stored_api_key"], {"user_id": image.user_id})
        if (row := cached.one()) is not None:
            return ActionSuggestions(
                ACTION_SUGGESTIONS, tuple(row["suggestions"]), None, row["model_name"], cached=True
            )
        key = (profile.one() or {}).get("gemini_api_key")
        try:
            provider = await self._gemini(image.user_id, key)
            content = await self._image(
                ImageRef(image.url, image.storage_path, owner=image.user_id)
            )
            suggested = await ask_gemini(provider, content)
        except SuggestionsUnavailable as exc:
            return ActionSuggestions(ACTION_SUGGESTIONS, ai_unavailable_reason=exc.reason)
        params = {
            "image_id": image.id,
            "user_id": image.user_id,
            "suggestions": list(suggested),
            "model_name": provider.model_name,
        }
        async with self._store.database.transaction(Scope.service()) as tx:
            await tx.queue(_queries()["cache_suggestions"], params)
        return ActionSuggestions(ACTION_SUGGESTIONS, suggested, None, provider.model_name)

    async def _gemini(self, user_id: uuid.UUID, stored_key: str | None) -> GeminiProvider:
        try:
            provider = await self._choice.for_user(user_id, stored_key)
        except GenerationError as exc:  # the user's key cannot be used
            raise SuggestionsUnavailable("model_error") from exc
        if not isinstance(provider, GeminiProvider):
            raise SuggestionsUnavailable("offline")  # the template writes prompts; it sees no image
        return provider

    async def _image(self, image: ImageRef) -> ImageData:
        """The bytes, through the image sources the worker reads with."""
        try:
            return await self._images.fetch(image)
        except GenerationError as exc:
            raise SuggestionsUnavailable("image_unavailable") from exc

    async def aclose(self) -> None:
        await self._choice.aclose()


async def ask_gemini(provider: GeminiProvider, image: ImageData) -> tuple[str, ...]:
    """Gemini's suggestions for the image, by structured output (a JSON object)."""
    try:
        response = await provider.ask(
            image,
            "Welche Handlungen passen zu diesem Bild?",
            types.GenerateContentConfig(
                system_instruction=SUGGESTION_INSTRUCTION,
                response_mime_type="application/json",
                response_schema=RESPONSE_SCHEMA,
            ),
        )
    except _FAILURES as exc:
        raise SuggestionsUnavailable("model_error") from exc
    return cleaned(response.text if response.candidates else None)


def cleaned(answer: str | None) -> tuple[str, ...]:
    """The usable suggestions of the model's JSON: trimmed, short, new, at most five."""
    try:
        found = json.loads(answer or "")["suggestions"]
    except (ValueError, TypeError, KeyError) as exc:
        raise SuggestionsUnavailable("invalid_output") from exc
    if not isinstance(found, list):
        raise SuggestionsUnavailable("invalid_output")
    seen = {fixed.casefold() for fixed in ACTION_SUGGESTIONS}
    kept: list[str] = []
    for item in found:
        text = " ".join(item.split()).strip(" .,;!") if isinstance(item, str) else ""
        if text and len(text) <= MAX_SUGGESTION_CHARS and text.casefold() not in seen:
            seen.add(text.casefold())
            kept.append(text)
    if not kept:
        raise SuggestionsUnavailable("invalid_output")
    return tuple(kept[:MAX_AI_SUGGESTIONS])
