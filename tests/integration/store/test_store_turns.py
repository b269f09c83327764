"""More callers than connections: they take turns, first come first served, and a caller
that waits too long is told whether that is load or an outage."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import anyio
import psycopg
import pytest

from vidprompt.config import Settings
from vidprompt.database import Database
from vidprompt.errors import DatabaseBusy, DatabaseUnavailable, NotFound
from vidprompt.prompts import Store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from tests.integration.store._world import World
    from vidprompt.database import LocalServer, Scope

pytestmark = pytest.mark.anyio

POOL = 3


async def _hold(store: Store, scope: Scope, held: anyio.Event, release: anyio.Event) -> None:
    """Keep one of the store's connections in a transaction until ``release`` is set."""
    async with store.database.transaction(scope):
        held.set()
        await release.wait()


@pytest.fixture
async def narrow_store(store_url: str) -> AsyncIterator[Store]:
    settings = Settings(
        _env_file=None, pool_min_size=POOL, pool_max_size=POOL, pool_timeout_ms=3_000
    )
    async with Store(store_url, settings=settings) as store:
        while store.database.stats().get("pool_available", 0) < POOL:  # every connection made
            await anyio.sleep(0.01)
        yield store


async def test_many_more_callers_than_connections_all_get_their_answer(
    narrow_store: Store, world: World, schema_url: str
) -> None:
    listed: list[int] = []
    refused: list[str] = []

    async def list_as(who: str) -> None:
        try:
            found = await narrow_store.list_variants(world.scope(who), world.alice_image)
        except NotFound:
            refused.append(who)
        else:
            listed.append(len(found))

    async with anyio.create_task_group() as group:
        for number in range(POOL * 20):
            group.start_soon(list_as, "owner" if number % 2 else "other")
    assert listed == [3] * (POOL * 10)
    assert refused == ["other"] * (POOL * 10)  # waiting in turn shows nobody another's image
    stats = narrow_store.database.stats()
    # They waited their turn in the store, not in psycopg_pool's far costlier queue.
    assert stats.get("requests_queued", 0) == 0
    assert stats["pool_available"] == stats["pool_size"] == POOL
    with psycopg.connect(schema_url) as conn:
        sessions = conn.execute(
            "select count(*) from pg_stat_activity where application_name = 'vidprompt'"
            " and datname = current_database()"
        ).fetchone()
    assert sessions is not None
    assert sessions[0] == POOL


async def test_waiting_callers_are_served_in_the_order_they_came(
    store_url: str, world: World
) -> None:
    # One connection, so each caller's whole call is its turn: the order served is the
    # order of the turns.
    settings = Settings(_env_file=None, pool_min_size=1, pool_max_size=1)
    me = world.scope("owner")
    release, held = anyio.Event(), anyio.Event()
    served: list[int] = []

    async def wait_turn(store: Store, number: int) -> None:
        await store.list_variants(me, world.alice_image)
        served.append(number)

    async with Store(store_url, settings=settings) as store, anyio.create_task_group() as group:
        group.start_soon(_hold, store, me, held, release)
        await held.wait()
        for number in range(10):
            group.start_soon(wait_turn, store, number)
            await anyio.sleep(0.005)  # each one waiting before the next comes
        assert served == []  # the connection is held
        release.set()
    assert served == list(range(10))


async def test_a_turn_not_given_in_time_is_busy_while_the_server_answers(
    store_url: str, world: World
) -> None:
    settings = Settings(_env_file=None, pool_min_size=1, pool_max_size=1, pool_timeout_ms=200)
    me = world.scope("owner")
    release, held = anyio.Event(), anyio.Event()
    async with Store(store_url, settings=settings) as store:
        async with anyio.create_task_group() as group:
            group.start_soon(_hold, store, me, held, release)
            await held.wait()
            with pytest.raises(DatabaseBusy):
                await store.list_variants(me, world.alice_image)
            release.set()
        # The turn came back: the next caller is served.
        assert len(await store.list_variants(me, world.alice_image)) == 3


async def test_a_turn_not_given_in_time_is_unavailable_while_the_server_is_down(
    store_url: str, world: World, restartable_server: LocalServer
) -> None:
    settings = Settings(_env_file=None, pool_min_size=1, pool_max_size=1, pool_timeout_ms=200)
    me = world.scope("owner")
    release = anyio.Event()
    held = anyio.Event()

    async def hold(store: Store) -> None:
        with contextlib.suppress(DatabaseUnavailable):  # its connection went with the server
            await _hold(store, me, held, release)

    try:
        async with Store(store_url, settings=settings) as store:
            async with anyio.create_task_group() as group:
                group.start_soon(hold, store)
                await held.wait()
                await anyio.to_thread.run_sync(restartable_server.stop)
                with pytest.raises(DatabaseUnavailable):
                    await store.list_variants(me, world.alice_image)
                release.set()
            await anyio.to_thread.run_sync(restartable_server.start)
            assert len(await store.list_variants(me, world.alice_image)) == 3
    finally:
        await anyio.to_thread.run_sync(restartable_server.start)


async def test_callers_waiting_for_a_turn_are_told_at_once_when_the_store_closes(
    store_url: str, world: World
) -> None:
    settings = Settings(_env_file=None, pool_min_size=1, pool_max_size=1, pool_timeout_ms=5_000)
    me = world.scope("owner")
    release, held = anyio.Event(), anyio.Event()
    outcomes: list[str] = []

    async def wait_turn(store: Store) -> None:
        try:
            await store.list_variants(me, world.alice_image)
        except DatabaseUnavailable:
            outcomes.append("unavailable")
        else:
            outcomes.append("served")

    store = Store(store_url, settings=settings)
    await store.open()
    async with anyio.create_task_group() as group:
        group.start_soon(_hold, store, me, held, release)
        await held.wait()
        for _ in range(3):
            group.start_soon(wait_turn, store)
        await anyio.sleep(0.05)  # all three waiting
        with anyio.fail_after(2):  # long before the pool timeout, and the holder still holds
            await store.database.close()
            while len(outcomes) < 3:
                await anyio.sleep(0.01)
        release.set()
    await store.close()
    assert outcomes == ["unavailable"] * 3


def test_a_database_opened_again_on_another_event_loop_takes_turns_there(
    store_url: str, world: World
) -> None:
    settings = Settings(_env_file=None, pool_min_size=1, pool_max_size=1)
    database = Database(store_url, settings)

    async def three_at_once() -> list[int]:
        await database.open()
        try:

            async def one() -> int:
                async with database.transaction(world.scope("owner")) as tx:
                    return len(await tx.fetch(b"select 1"))

            return list(await asyncio.gather(one(), one(), one()))
        finally:
            await database.close()

    assert asyncio.run(three_at_once()) == [1, 1, 1]
    assert asyncio.run(three_at_once()) == [1, 1, 1]  # a loop of its own


async def _all_turns_free(store: Store, scope: Scope) -> None:
    """Every turn and connection is back: as many holders as the pool has get one at once."""
    held = [anyio.Event() for _ in range(POOL)]
    release = anyio.Event()
    async with anyio.create_task_group() as group:
        for event in held:
            group.start_soon(_hold, store, scope, event, release)
        with anyio.fail_after(1):  # far below the pool's timeout: nobody waited for a turn
            for event in held:
                await event.wait()
        release.set()
    assert store.database.stats()["pool_available"] == POOL


class _UnsettableScope:
    """A scope whose settings cannot be made: the transaction fails before it starts."""

    def settings(self, statement_timeout_ms: int) -> dict[str, str]:
        raise RuntimeError("no settings for this scope")


async def test_a_transaction_that_cannot_start_gives_back_its_turn_and_connection(
    narrow_store: Store, world: World
) -> None:
    for _ in range(POOL + 1):  # more failures than turns: a leak would leave none
        with pytest.raises(RuntimeError, match="no settings"):
            async with narrow_store.database.transaction(_UnsettableScope()):  # type: ignore[arg-type]
                pass
    await _all_turns_free(narrow_store, world.scope("owner"))


async def test_a_caller_cancelled_while_a_failed_transaction_rolls_back_leaves_it_clean(
    narrow_store: Store, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    async def fail_in_the_block() -> None:
        async with narrow_store.database.transaction(world.scope("owner")) as tx:
            await tx.queue(b"select pg_sleep(1)")
            raise psycopg.errors.DivisionByZero("failed in the block")

    caller = asyncio.create_task(fail_in_the_block())
    await asyncio.sleep(0.3)  # the quiet Sync now waits for the sleep to end
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await _all_turns_free(narrow_store, world.scope("owner"))
    # The pipeline ended with the block: psycopg had nothing half-done to drop later.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("psycopg")] == []
