"""Access-token verification without a network: HS256 secrets and JWKS files, and forgeries."""

from __future__ import annotations

import base64
import json
import stat
import time
import uuid
from typing import TYPE_CHECKING

import jwt
import pytest

from tests.integration.api._signing import (
    SECRET,
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
from vidprompt.auth import (
    CLAIMS_REFUSED,
    INVALID_JWT,
    AuthUser,
    TokenVerifier,
    build_verifier,
    jwks_keys,
    load_jwks_file,
    local_jwt_secret,
    secret_key,
    sign_access_token,
)
from vidprompt.config import Settings
from vidprompt.errors import AuthError, ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

ES = es256_key("es-1")
RS = rs256_key("rs-1")


def _refusal(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(AuthError) as refused:
        verifier.verify(token)
    return refused.value.code


@pytest.fixture
def by_secret() -> TokenVerifier:
    return TokenVerifier([secret_key(SECRET)])


@pytest.fixture
def by_jwks() -> TokenVerifier:
    return TokenVerifier(jwks_keys(jwks(ES, RS)))


def test_a_token_signed_with_the_project_secret_names_its_user(by_secret: TokenVerifier) -> None:
    user_id = uuid.uuid4()
    verified = by_secret.verify(hs256(claims(user_id, email="ada@example.test")))
    assert verified.user_id == user_id
    assert verified.email == "ada@example.test"
    assert verified.payload["aud"] == "authenticated"


@pytest.mark.parametrize("key", [ES, RS], ids=["ES256", "RS256"])
def test_asymmetric_tokens_verify_with_the_key_their_kid_names(
    by_jwks: TokenVerifier, key: SigningKey
) -> None:
    user_id = uuid.uuid4()
    assert by_jwks.verify(key.sign(claims(user_id))).user_id == user_id


def test_a_token_of_another_key_with_a_known_kid_is_refused(by_jwks: TokenVerifier) -> None:
    impostor = es256_key(ES.kid)
    assert _refusal(by_jwks, impostor.sign(claims())) == INVALID_JWT


def test_an_unknown_kid_is_refused(by_jwks: TokenVerifier) -> None:
    assert _refusal(by_jwks, es256_key("es-unknown").sign(claims())) == INVALID_JWT


def test_a_tampered_payload_is_refused(by_secret: TokenVerifier, by_jwks: TokenVerifier) -> None:
    assert _refusal(by_secret, tampered(hs256(claims()))) == INVALID_JWT
    assert _refusal(by_jwks, tampered(ES.sign(claims()))) == INVALID_JWT


def test_a_token_signed_with_another_secret_is_refused(by_secret: TokenVerifier) -> None:
    assert _refusal(by_secret, hs256(claims(), "another-secret-of-at-least-32-characters")) == (
        INVALID_JWT
    )


def test_alg_none_is_refused(by_secret: TokenVerifier, by_jwks: TokenVerifier) -> None:
    assert _refusal(by_secret, unsigned(claims())) == INVALID_JWT
    assert _refusal(by_jwks, unsigned(claims())) == INVALID_JWT


@pytest.mark.parametrize("key", [ES, RS], ids=["ES256", "RS256"])
def test_hs256_signed_with_the_public_key_is_refused(key: SigningKey) -> None:
    """Algorithm confusion: the public key is public, so HMAC with it proves nothing."""
    public, kid = key.public_pem, key.kid
    both = TokenVerifier([*jwks_keys(jwks(ES, RS)), secret_key(SECRET)])
    for verifier in (both, TokenVerifier(jwks_keys(jwks(ES, RS)))):
        assert _refusal(verifier, forged_hs256(claims(), public, kid=kid)) == INVALID_JWT
        assert _refusal(verifier, forged_hs256(claims(), public)) == INVALID_JWT


def test_an_hs256_token_is_refused_where_only_asymmetric_keys_are_trusted(
    by_jwks: TokenVerifier,
) -> None:
    assert _refusal(by_jwks, hs256(claims())) == INVALID_JWT


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "Bearer x.y.z"])
def test_garbage_is_refused_as_invalid(by_secret: TokenVerifier, token: str) -> None:
    assert _refusal(by_secret, token) == INVALID_JWT


def test_time_claims_are_checked_with_30_seconds_of_skew(by_secret: TokenVerifier) -> None:
    now = int(time.time())
    assert by_secret.verify(hs256(claims(exp=now - 10)))
    assert by_secret.verify(hs256(claims(nbf=now + 10, iat=now + 10)))
    assert _refusal(by_secret, hs256(claims(exp=now - 120))) == CLAIMS_REFUSED
    assert _refusal(by_secret, hs256(claims(nbf=now + 120))) == CLAIMS_REFUSED
    assert _refusal(by_secret, hs256(claims(iat=now + 120))) == CLAIMS_REFUSED


def test_a_token_without_expiry_is_refused(by_secret: TokenVerifier) -> None:
    assert _refusal(by_secret, hs256(claims(exp=None))) == CLAIMS_REFUSED


@pytest.mark.parametrize("audience", ["anon", "service", None, ["other"]])
def test_the_audience_must_be_authenticated(by_secret: TokenVerifier, audience: object) -> None:
    assert _refusal(by_secret, hs256(claims(aud=audience))) == CLAIMS_REFUSED


def test_the_subject_must_be_a_uuid(by_secret: TokenVerifier, by_jwks: TokenVerifier) -> None:
    no_sub = claims()
    del no_sub["sub"]
    assert _refusal(by_secret, hs256(no_sub)) == CLAIMS_REFUSED
    assert _refusal(by_jwks, ES.sign(no_sub)) == CLAIMS_REFUSED
    assert _refusal(by_secret, hs256(claims("not-a-uuid"))) == CLAIMS_REFUSED


@pytest.mark.parametrize(
    "spelling",
    [
        lambda u: f"urn:uuid:{u}",
        lambda u: f"{{{u}}}",
        lambda u: u.hex,
        lambda u: f" {u}",
        lambda u: f"{u}\n",
    ],
    ids=["urn", "braces", "bare-hex", "leading-space", "trailing-newline"],
)
def test_a_subject_in_any_other_spelling_of_a_uuid_is_refused(
    by_secret: TokenVerifier, spelling: Callable[[uuid.UUID], str]
) -> None:
    """Python's uuid.UUID reads these; Postgres's auth.uid() cast would not (F14)."""
    user = uuid.uuid4()
    assert _refusal(by_secret, hs256(claims(spelling(user)))) == CLAIMS_REFUSED
    assert by_secret.verify(hs256(claims(str(user)))).user_id == user
    assert by_secret.verify(hs256(claims(str(user).upper()))).user_id == user


def test_api_keys_and_other_roles_are_refused(by_secret: TokenVerifier) -> None:
    """The anon and service_role keys are JWTs too; this API acts for users only."""
    assert _refusal(by_secret, hs256(claims(role="service_role"))) == CLAIMS_REFUSED
    service_key = {"role": "service_role", "iss": "supabase", "exp": int(time.time()) + 60}
    assert _refusal(by_secret, hs256(service_key)) == CLAIMS_REFUSED


def test_a_short_secret_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="32"):
        secret_key("short")


def test_jwks_files_keep_signing_keys_only(tmp_path: Path) -> None:
    document = jwks(ES, RS)
    document["keys"].append(ES.public_jwk | {"kid": "enc", "use": "enc"})
    document["keys"].append({"kty": "unknown"})
    document["keys"].append({"kty": "oct", "kid": "oct-1", "k": "c2VjcmV0LXNlY3JldA"})
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(document))
    keys = load_jwks_file(path)
    assert [(key.kid, key.algorithm) for key in keys] == [("es-1", "ES256"), ("rs-1", "RS256")]
    path.write_text("{not json")
    with pytest.raises(ConfigError, match=r"jwks\.json"):
        load_jwks_file(path)


def test_an_oct_key_in_a_jwks_never_becomes_an_hs256_secret(tmp_path: Path) -> None:
    """Whoever controls a JWKS must not be able to choose an HMAC secret (F14)."""
    secret = b"chosen-by-whoever-serves-the-jwks!!"
    oct_jwk = {"kty": "oct", "kid": "oct-1", "use": "sig", "alg": "HS256",
               "k": base64.urlsafe_b64encode(secret).rstrip(b"=").decode()}  # fmt: skip
    assert jwks_keys({"keys": [oct_jwk, ES.public_jwk]}) == jwks_keys(jwks(ES))
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [oct_jwk]}))
    with pytest.raises(ConfigError, match="no ES256"):
        load_jwks_file(path)
    verifier = TokenVerifier([secret_key(SECRET), *jwks_keys({"keys": [oct_jwk, ES.public_jwk]})])
    assert _refusal(verifier, hs256(claims(), secret, kid="oct-1")) == INVALID_JWT
    assert verifier.verify(hs256(claims()))  # the configured secret still verifies


@pytest.mark.parametrize(
    "url",
    [
        "http://project.supabase.co/auth/v1/.well-known/jwks.json",
        "http://localhost.attacker.test/jwks.json",
        "http://10.0.0.1/jwks.json",
        "ftp://project.supabase.co/jwks.json",
        "project.supabase.co/jwks.json",
        "https:///jwks.json",
    ],
)
def test_a_jwks_url_must_be_https(url: str) -> None:
    with pytest.raises(ConfigError, match="VIDPROMPT_JWKS_URL"):
        build_verifier(Settings(_env_file=None, jwks_url=url))


@pytest.mark.parametrize(
    "url",
    [
        "https://project.supabase.co/auth/v1/.well-known/jwks.json",
        "http://127.0.0.1:54321/auth/v1/.well-known/jwks.json",
        "http://localhost:54321/jwks.json",
        "http://[::1]:54321/jwks.json",
    ],
)
def test_a_jwks_url_may_be_plain_http_on_loopback_only(url: str) -> None:
    verifier = build_verifier(Settings(_env_file=None, jwks_url=url))
    assert verifier.remote is not None
    assert verifier.remote.url == url


def test_a_single_jwk_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(ES.public_jwk))
    verifier = TokenVerifier(load_jwks_file(path))
    assert verifier.verify(ES.sign(claims()))


def test_settings_without_any_key_cannot_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VIDPROMPT_JWT_SECRET", "VIDPROMPT_JWKS_URL", "VIDPROMPT_JWKS_FILE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match="VIDPROMPT_JWT_SECRET"):
        build_verifier(Settings(_env_file=None))


def test_the_local_secret_is_made_once_and_private(tmp_path: Path) -> None:
    first = local_jwt_secret(tmp_path)
    assert len(first) >= 32
    assert local_jwt_secret(tmp_path) == first
    path = tmp_path / ".vidprompt" / "jwt-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["jwt-secret"]


def test_minted_tokens_look_like_supabase_access_tokens(by_secret: TokenVerifier) -> None:
    user = AuthUser(uuid.uuid4(), "ada@example.test", {"provider": "email"}, {})
    token = sign_access_token(user, SECRET, expires_in=60)
    verified = by_secret.verify(token)
    assert verified.user_id == user.id
    payload = jwt.decode(token, options={"verify_signature": False})
    assert payload.keys() >= {
        "sub", "role", "aud", "email", "exp", "iat", "app_metadata", "user_metadata",
        "session_id", "is_anonymous", "aal",
    }  # fmt: skip
    assert payload["exp"] - payload["iat"] == 60
    assert payload["role"] == "authenticated"
