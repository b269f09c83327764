"""Checking an access token the way Supabase's Data API does, before any query runs, with a
verifier built from the settings (a start that could verify nothing is refused)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import jwt

from vidprompt.auth._claims import (
    AUDIENCE,
    CLAIMS_REFUSED,
    INVALID_JWT,
    Claims,
    claims_from_payload,
)
from vidprompt.auth._keys import RemoteJwks, VerificationKey, load_jwks_file, secret_key
from vidprompt.errors import AuthError, ConfigError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from vidprompt.config import Settings


LEEWAY_SECONDS = 30

# Failures of a claim check (the token is genuine but not valid now or not for us);
# every other PyJWT error means the token itself is not acceptable.
_CLAIM_ERRORS: tuple[type[jwt.PyJWTError], ...] = (
    jwt.ExpiredSignatureError,
    jwt.ImmatureSignatureError,
    jwt.InvalidAudienceError,
    jwt.InvalidIssuedAtError,
    jwt.MissingRequiredClaimError,
)


class TokenVerifier:
    """Verifies tokens against fixed keys (a secret, a JWKS file) and a JWKS URL.

    The key is chosen by the token's ``kid`` (else every key without one), and only keys
    whose own algorithm is the token's ``alg`` are tried: ``alg: none``, or HS256 signed
    with a public key, finds no key and is refused.
    """

    def __init__(
        self,
        keys: Sequence[VerificationKey] = (),
        *,
        remote: RemoteJwks | None = None,
        leeway: float = LEEWAY_SECONDS,
    ) -> None:
        self.keys = tuple(keys)
        self.remote = remote
        self.leeway = leeway

    def verify(self, token: str) -> Claims:
        """The token's claims; :class:`AuthError` with a PGRST code when it is refused."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("The token is not a JWT.", code=INVALID_JWT) from None
        kid = header.get("kid")
        candidates = self._candidates(kid if isinstance(kid, str) else None, header.get("alg"))
        if not candidates:
            raise AuthError("No signing key matches the token.", code=INVALID_JWT)
        for key in candidates:
            try:
                payload = jwt.decode(
                    token,
                    key.key,
                    algorithms=[key.algorithm],
                    audience=AUDIENCE,
                    leeway=self.leeway,
                    options={"require": ["exp"]},
                )
            except jwt.InvalidSignatureError:
                continue
            except _CLAIM_ERRORS as exc:
                raise AuthError(f"The token was refused: {exc}.", code=CLAIMS_REFUSED) from None
            except jwt.PyJWTError:
                raise AuthError("The token is invalid.", code=INVALID_JWT) from None
            return claims_from_payload(payload)
        raise AuthError("The token's signature is invalid.", code=INVALID_JWT)

    def _candidates(self, kid: str | None, algorithm: object) -> list[VerificationKey]:
        keys = list(self.keys)
        if self.remote is not None:
            keys += self.remote.keys(kid)
        if kid is not None:
            named = [key for key in keys if key.kid == kid]
            keys = named or [key for key in keys if key.kid is None]
        return [key for key in keys if key.algorithm == algorithm]


def build_verifier(settings: Settings, *, secret: str | None = None) -> TokenVerifier:
    """A verifier for every key configured: ``secret`` (HS256), the JWKS file, the JWKS URL."""
    keys: list[VerificationKey] = []
    if secret:
        keys.append(secret_key(secret))
    if settings.jwks_file:
        keys += load_jwks_file(Path(settings.jwks_file))
    remote = RemoteJwks(settings.jwks_url) if settings.jwks_url else None
    if not keys and remote is None:
        raise ConfigError(
            "No key to verify access tokens with: set VIDPROMPT_JWT_SECRET, "
            "VIDPROMPT_JWKS_URL or VIDPROMPT_JWKS_FILE.",
            hint="A Supabase project's keys are under Project Settings > API > JWT Keys.",
        )
    return TokenVerifier(keys, remote=remote)
