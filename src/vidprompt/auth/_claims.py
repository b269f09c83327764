"""The verified claims of an access token: who the caller is, as Postgres's RLS will see it."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from vidprompt.errors import AuthError

AUDIENCE = "authenticated"
ROLE = "authenticated"

# Supabase/PostgREST error codes, so a client written for Supabase understands ours.
INVALID_JWT = "PGRST301"  # undecodable, badly signed, no matching key
JWT_REQUIRED = "PGRST302"  # no token, and this operation needs one
CLAIMS_REFUSED = "PGRST303"  # a claim check failed: expired, not yet valid, audience, sub

# The one spelling of a uuid Supabase Auth issues (8-4-4-4-12 hex). Python's uuid.UUID also
# takes "urn:uuid:...", braces and bare hex, which Postgres's auth.uid() cast does not: such
# a token must be refused here, as a bad claim, not fail later as a bad value.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


@dataclass(frozen=True)
class Claims:
    """A verified token's caller; ``payload`` is the claims object for ``request.jwt.claims``."""

    user_id: uuid.UUID
    role: str
    email: str | None
    payload: dict[str, Any] = field(repr=False, compare=False)


def claims_from_payload(payload: dict[str, Any]) -> Claims:
    """Check what the signature cannot: a uuid ``sub`` and the ``authenticated`` role.

    Tokens without a user (the anon and service_role API keys) are refused here: this API
    acts for signed-in users only, and never with more rights than the user has.
    """
    user_id = _user_id(payload.get("sub"))
    role = payload.get("role", ROLE)
    if role != ROLE:
        raise AuthError(f"The token's role must be '{ROLE}'.", code=CLAIMS_REFUSED)
    email = payload.get("email")
    return Claims(
        user_id=user_id,
        role=role,
        email=email if isinstance(email, str) and email else None,
        payload=payload,
    )


def _user_id(sub: object) -> uuid.UUID:
    if not isinstance(sub, str):
        raise AuthError("The token has no subject (sub).", code=CLAIMS_REFUSED)
    if not _CANONICAL_UUID.fullmatch(sub):
        raise AuthError("The token's subject (sub) is not a uuid.", code=CLAIMS_REFUSED)
    return uuid.UUID(sub)
