"""The keys access tokens are checked with: a shared secret, a JWKS file, or a JWKS URL.

Each key carries its own algorithm (HS256 for the secret, ES256 for a P-256 key, RS256 for an
RSA key), so a token can never choose a weaker one for itself. A JWKS holds public keys
only: a symmetric (``oct``) key in it is never used, so whoever can serve or tamper with
the JWKS cannot hand out an HS256 secret of their choosing. A JWKS URL is https, except on
loopback (a stand-in or a tunnel on this machine).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import jwt

from vidprompt.config import MIN_SECRET_LENGTH
from vidprompt.errors import ConfigError, KeysUnavailable

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

log = logging.getLogger(__name__)

# A URL's user and password, which an error must not show.
_USERINFO = re.compile(r"//[^/?#]*@")
# The algorithms Supabase signs access tokens with.
ALGORITHMS = frozenset({"HS256", "ES256", "RS256"})


@dataclass(frozen=True)
class VerificationKey:
    """A key ready for PyJWT, and the one algorithm it may verify."""

    algorithm: str
    key: Any
    kid: str | None = None


def secret_key(secret: str) -> VerificationKey:
    """The project's shared JWT secret (Supabase's legacy HS256 signing)."""
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(f"The JWT secret must be at least {MIN_SECRET_LENGTH} characters long.")
    return VerificationKey("HS256", secret.encode())


def jwks_keys(document: object) -> list[VerificationKey]:
    """The signing keys of a JWKS (or of one bare JWK); unusable keys are left out."""
    if isinstance(document, dict) and "keys" not in document and "kty" in document:
        document = {"keys": [document]}
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("a JWKS is an object with a 'keys' list")
    return [key for entry in entries if (key := _signing_key(entry)) is not None]


def _signing_key(entry: object) -> VerificationKey | None:
    if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
        return None
    if entry.get("kty") == "oct":  # a shared secret: only ever the configured one
        return None
    try:
        jwk = jwt.PyJWK(entry)
    except jwt.PyJWTError:
        return None
    if jwk.algorithm_name not in ALGORITHMS:
        return None
    kid = entry.get("kid")
    return VerificationKey(jwk.algorithm_name, jwk.key, kid if isinstance(kid, str) else None)


def load_jwks_file(path: Path) -> list[VerificationKey]:
    """Keys from a JWKS file, read once at start-up; a bad file stops the start."""
    try:
        keys = jwks_keys(json.loads(path.read_text()))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"Cannot read the JWKS file {path}: {exc}") from exc
    if not keys:
        raise ConfigError(f"The JWKS file {path} holds no ES256, RS256 or HS256 signing key.")
    return keys


class RemoteJwks:
    """A JWKS URL's keys, cached for ``max_age`` seconds and re-fetched for an unknown ``kid``.

    Re-fetching on an unknown ``kid`` picks up a rotated key at once; ``min_interval`` bounds
    how often that happens, so tokens with made-up ``kid`` values cannot turn every request
    into a request to the key server. When a refresh fails, the keys already known stay in use.
    """

    def __init__(
        self,
        url: str,
        *,
        max_age: float = 600.0,
        min_interval: float = 30.0,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = checked_jwks_url(url)
        self.max_age = max_age
        self.min_interval = min_interval
        self.timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: list[VerificationKey] | None = None
        self._fetched_at = 0.0
        self._tried_at: float | None = None

    def keys(self, kid: str | None = None) -> list[VerificationKey]:
        """The current keys; fetched first if stale, or if ``kid`` is not among them."""
        with self._lock:
            if self._needs_fetch(kid):
                self._fetch()
            if self._keys is None:
                raise KeysUnavailable(hint=f"Check that {self.url} is reachable.")
            return self._keys

    def _needs_fetch(self, kid: str | None) -> bool:
        now = self._clock()
        if self._tried_at is not None and now - self._tried_at < self.min_interval:
            return False
        if self._keys is None or now - self._fetched_at >= self.max_age:
            return True
        return kid is not None and all(key.kid != kid for key in self._keys)

    def _fetch(self) -> None:
        self._tried_at = self._clock()
        try:
            # No redirects: a redirect could lead to plain http or another host's keys.
            response = httpx.get(self.url, timeout=self.timeout, follow_redirects=False)
            response.raise_for_status()
            keys = jwks_keys(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("jwks fetch failed", extra={"url": self.url, "error": str(exc)})
            return
        self._keys = keys
        self._fetched_at = self._tried_at


def checked_jwks_url(url: str) -> str:
    """``url`` if it is https, or http on a loopback host; ConfigError otherwise.

    Keys fetched over plain http could be swapped by anyone on the path, and with them
    every token the API accepts.
    """
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = httpx.URL()
    secure = parsed.scheme == "https" or (parsed.scheme == "http" and _loopback(parsed.host))
    if parsed.host and secure:
        return url
    shown = _USERINFO.sub("//***@", url)
    problem = "must be an https URL (http only on loopback)" if parsed.host else "is not a URL"
    raise ConfigError(
        f"VIDPROMPT_JWKS_URL {problem}, not {shown!r}.",
        hint="A Supabase project's: https://<project>.supabase.co/auth/v1/.well-known/jwks.json",
    )


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
