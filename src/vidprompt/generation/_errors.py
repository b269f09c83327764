"""Why a generation failed, as a stable code the database stores and the UI can translate.

::

    VidpromptError
    └── GenerationError          code + readable message + transient?
"""

from __future__ import annotations

from enum import StrEnum

from vidprompt.errors import VidpromptError


class ErrorCode(StrEnum):
    """The ``error_code`` values a failed variant can carry; never renamed once shipped."""

    RATE_LIMITED = "rate_limited"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    TIMEOUT = "timeout"
    INVALID_API_KEY = "invalid_api_key"
    UNREADABLE_API_KEY = "unreadable_api_key"
    INVALID_REQUEST = "invalid_request"
    BLOCKED = "blocked"
    EMPTY_OUTPUT = "empty_output"
    TOO_LONG = "too_long"
    IMAGE_UNAVAILABLE = "image_unavailable"
    IMAGE_TOO_LARGE = "image_too_large"
    IMAGE_UNSUPPORTED = "image_unsupported"
    WORKER_LOST = "worker_lost"
    INTERNAL_ERROR = "internal_error"


# Transient failures may succeed if tried again later; the others never will.
TRANSIENT = frozenset({ErrorCode.RATE_LIMITED, ErrorCode.PROVIDER_UNAVAILABLE, ErrorCode.TIMEOUT})

_MESSAGES = {
    ErrorCode.RATE_LIMITED: "The AI provider's rate limit was reached; try again later.",
    ErrorCode.PROVIDER_UNAVAILABLE: "The AI provider is unavailable right now.",
    ErrorCode.TIMEOUT: "The AI provider did not answer in time.",
    ErrorCode.INVALID_API_KEY: "The Gemini API key was refused; check the key in your profile.",
    ErrorCode.UNREADABLE_API_KEY: "The stored Gemini API key cannot be decrypted.",
    ErrorCode.INVALID_REQUEST: "The AI provider refused the request.",
    ErrorCode.BLOCKED: "The AI provider blocked the request or its answer for safety reasons.",
    ErrorCode.EMPTY_OUTPUT: "The AI provider returned no text.",
    ErrorCode.TOO_LONG: "The generated prompt was longer than 2000 characters.",
    ErrorCode.IMAGE_UNAVAILABLE: "The image could not be loaded.",
    ErrorCode.IMAGE_TOO_LARGE: "The image is too large to send to the AI provider.",
    ErrorCode.IMAGE_UNSUPPORTED: "The image format is not supported.",
    ErrorCode.WORKER_LOST: "Generation was interrupted too many times.",
    ErrorCode.INTERNAL_ERROR: "Generation failed unexpectedly.",
}


class GenerationError(VidpromptError):
    """Generation failed."""

    def __init__(
        self, code: ErrorCode, message: str | None = None, *, transient: bool | None = None
    ) -> None:
        self.code = code
        self.transient = code in TRANSIENT if transient is None else transient
        super().__init__(message or _MESSAGES[code])
