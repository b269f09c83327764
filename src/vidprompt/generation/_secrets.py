"""Users' Gemini API keys at rest, in either of the two forms a profile may hold, and saving one.

- vidprompt's own, ``v1.<base64url(nonce ‖ ciphertext ‖ tag)>``: AES-256-GCM with the server
  key ``VIDPROMPT_ENCRYPTION_KEY`` (32 random bytes, base64url, see :func:`new_server_key`);
  the user's id is the associated data, so a value copied into another profile does not
  decrypt.
- the app's, ``<iv hex>:<tag hex>:<ciphertext hex>``: AES-256-GCM, 12-byte IV, 16-byte tag,
  no associated data, with the app's own ``ENCRYPTION_SECRET`` (64 hex characters).

Both are read; ``VIDPROMPT_KEY_FORMAT`` says which one is written, so vidprompt and the app
can share the column. Neither secret nor a plaintext key is ever logged or put in a message.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from typing import TYPE_CHECKING, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vidprompt.database import Scope
from vidprompt.errors import AuthError, ConfigError, ErrorCode, GenerationError, InvalidInput
from vidprompt.generation._queue import queries

if TYPE_CHECKING:
    import uuid

    from vidprompt.config import Settings
    from vidprompt.database import Database


KeyFormat = Literal["vidprompt", "app"]

PREFIX = "v1."
_NONCE_BYTES = 12
_TAG_BYTES = 16
_APP_FORM = re.compile(r"([0-9a-fA-F]{24}):([0-9a-fA-F]{32}):([0-9a-fA-F]{2,})")
_APP_SECRET = re.compile(r"[0-9a-fA-F]{64}")


def new_server_key() -> str:
    """A fresh value for ``VIDPROMPT_ENCRYPTION_KEY``."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def reads_user_keys(settings: Settings) -> bool:
    """Whether users' own stored keys can be used: some secret to decrypt them is set."""
    return bool(settings.encryption_key or settings.encryption_secret)


class KeyCipher:
    """Encrypts users' API keys in one format and decrypts both.

    A reader (the worker) needs only the secrets of the formats it finds; writing needs the
    secret of the configured format, and having no secret at all is a configuration error.
    """

    def __init__(
        self,
        server_key: str | None,
        *,
        app_secret: str | None = None,
        writes: KeyFormat = "vidprompt",
    ) -> None:
        self._own = _server_aead(server_key) if server_key else None
        self._app = _app_aead(app_secret) if app_secret else None
        self._writes = writes
        if self._own is None and self._app is None:
            self._writer()  # raises: there is no secret at all

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyCipher:
        return cls(
            settings.encryption_key,
            app_secret=settings.encryption_secret,
            writes=settings.key_format,
        )

    def encrypt(self, api_key: str, user_id: uuid.UUID) -> str:
        """``api_key`` sealed in the configured format (its secret is needed only here)."""
        writer = self._writer()
        nonce = os.urandom(_NONCE_BYTES)
        if self._writes == "app":
            sealed = writer.encrypt(nonce, api_key.encode(), None)
            tag, ciphertext = sealed[-_TAG_BYTES:], sealed[:-_TAG_BYTES]
            return f"{nonce.hex()}:{tag.hex()}:{ciphertext.hex()}"
        sealed = writer.encrypt(nonce, api_key.encode(), user_id.bytes)
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def _writer(self) -> AESGCM:
        if self._writes == "app":
            return self._app or _app_aead(None)
        return self._own or _server_aead(None)

    def decrypt(self, stored: str, user_id: uuid.UUID) -> str:
        """The plaintext key; a value that does not decrypt says why, and is no crash."""
        if stored.startswith(PREFIX):
            return self._decrypt_own(stored, user_id)
        if match := _APP_FORM.fullmatch(stored):
            return self._decrypt_app(*(bytes.fromhex(part) for part in match.groups()))
        raise _unreadable(
            "The stored Gemini API key is in neither vidprompt's form (v1.…) nor the app's "
            "(iv:tag:ciphertext hex); save it again in your profile."
        )

    def _decrypt_own(self, stored: str, user_id: uuid.UUID) -> str:
        if self._own is None:
            raise _unreadable(
                "The stored Gemini API key is in vidprompt's form (v1.…), but the server has "
                "no VIDPROMPT_ENCRYPTION_KEY to decrypt it."
            )
        try:
            blob = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode())
            plain = self._own.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], user_id.bytes)
            return plain.decode()
        except (InvalidTag, ValueError, binascii.Error) as exc:
            raise _unreadable(
                "The stored Gemini API key (vidprompt's form, v1.…) does not decrypt with "
                "VIDPROMPT_ENCRYPTION_KEY for this user: another server key, another user's "
                "value, or a damaged one; save it again in your profile."
            ) from exc

    def _decrypt_app(self, iv: bytes, tag: bytes, ciphertext: bytes) -> str:
        if self._app is None:
            raise _unreadable(
                "The stored Gemini API key is in the app's form (iv:tag:ciphertext hex), but "
                "the server has no ENCRYPTION_SECRET to decrypt it."
            )
        try:
            return self._app.decrypt(iv, ciphertext + tag, None).decode()
        except (InvalidTag, ValueError) as exc:
            raise _unreadable(
                "The stored Gemini API key (the app's form, iv:tag:ciphertext hex) does not "
                "decrypt with ENCRYPTION_SECRET: another secret, or a damaged value; save it "
                "again in your profile."
            ) from exc


def _server_aead(server_key: str | None) -> AESGCM:
    if not server_key:
        raise ConfigError(
            "Storing users' Gemini API keys needs a server encryption key.",
            hint="Set VIDPROMPT_ENCRYPTION_KEY (make one with "
            "`python -c 'from vidprompt.generation import new_server_key as k; print(k())'`), "
            "or VIDPROMPT_KEY_FORMAT=app with the app's ENCRYPTION_SECRET.",
        )
    try:
        raw = base64.urlsafe_b64decode(server_key.encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ConfigError("VIDPROMPT_ENCRYPTION_KEY must be 32 bytes, base64url-encoded.")
    return AESGCM(raw)


def _app_aead(app_secret: str | None) -> AESGCM:
    if not app_secret or not _APP_SECRET.fullmatch(app_secret.strip()):
        raise ConfigError(
            "ENCRYPTION_SECRET must be 64 hex characters (32 bytes), as the app uses it.",
            hint="Set it to the app's own ENCRYPTION_SECRET, so keys the app stored decrypt.",
        )
    return AESGCM(bytes.fromhex(app_secret.strip()))


def _unreadable(message: str) -> GenerationError:
    return GenerationError(ErrorCode.UNREADABLE_API_KEY, message)


_MAX_KEY_CHARS = 200


async def save_api_key(
    db: Database, scope: Scope, api_key: str | None, *, settings: Settings
) -> None:
    """Store the signed-in user's Gemini key (``None`` forgets it); the key is sealed first.

    Users cannot write the column themselves (the migration grants them name and avatar
    only), so this is the way in; it writes as ``service_role`` for ``scope``'s user.
    """
    if scope.role != "authenticated" or scope.user_id is None:
        raise AuthError("Only a signed-in user can save an API key.", code="PGRST302")
    sealed = None
    if api_key is not None:
        key = api_key.strip()
        if not key or len(key) > _MAX_KEY_CHARS or not key.isprintable():
            raise InvalidInput("That does not look like a Gemini API key.", field="gemini_api_key")
        sealed = KeyCipher.from_settings(settings).encrypt(key, scope.user_id)
    async with db.transaction(Scope.service()) as tx:
        await tx.queue(queries()["save_api_key"], {"user_id": scope.user_id, "sealed": sealed})
