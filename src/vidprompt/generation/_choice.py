"""Which provider writes a job's prompt: the user's Gemini key, the server's, or the template."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from vidprompt.errors import ErrorCode, GenerationError
from vidprompt.generation._gemini import GeminiProvider
from vidprompt.generation._secrets import KeyCipher, reads_user_keys
from vidprompt.generation._template import TemplateProvider

if TYPE_CHECKING:
    import uuid

    from vidprompt.config import Settings
    from vidprompt.generation._provider import Provider

_USER_CLIENTS = 64  # Gemini clients kept for users' own keys, least recently used dropped


class ProviderChoice:
    """Picks the provider per job; ``fixed`` (tests, benchmarks) overrides the choice."""

    def __init__(self, settings: Settings, *, fixed: Provider | None = None) -> None:
        self._settings = settings
        self._fixed = fixed
        self._cipher = KeyCipher.from_settings(settings) if reads_user_keys(settings) else None
        self._server = self._gemini(settings.gemini_api_key) if settings.gemini_api_key else None
        self._template = TemplateProvider()
        self._per_user: OrderedDict[tuple[uuid.UUID, str], GeminiProvider] = OrderedDict()

    def describe(self) -> str:
        """What runs when a user has no key of their own, for people reading the output."""
        if self._fixed is not None:
            return f"{self._fixed.model_name} (fixed provider)"
        if self._server is not None:
            return f"Gemini {self._server.model_name} (server API key)"
        return f"{self._template.model_name} (offline template, not AI; no Gemini key configured)"

    async def for_user(self, user_id: uuid.UUID, stored_key: str | None) -> Provider:
        if self._fixed is not None:
            return self._fixed
        if stored_key is None:
            return self._server or self._template
        if self._cipher is None:
            raise GenerationError(
                ErrorCode.UNREADABLE_API_KEY,
                "Your stored Gemini API key cannot be decrypted: the server has neither "
                "VIDPROMPT_ENCRYPTION_KEY nor ENCRYPTION_SECRET set up.",
            )
        cache_key = (user_id, stored_key)
        provider = self._per_user.get(cache_key)
        if provider is None:
            provider = self._gemini(self._cipher.decrypt(stored_key, user_id))
            self._per_user[cache_key] = provider
            if len(self._per_user) > _USER_CLIENTS:
                await self._per_user.popitem(last=False)[1].aclose()
        self._per_user.move_to_end(cache_key)
        return provider

    async def aclose(self) -> None:
        for provider in [*self._per_user.values(), *([self._server] if self._server else [])]:
            await provider.aclose()
        self._per_user.clear()

    def _gemini(self, api_key: str) -> GeminiProvider:
        return GeminiProvider(
            api_key,
            model=self._settings.gemini_model,
            base_url=self._settings.gemini_base_url,
            timeout_s=self._settings.gemini_timeout_s,
        )
