"""Scopes: what Postgres sees inside a scoped transaction, and what is left afterwards."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg.rows import dict_row

from vidprompt.config import Settings
from vidprompt.database import Scope
from vidprompt.database._transaction import ScopedTransaction
from vidprompt.errors import AuthError
from vidprompt.prompts import StatementTimeout, Store
from vidprompt.prompts._queries import queries

if TYPE_CHECKING:
    from pathlib import Path

    from psycopg.rows import DictRow

    from tests._support import Conn
    from tests.integration.store._world import World

pytestmark = pytest.mark.anyio

WHO = b"select current_user as role, auth.uid() as uid, auth.jwt() as claims"


async def _connect(url: str) -> psycopg.AsyncConnection[DictRow]:
    return await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)


async def test_verified_claims_are_what_policies_see(store: Store) -> None:
    user_id = uuid.uuid4()
    claims = {
        "sub": str(user_id),
        "role": "authenticated",
        "aud": "authenticated",
        "email": "jörg@example.test",
        "app_metadata": {"provider": "email"},
    }
    async with store.database.transaction(Scope.from_claims(claims)) as tx:
        (seen,) = await tx.fetch(WHO)
    assert seen == {"role": "authenticated", "uid": user_id, "claims": claims}


async def test_a_user_id_gets_the_claims_of_a_supabase_access_token(store: Store) -> None:
    user_id = uuid.uuid4()
    async with store.database.transaction(Scope.user(user_id)) as tx:
        (seen,) = await tx.fetch(WHO)
    expected = {"sub": str(user_id), "role": "authenticated", "aud": "authenticated"}
    assert seen == {"role": "authenticated", "uid": user_id, "claims": expected}


@pytest.mark.parametrize(
    ("scope", "role"), [(Scope.anonymous(), "anon"), (Scope.service(), "service_role")]
)
async def test_anonymous_and_service_scopes_have_no_user(
    store: Store, scope: Scope, role: str
) -> None:
    async with store.database.transaction(scope) as tx:
        (seen,) = await tx.fetch(WHO)
    assert (seen["role"], seen["uid"], seen["claims"]) == (role, None, {"role": role})


@pytest.mark.parametrize(
    "claims",
    [
        {"role": "service_role"},
        {"role": "supabase_admin", "sub": str(uuid.uuid4())},
        {"sub": str(uuid.uuid4())},
        {"role": "authenticated"},
        {"role": "authenticated", "sub": "not-a-uuid"},
    ],
)
def test_a_token_cannot_open_another_scope_than_a_user(claims: dict[str, str]) -> None:
    with pytest.raises(AuthError):
        Scope.from_claims(claims)


def test_an_anon_token_is_the_anonymous_scope() -> None:
    assert Scope.from_claims({"role": "anon"}).role == "anon"


def test_a_scope_does_not_print_its_claims() -> None:
    scope = Scope.from_claims(
        {"role": "authenticated", "sub": str(uuid.uuid4()), "email": "a@example.test"}
    )
    assert "a@example.test" not in repr(scope)


async def test_the_scope_ends_with_its_transaction(store_url: str) -> None:
    conn = await _connect(store_url)
    async with conn:
        async with ScopedTransaction(conn, Scope.service(), statement_timeout_ms=1234) as tx:
            (inside,) = await tx.fetch(b"select current_user as role")
        assert inside["role"] == "service_role"
        with pytest.raises(psycopg.errors.DivisionByZero):
            async with ScopedTransaction(conn, Scope.service(), statement_timeout_ms=1) as tx:
                await tx.queue(b"select 1 / 0")
        await conn.rollback()
        after = await conn.execute(
            "select current_user as role, current_setting('request.jwt.claims', true) as claims,"
            " current_setting('statement_timeout') as timeout"
        )
        assert await after.fetchone() == {"role": "authenticator", "claims": "", "timeout": "0"}


async def test_a_users_id_does_not_outlive_their_transaction(store_url: str) -> None:
    """The user id set beside the claims (for auth.uid()) is transaction-local too: the next
    transaction on the same connection, anonymous, has no user."""
    user_id = uuid.uuid4()
    conn = await _connect(store_url)
    async with conn:
        async with ScopedTransaction(conn, Scope.user(user_id), statement_timeout_ms=1000) as tx:
            (inside,) = await tx.fetch(WHO)
        async with ScopedTransaction(conn, Scope.anonymous(), statement_timeout_ms=1000) as tx:
            (next_one,) = await tx.fetch(WHO)
        after = await conn.execute(
            "select current_setting('request.jwt.claim.sub', true) as sub"
        )
        left = await after.fetchone()
    assert inside["uid"] == user_id
    assert (next_one["role"], next_one["uid"]) == ("anon", None)
    assert left == {"sub": ""}


async def test_the_scope_travels_in_the_same_round_trip_as_the_queries(
    store_url: str, world: World, tmp_path: Path
) -> None:
    """libpq's protocol trace: every message is sent before the first answer arrives."""
    conn = await _connect(store_url)
    trace = tmp_path / "trace.txt"
    async with conn:
        with trace.open("w") as sink:
            conn.pgconn.trace(sink.fileno())
            scope = Scope.user(world.alice)
            async with ScopedTransaction(conn, scope, statement_timeout_ms=1000) as tx:
                found = await tx.queue(queries()["image_exists"], {"image_id": world.alice_image})
                listed = await tx.queue(queries()["list_variants"], {"image_id": world.alice_image})
            conn.pgconn.untrace()
    assert found.one() == {"id": world.alice_image}
    assert len(listed.all()) == 3
    directions = [line.split("\t")[1] for line in trace.read_text().splitlines() if "\t" in line]
    sent = [n for n, direction in enumerate(directions) if direction == "F"]
    received = [n for n, direction in enumerate(directions) if direction == "B"]
    assert max(sent) < min(received)
    messages = trace.read_text()
    assert messages.count("\tSync") == 1
    assert messages.index("set_config('role'") < messages.index("from public.video_prompts")


async def test_statement_timeout_is_applied_and_reported(
    store_url: str, world: World, admin: Conn
) -> None:
    settings = Settings(_env_file=None, statement_timeout_ms=200)
    async with Store(store_url, settings=settings) as store:
        async with store.database.transaction(Scope.user(world.alice)) as tx:
            (seen,) = await tx.fetch(b"select current_setting('statement_timeout') as timeout")
        assert seen == {"timeout": "200ms"}
        with admin.transaction():
            admin.execute("lock table public.video_prompts in access exclusive mode")
            with pytest.raises(StatementTimeout):
                await store.list_variants(Scope.user(world.alice), world.alice_image)
        assert len(await store.list_variants(Scope.user(world.alice), world.alice_image)) == 3


@pytest.mark.parametrize(("pooler", "prepared"), [(True, False), (False, True)])
async def test_no_prepared_statements_through_a_transaction_pooler(
    store_url: str, world: World, pooler: bool, prepared: bool
) -> None:
    settings = Settings(_env_file=None, transaction_pooler=pooler, pool_min_size=1, pool_max_size=1)
    scope = Scope.user(world.alice)
    async with Store(store_url, settings=settings) as store:
        for _ in range(8):
            await store.get_variant(scope, world.draft)
        async with store.database.transaction(scope) as tx:
            statements = await tx.fetch(b"select name from pg_prepared_statements")
    assert bool(statements) is prepared


def test_claims_are_sent_as_json() -> None:
    user_id = uuid.uuid4()
    settings = Scope.user(user_id).settings(15_000)
    assert json.loads(settings["claims"])["sub"] == str(user_id)
    assert settings["statement_timeout"] == "15000"


async def test_reading_early_keeps_one_transaction_and_its_scope(
    store_url: str, world: World, tmp_path: Path
) -> None:
    """A fetch in the middle flushes without a Sync: what follows still runs in the scope."""
    conn = await _connect(store_url)
    trace = tmp_path / "trace.txt"
    async with conn:
        with trace.open("w") as sink:
            conn.pgconn.trace(sink.fileno())
            async with ScopedTransaction(
                conn, Scope.user(world.alice), statement_timeout_ms=1000
            ) as tx:
                (first,) = await tx.fetch(b"select txid_current() as tx, current_user as role")
                later = await tx.queue(b"select txid_current() as tx, current_user as role")
            conn.pgconn.untrace()
    assert later.one() == first
    assert first["role"] == "authenticated"
    assert trace.read_text().count("\tSync") == 1


class Abandoned(Exception):
    """The caller gave up half way."""


async def _update_then_give_up(store: Store, world: World) -> None:
    async with store.database.transaction(Scope.user(world.alice)) as tx:
        await tx.fetch(
            b"update public.video_prompts set prompt_text = 'half done' where id = %(id)s"
            b" returning id",
            {"id": world.draft},
        )
        raise Abandoned


async def test_a_block_that_fails_before_the_end_commits_nothing(
    store: Store, world: World, admin: Conn
) -> None:
    """Not even what the server had already run: the connection is dropped, not synced."""
    with pytest.raises(Abandoned):
        await _update_then_give_up(store, world)
    row = admin.execute(
        "select prompt_text from public.video_prompts where id = %s", [world.draft]
    ).fetchone()
    assert row == ("A slow push-in.",)
    assert (await store.get_variant(Scope.user(world.alice), world.draft)).id == world.draft
