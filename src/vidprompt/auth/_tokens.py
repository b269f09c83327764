"""Minting access tokens shaped like Supabase Auth's, for the local database and for tests."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

import jwt

from vidprompt.auth._claims import AUDIENCE, ROLE

if TYPE_CHECKING:
    from vidprompt.auth._users import AuthUser

ISSUER = "vidprompt-local"
DEFAULT_EXPIRES_IN = 3600


def access_token_claims(
    user: AuthUser, *, expires_in: int = DEFAULT_EXPIRES_IN, now: int | None = None
) -> dict[str, Any]:
    """The claims Supabase Auth puts in an access token for a password sign-in."""
    issued = int(time.time()) if now is None else now
    return {
        "iss": ISSUER,
        "sub": str(user.id),
        "aud": AUDIENCE,
        "exp": issued + expires_in,
        "iat": issued,
        "email": user.email,
        "phone": "",
        "app_metadata": user.app_metadata,
        "user_metadata": user.user_metadata,
        "role": ROLE,
        "aal": "aal1",
        "amr": [{"method": "password", "timestamp": issued}],
        "session_id": str(uuid.uuid4()),
        "is_anonymous": False,
    }


def sign_access_token(user: AuthUser, secret: str, *, expires_in: int = DEFAULT_EXPIRES_IN) -> str:
    """An HS256 access token for ``user``, as the project's JWT secret would sign it."""
    return jwt.encode(
        access_token_claims(user, expires_in=expires_in),
        secret,
        algorithm="HS256",
        headers={"typ": "JWT"},
    )
