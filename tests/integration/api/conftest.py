"""Fixtures for the API's tests: the app on a fresh database, two users, their tokens.

The app connects as ``authenticator``, the login role Supabase's Data API uses, which has no
privileges of its own: whatever a request can do, it can do only through its token's scope.
Requests go through Starlette's TestClient, which runs the app's lifespan (the store's pool).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests._support import Conn, create_user
from tests.integration.api._signing import SECRET, claims, hs256
from vidprompt.api import create_app
from vidprompt.config import Settings

if TYPE_CHECKING:
    import uuid
    from collections.abc import Callable, Iterator

    from vidprompt.auth import TokenVerifier

ORIGIN = "https://app.example.test"


def bearer(user_id: uuid.UUID, **overrides: Any) -> dict[str, str]:
    """The Authorization header of a valid HS256 access token for ``user_id``."""
    return {"Authorization": f"Bearer {hs256(claims(user_id, **overrides))}"}


@pytest.fixture
def api_url(schema_url: str) -> str:
    return psycopg.conninfo.make_conninfo(schema_url, user="authenticator")


@pytest.fixture
def api_settings(api_url: str) -> Settings:
    return Settings(
        _env_file=None,
        database_url=api_url,
        jwt_secret=SECRET,
        cors_origins=[ORIGIN],
        pool_min_size=1,
        pool_max_size=4,
    )


@pytest.fixture
def make_client(api_settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """``make(verifier=..., **settings)``: a started client of an app with changed settings."""
    opened: list[TestClient] = []

    def make(verifier: TokenVerifier | None = None, **changes: Any) -> TestClient:
        settings = api_settings.model_copy(update=changes)
        client = TestClient(create_app(settings, verifier=verifier))
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def alice(admin: Conn) -> uuid.UUID:
    return create_user(admin, "alice@example.test")


@pytest.fixture
def bob(admin: Conn) -> uuid.UUID:
    return create_user(admin, "bob@example.test")
