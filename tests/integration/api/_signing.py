"""Signing keys and tokens for tests: what Supabase Auth would issue, and forgeries of it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

SECRET = "test-secret-with-at-least-32-characters!!"


@dataclass(frozen=True)
class SigningKey:
    """An asymmetric key pair as a Supabase project publishes it: private half to sign."""

    algorithm: str
    kid: str
    private: Any

    @property
    def public_jwk(self) -> dict[str, Any]:
        to_jwk = ECAlgorithm.to_jwk if self.algorithm == "ES256" else RSAAlgorithm.to_jwk
        jwk: dict[str, Any] = to_jwk(self.private.public_key(), as_dict=True)
        return jwk | {"kid": self.kid, "use": "sig", "alg": self.algorithm}

    @property
    def public_pem(self) -> bytes:
        return bytes(
            self.private.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        return jwt.encode(
            claims, self.private, algorithm=self.algorithm, headers={"kid": self.kid} | header
        )


def es256_key(kid: str | None = None) -> SigningKey:
    return SigningKey(
        "ES256", kid or f"es-{uuid.uuid4().hex[:8]}", ec.generate_private_key(ec.SECP256R1())
    )


def rs256_key(kid: str | None = None) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningKey("RS256", kid or f"rs-{uuid.uuid4().hex[:8]}", private)


def jwks(*keys: SigningKey) -> dict[str, Any]:
    return {"keys": [key.public_jwk for key in keys]}


def claims(sub: uuid.UUID | str | None = None, **overrides: Any) -> dict[str, Any]:
    """A Supabase access token's claims, valid for an hour; ``None`` values are left out."""
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": str(sub or uuid.uuid4()),
        "aud": "authenticated",
        "role": "authenticated",
        "email": "user@example.test",
        "iat": now,
        "exp": now + 3600,
        "session_id": str(uuid.uuid4()),
        "is_anonymous": False,
        "aal": "aal1",
        "app_metadata": {"provider": "email"},
        "user_metadata": {},
    }
    return {k: v for k, v in (base | overrides).items() if v is not None}


def hs256(payload: dict[str, Any], secret: str | bytes = SECRET, **header: Any) -> str:
    return jwt.encode(payload, secret, algorithm="HS256", headers=header or None)


def forged_hs256(payload: dict[str, Any], key: bytes, **header: Any) -> str:
    """HS256 with any bytes as the HMAC key, e.g. a public key (PyJWT itself refuses to)."""
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"} | header).encode())
    body = _b64(json.dumps(payload).encode())
    signature = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def unsigned(payload: dict[str, Any]) -> str:
    """``alg: none``: a token with no signature at all."""
    head = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{head}.{_b64(json.dumps(payload).encode())}."


def tampered(token: str) -> str:
    """The same token with one claim changed and the original signature kept."""
    head, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["sub"] = str(uuid.uuid4())
    return f"{head}.{_b64(json.dumps(payload).encode())}.{signature}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
