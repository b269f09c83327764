"""Users' Gemini API keys at rest: AES-256-GCM with a server key, bound to the user.

Stored form: ``v1.<base64url(nonce ‖ ciphertext ‖ tag)>``. The user's id is the associated
data, so a value copied into another user's profile does not decrypt. The server key is
``VIDPROMPT_ENCRYPTION_KEY``: 32 random bytes, base64url, made with :func:`new_server_key`.
Neither the key nor a plaintext API key is ever logged or put in an error message.
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vidprompt.errors import ConfigError
from vidprompt.generation._errors import ErrorCode, GenerationError

if TYPE_CHECKING:
    import uuid

PREFIX = "v1."
_NONCE_BYTES = 12


def new_server_key() -> str:
    """A fresh value for ``VIDPROMPT_ENCRYPTION_KEY``."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


class KeyCipher:
    """Encrypts and decrypts users' API keys with one server key."""

    def __init__(self, server_key: str | None) -> None:
        if not server_key:
            raise ConfigError(
                "Storing users' Gemini API keys needs a server encryption key.",
                hint="Set VIDPROMPT_ENCRYPTION_KEY (make one with "
                "`python -c 'from vidprompt.generation import new_server_key as k; print(k())'`).",
            )
        try:
            raw = base64.urlsafe_b64decode(server_key.encode())
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ConfigError("VIDPROMPT_ENCRYPTION_KEY must be 32 bytes, base64url-encoded.")
        self._aead = AESGCM(raw)

    def encrypt(self, api_key: str, user_id: uuid.UUID) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, api_key.encode(), user_id.bytes)
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, stored: str, user_id: uuid.UUID) -> str:
        """The plaintext key; a value that does not decrypt is an invalid key, not a crash."""
        try:
            if not stored.startswith(PREFIX):
                raise ValueError
            blob = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode())
            plain = self._aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], user_id.bytes)
            return plain.decode()
        except (InvalidTag, ValueError, binascii.Error) as exc:
            raise GenerationError(
                ErrorCode.INVALID_API_KEY,
                "The stored Gemini API key cannot be decrypted; save it again in your profile.",
            ) from exc
