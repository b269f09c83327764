"""Tokens over HTTP: genuine ones (HS256, and ES256/RS256 from a JWKS the test serves) let
their user in; every forged, stale or misdirected one is a 401 with Supabase's code."""

from __future__ import annotations

import base64
import time
import uuid
from typing import TYPE_CHECKING

import jwt
import pytest

from tests._support import create_image
from tests.integration.api._jwks_server import JwksServer
from tests.integration.api._signing import (
    SigningKey,
    claims,
    es256_key,
    forged_hs256,
    hs256,
    jwks,
    rs256_key,
    tampered,
    unsigned,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from fastapi.testclient import TestClient

    from tests._support import Conn

ES = es256_key()
RS = rs256_key()
NOW = int(time.time())


@pytest.fixture
def project_jwks() -> Iterator[JwksServer]:
    server = JwksServer(jwks(ES, RS)).start()
    yield server
    server.stop()


@pytest.fixture
def asymmetric(make_client: Callable[..., TestClient], project_jwks: JwksServer) -> TestClient:
    """The API of a project that signs with asymmetric keys only (no shared secret)."""
    return make_client(jwt_secret=None, jwks_url=project_jwks.url)


def _sees_own_image(client: TestClient, admin: Conn, token: str) -> None:
    user = uuid.UUID(jwt.decode(token, options={"verify_signature": False})["sub"])
    admin.execute(
        "insert into auth.users (id, aud, role) values (%s, 'authenticated', 'authenticated')",
        [user],
    )
    image = create_image(admin, user)
    response = client.get("/images", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert [item["id"] for item in response.json()["items"]] == [str(image)]


def _refused(client: TestClient, token: str) -> str:
    response = client.get("/images", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    code: str = response.json()["code"]
    return code


def test_hs256_with_the_project_secret(client: TestClient, admin: Conn) -> None:
    _sees_own_image(client, admin, hs256(claims()))


@pytest.mark.parametrize("key", [ES, RS], ids=["ES256", "RS256"])
def test_asymmetric_tokens_from_the_project_jwks(
    asymmetric: TestClient, admin: Conn, project_jwks: JwksServer, key: SigningKey
) -> None:
    _sees_own_image(asymmetric, admin, key.sign(claims()))
    assert project_jwks.hits == 1


@pytest.mark.parametrize(
    ("forge", "code"),
    [
        (lambda: tampered(hs256(claims())), "PGRST301"),
        (lambda: hs256(claims(), "not-the-project-secret-but-long-enough!"), "PGRST301"),
        (lambda: unsigned(claims()), "PGRST301"),
        (lambda: "not.a.jwt", "PGRST301"),
        (lambda: hs256(claims(exp=NOW - 3600)), "PGRST303"),
        (lambda: hs256(claims(nbf=NOW + 3600)), "PGRST303"),
        (lambda: hs256(claims(aud="somebody-else")), "PGRST303"),
        (lambda: hs256({k: v for k, v in claims().items() if k != "sub"}), "PGRST303"),
        (lambda: hs256(claims(f"urn:uuid:{uuid.uuid4()}")), "PGRST303"),
        (lambda: hs256(claims(f"{{{uuid.uuid4()}}}")), "PGRST303"),
    ],
    ids=[
        "tampered",
        "other-secret",
        "alg-none",
        "garbage",
        "expired",
        "not-yet-valid",
        "wrong-audience",
        "missing-sub",
        "urn-sub",
        "braced-sub",
    ],
)
def test_bad_hs256_tokens_are_refused(
    client: TestClient, forge: Callable[[], str], code: str
) -> None:
    assert _refused(client, forge()) == code


@pytest.mark.parametrize("key", [ES, RS], ids=["ES256", "RS256"])
def test_bad_asymmetric_tokens_are_refused(asymmetric: TestClient, key: SigningKey) -> None:
    public, kid = key.public_pem, key.kid
    assert _refused(asymmetric, tampered(key.sign(claims()))) == "PGRST301"
    assert _refused(asymmetric, forged_hs256(claims(), public, kid=kid)) == "PGRST301"
    assert _refused(asymmetric, unsigned(claims())) == "PGRST301"
    assert _refused(asymmetric, es256_key(kid).sign(claims())) == "PGRST301"
    assert _refused(asymmetric, key.sign(claims(exp=NOW - 3600))) == "PGRST303"
    assert _refused(asymmetric, key.sign(claims(aud="other"))) == "PGRST303"


def test_an_oct_key_served_in_the_jwks_verifies_nothing(
    asymmetric: TestClient, admin: Conn, project_jwks: JwksServer
) -> None:
    """Whoever can change the JWKS cannot publish an HS256 secret and sign with it (F14)."""
    secret = b"published-by-whoever-controls-the-jwks"
    oct_jwk = {"kty": "oct", "kid": "oct-1", "use": "sig", "alg": "HS256",
               "k": base64.urlsafe_b64encode(secret).rstrip(b"=").decode()}  # fmt: skip
    project_jwks.document = {"keys": [oct_jwk, *jwks(ES)["keys"]]}
    assert _refused(asymmetric, hs256(claims(), secret, kid="oct-1")) == "PGRST301"
    _sees_own_image(asymmetric, admin, ES.sign(claims()))


def test_a_project_secret_token_is_refused_where_only_the_jwks_is_trusted(
    asymmetric: TestClient,
) -> None:
    assert _refused(asymmetric, hs256(claims())) == "PGRST301"


def test_an_authorization_header_that_is_not_bearer_is_refused(client: TestClient) -> None:
    response = client.get("/images", headers={"Authorization": "Basic YWxhZGRpbjpvcGVu"})
    assert response.status_code == 401
    assert response.json()["code"] == "PGRST301"


def test_no_token_is_anonymous_which_sees_nothing_but_the_vocabulary(
    client: TestClient,
) -> None:
    refused = client.get("/images")
    assert refused.status_code == 401
    assert refused.json()["code"] == "PGRST302"
    assert client.get("/vocabulary").status_code == 200


def test_an_unreachable_jwks_is_a_503_not_a_401(
    make_client: Callable[..., TestClient], project_jwks: JwksServer
) -> None:
    project_jwks.status = 503
    client = make_client(jwt_secret=None, jwks_url=project_jwks.url)
    response = client.get("/images", headers={"Authorization": f"Bearer {ES.sign(claims())}"})
    assert response.status_code == 503
    assert response.json()["code"] == "keys_unavailable"
