"""Building the token verifier from the settings, refusing a start that could verify nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vidprompt.auth._keys import RemoteJwks, VerificationKey, load_jwks_file, secret_key
from vidprompt.auth._verify import TokenVerifier
from vidprompt.errors import ConfigError

if TYPE_CHECKING:
    from vidprompt.config import Settings


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
