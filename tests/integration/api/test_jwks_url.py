"""Keys from a JWKS URL: fetched once, refreshed for a rotated key, bounded under attack."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from tests.integration.api._jwks_server import JwksServer
from tests.integration.api._signing import claims, es256_key, jwks, rs256_key
from vidprompt.auth import INVALID_JWT, KeysUnavailable, RemoteJwks, TokenVerifier
from vidprompt.errors import AuthError

if TYPE_CHECKING:
    from collections.abc import Iterator

ES = es256_key()
RS = rs256_key()


@pytest.fixture
def project_jwks() -> Iterator[JwksServer]:
    server = JwksServer(jwks(ES, RS)).start()
    yield server
    server.stop()


def test_es256_and_rs256_tokens_verify_with_one_fetch(project_jwks: JwksServer) -> None:
    verifier = TokenVerifier(remote=RemoteJwks(project_jwks.url))
    alice, bob = uuid.uuid4(), uuid.uuid4()
    assert verifier.verify(ES.sign(claims(alice))).user_id == alice
    assert verifier.verify(RS.sign(claims(bob))).user_id == bob
    assert verifier.verify(ES.sign(claims(alice))).user_id == alice
    assert project_jwks.hits == 1


def test_a_rotated_key_is_picked_up_by_its_new_kid(project_jwks: JwksServer) -> None:
    verifier = TokenVerifier(remote=RemoteJwks(project_jwks.url, min_interval=0))
    assert verifier.verify(ES.sign(claims()))
    rotated = es256_key()
    project_jwks.document = jwks(rotated, ES)
    assert verifier.verify(rotated.sign(claims()))
    assert project_jwks.hits == 2


def test_made_up_kids_do_not_flood_the_key_server(project_jwks: JwksServer) -> None:
    verifier = TokenVerifier(remote=RemoteJwks(project_jwks.url, min_interval=3600))
    assert verifier.verify(ES.sign(claims()))
    for _ in range(20):
        with pytest.raises(AuthError) as refused:
            verifier.verify(es256_key().sign(claims()))
        assert refused.value.code == INVALID_JWT
    assert project_jwks.hits == 1


def test_known_keys_stay_in_use_when_a_refresh_fails(project_jwks: JwksServer) -> None:
    verifier = TokenVerifier(remote=RemoteJwks(project_jwks.url, min_interval=0))
    assert verifier.verify(ES.sign(claims()))
    project_jwks.status = 500
    with pytest.raises(AuthError):
        verifier.verify(es256_key().sign(claims()))
    assert verifier.verify(RS.sign(claims()))
    assert project_jwks.hits >= 2


def test_an_unreachable_key_server_is_not_the_token_s_fault(project_jwks: JwksServer) -> None:
    project_jwks.status = 503
    verifier = TokenVerifier(remote=RemoteJwks(project_jwks.url))
    with pytest.raises(KeysUnavailable):
        verifier.verify(ES.sign(claims()))


def test_a_redirect_is_not_followed_to_other_keys(project_jwks: JwksServer) -> None:
    """A redirect could lead to plain http or another host's keys: the JWKS URL is final."""
    elsewhere = JwksServer(jwks(ES)).start()
    try:
        project_jwks.redirect_to = elsewhere.url
        with pytest.raises(KeysUnavailable):
            TokenVerifier(remote=RemoteJwks(project_jwks.url)).verify(ES.sign(claims()))
        assert elsewhere.hits == 0
        project_jwks.redirect_to = None
        verifier = TokenVerifier(remote=RemoteJwks(project_jwks.url))
        assert verifier.verify(ES.sign(claims()))
    finally:
        elsewhere.stop()
