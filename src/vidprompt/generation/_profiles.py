"""Saving a user's own Gemini API key in their profile, encrypted as the settings say."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vidprompt.database import Scope
from vidprompt.errors import AuthError, InvalidInput
from vidprompt.generation._queries import queries
from vidprompt.generation._secrets import KeyCipher

if TYPE_CHECKING:
    from vidprompt.config import Settings
    from vidprompt.database import Database

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
