"""Supabase access tokens: verifying them (HS256 secret, JWKS), and minting local ones."""

from __future__ import annotations

from vidprompt.auth._claims import (
    AUDIENCE,
    CLAIMS_REFUSED,
    INVALID_JWT,
    JWT_REQUIRED,
    ROLE,
    Claims,
    claims_from_payload,
)
from vidprompt.auth._keys import (
    ALGORITHMS,
    RemoteJwks,
    VerificationKey,
    jwks_keys,
    load_jwks_file,
    secret_key,
)
from vidprompt.auth._local import (
    SECRET_FILE,
    access_token_claims,
    local_jwt_secret,
    sign_access_token,
    signing_secret,
)
from vidprompt.auth._users import AuthUser, ensure_user
from vidprompt.auth._verify import LEEWAY_SECONDS, TokenVerifier, build_verifier
from vidprompt.errors import KeysUnavailable

__all__ = [
    "ALGORITHMS",
    "AUDIENCE",
    "CLAIMS_REFUSED",
    "INVALID_JWT",
    "JWT_REQUIRED",
    "LEEWAY_SECONDS",
    "ROLE",
    "SECRET_FILE",
    "AuthUser",
    "Claims",
    "KeysUnavailable",
    "RemoteJwks",
    "TokenVerifier",
    "VerificationKey",
    "access_token_claims",
    "build_verifier",
    "claims_from_payload",
    "ensure_user",
    "jwks_keys",
    "load_jwks_file",
    "local_jwt_secret",
    "secret_key",
    "sign_access_token",
    "signing_secret",
]
