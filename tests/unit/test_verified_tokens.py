"""The API's memory of verified tokens: never a way around the signature or the expiry."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.integration.api._signing import SECRET, claims, hs256, tampered
from vidprompt.api._deps import VerifiedTokens
from vidprompt.auth import CLAIMS_REFUSED, INVALID_JWT, RemoteJwks, TokenVerifier, secret_key
from vidprompt.errors import AuthError


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def _tokens(clock: Clock, size: int = 8) -> VerifiedTokens:
    return VerifiedTokens(TokenVerifier([secret_key(SECRET)], leeway=0), size=size, clock=clock)


def test_a_remembered_token_names_the_same_user() -> None:
    tokens = _tokens(Clock())
    user = uuid.uuid4()
    token = hs256(claims(user))
    assert tokens.verify(token).user_id == tokens.verify(token).user_id == user


def test_a_remembered_token_expires_as_it_would_unremembered() -> None:
    clock = Clock()
    tokens = _tokens(clock)
    token = hs256(claims(exp=int(clock.now) + 60))
    tokens.verify(token)
    clock.now += 61
    with pytest.raises(AuthError) as refused:
        tokens.verify(token)
    assert refused.value.code == CLAIMS_REFUSED


def test_a_token_changed_after_a_remembered_one_is_still_checked() -> None:
    tokens = _tokens(Clock())
    token = hs256(claims())
    tokens.verify(token)
    with pytest.raises(AuthError) as refused:
        tokens.verify(tampered(token))
    assert refused.value.code == INVALID_JWT


def test_a_refused_token_is_not_remembered() -> None:
    tokens = _tokens(Clock())
    forged = hs256(claims(), secret="another-secret-of-at-least-32-chars!")
    for _ in range(2):
        with pytest.raises(AuthError):
            tokens.verify(forged)


def test_memory_is_bounded() -> None:
    tokens = _tokens(Clock(), size=4)
    for _ in range(20):
        tokens.verify(hs256(claims()))
    assert len(tokens) == 4


def test_a_verifier_with_a_jwks_url_is_not_remembered_for() -> None:
    """Keys behind a URL can be rotated away while the process runs."""
    remote = TokenVerifier(
        [secret_key(SECRET)], remote=RemoteJwks("https://auth.example.test/jwks")
    )
    assert not VerifiedTokens(remote).remembers
