"""Fixtures for the store's tests: a store on a fresh database, two users and their rows.

The store connects as ``authenticator``, Supabase's login role, which has no privileges of
its own: anything it can do, it can only do through the scope a transaction applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg
import pytest

from tests._support import Conn, create_image, create_user
from tests.integration.store._world import World, create_variant_row
from vidprompt.config import Settings
from vidprompt.prompts import Store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from vidprompt.database import LocalServer


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def store_url(schema_url: str) -> str:
    """The test database, as the login role the Data API itself uses."""
    return psycopg.conninfo.make_conninfo(schema_url, user="authenticator")


@pytest.fixture
def store_settings() -> Settings:
    return Settings(_env_file=None, pool_min_size=1, pool_max_size=4)


@pytest.fixture
async def store(store_url: str, store_settings: Settings) -> AsyncIterator[Store]:
    async with Store(store_url, settings=store_settings) as opened:
        yield opened


@pytest.fixture
def world(admin: Conn) -> World:
    alice, bob = create_user(admin), create_user(admin)
    alice_image, bob_image = create_image(admin, alice), create_image(admin, bob)
    return World(
        alice=alice,
        bob=bob,
        alice_image=alice_image,
        bob_image=bob_image,
        draft=create_variant_row(admin, alice, alice_image),
        pending=create_variant_row(admin, alice, alice_image, status="pending", text=""),
        completed=create_variant_row(admin, alice, alice_image, status="completed"),
    )


@pytest.fixture
def restartable_server(pg_server: LocalServer | None) -> LocalServer:
    """The session's server, for tests that stop and start it (it keeps its port)."""
    assert pg_server is not None, "restarting needs a server the tests manage, not a URL"
    return pg_server
