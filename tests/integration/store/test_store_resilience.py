"""The store rides out a database restart and never loses a connection to cancellation."""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING

import anyio
import psycopg
import pytest

from vidprompt.config import Settings
from vidprompt.errors import DatabaseUnavailable, NotFound
from vidprompt.prompts import Store

if TYPE_CHECKING:
    import uuid
    from collections.abc import AsyncIterator, Awaitable, Callable

    from tests.integration.store._world import World
    from vidprompt.database import LocalServer, Scope

pytestmark = pytest.mark.anyio

POOL = 4


@pytest.fixture
async def small_store(store_url: str) -> AsyncIterator[Store]:
    settings = Settings(_env_file=None, pool_min_size=2, pool_max_size=POOL, pool_timeout_ms=3_000)
    async with Store(store_url, settings=settings) as store:
        yield store


class Writer:
    """Creates variants one after another, remembering which ones were acknowledged."""

    def __init__(self, store: Store, scope: Scope, image_id: uuid.UUID) -> None:
        self.store, self.scope, self.image_id = store, scope, image_id
        self.acknowledged: list[uuid.UUID] = []
        self.refused = 0

    async def run(self, stop: anyio.Event) -> None:
        while not stop.is_set():
            try:
                row = await self.store.create_variant(
                    self.scope, self.image_id, {"prompt_text": "during restart"}, model_name="m"
                )
            except DatabaseUnavailable:
                self.refused += 1
                await anyio.sleep(0.01)
            else:
                self.acknowledged.append(row.id)


async def test_a_restart_loses_nothing_acknowledged_and_the_store_recovers(
    small_store: Store, world: World, restartable_server: LocalServer, schema_url: str
) -> None:
    pg_server = restartable_server
    port = pg_server.port
    me = world.scope("owner")
    writers = [Writer(small_store, me, world.alice_image) for _ in range(3)]
    stop = anyio.Event()
    try:
        async with anyio.create_task_group() as group:
            for writer in writers:
                group.start_soon(writer.run, stop)
            await _until(lambda: sum(len(w.acknowledged) for w in writers) >= 30)
            await anyio.to_thread.run_sync(pg_server.stop)
            # Down: every call is refused as unavailable; none hangs or leaks a driver error.
            for _ in range(5):
                with pytest.raises(DatabaseUnavailable):
                    await small_store.list_variants(me, world.alice_image)
            await anyio.to_thread.run_sync(pg_server.start)
            assert pg_server.port == port, "the server came back on another port"
            # Back: the very next call succeeds, without waiting for a reconnect backoff.
            listed = await small_store.list_variants(me, world.alice_image)
            before = sum(len(w.acknowledged) for w in writers)
            await _until(lambda: sum(len(w.acknowledged) for w in writers) >= before + 30)
            stop.set()
    finally:
        await anyio.to_thread.run_sync(pg_server.start)  # whatever failed, leave it running
    acknowledged = [row_id for writer in writers for row_id in writer.acknowledged]
    assert sum(writer.refused for writer in writers) > 0
    assert len(listed) >= 3
    with psycopg.connect(schema_url) as conn:
        stored = {
            row[0]
            for row in conn.execute(
                "select id from public.video_prompts where image_id = %s", [world.alice_image]
            )
        }
    assert set(acknowledged) <= stored
    final = await small_store.list_variants(me, world.alice_image)
    assert {v.id for v in final} == stored


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        await anyio.sleep(0.01)


async def test_a_store_opened_while_the_database_is_down_works_once_it_is_up(
    store_url: str, world: World, restartable_server: LocalServer
) -> None:
    pg_server = restartable_server
    settings = Settings(_env_file=None, pool_timeout_ms=1_000)
    me = world.scope("owner")
    await anyio.to_thread.run_sync(pg_server.stop)
    try:
        async with Store(store_url, settings=settings) as store:
            with pytest.raises(DatabaseUnavailable):
                await store.get_image(me, world.alice_image)
            with pytest.raises(DatabaseUnavailable):
                await store.get_image(me, world.alice_image)
            await anyio.to_thread.run_sync(pg_server.start)
            assert (await store.get_image(me, world.alice_image)).id == world.alice_image
    finally:
        await anyio.to_thread.run_sync(pg_server.start)


async def _churn(store: Store, world: World, number: int) -> None:
    """One operation, cancelled after a random moment (often mid-exchange)."""
    me = world.scope("owner")
    operations: list[Callable[[], Awaitable[object]]] = [
        lambda: store.list_variants(me, world.alice_image),
        lambda: store.create_variant(me, world.alice_image, model_name="m"),
        lambda: store.mark_primary(me, world.completed),
        lambda: store.get_variant(me, world.draft),
    ]
    with anyio.move_on_after(random.uniform(0, 0.004)):
        await operations[number % len(operations)]()


async def _settled(store: Store) -> dict[str, int]:
    """Pool measures once connections returned by cancelled callers are back."""
    for _ in range(200):
        stats = store.database.stats()
        if stats["pool_available"] == stats["pool_size"] and not stats["requests_waiting"]:
            break
        await anyio.sleep(0.01)
    return stats


async def test_cancelled_calls_leak_no_connection(
    small_store: Store, world: World, schema_url: str
) -> None:
    random.seed(4)
    async with anyio.create_task_group() as group:
        for number in range(300):
            group.start_soon(_churn, small_store, world, number)
    tasks = [asyncio.ensure_future(_churn(small_store, world, n)) for n in range(100)]
    await asyncio.sleep(0.002)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    stats = await _settled(small_store)
    assert stats["pool_available"] == stats["pool_size"] <= POOL
    with psycopg.connect(schema_url) as conn:
        sessions = conn.execute(
            "select state from pg_stat_activity where application_name = 'vidprompt'"
        ).fetchall()
    assert len(sessions) <= POOL
    assert all(state == ("idle",) for state in sessions)
    # Every connection is usable: as many concurrent calls as the pool holds, several times.
    me = world.scope("owner")
    async with anyio.create_task_group() as group:
        for _ in range(POOL * 5):
            group.start_soon(small_store.get_variant, me, world.completed)
    with pytest.raises(NotFound):
        await small_store.get_variant(world.scope("other"), world.completed)


async def test_connections_the_server_ended_are_replaced_unnoticed(
    small_store: Store, world: World, schema_url: str
) -> None:
    me = world.scope("owner")
    async with anyio.create_task_group() as group:  # several pooled connections
        for _ in range(POOL):
            group.start_soon(small_store.list_variants, me, world.alice_image)
    with psycopg.connect(schema_url, autocommit=True) as conn:
        ended = conn.execute(
            "select array_agg(pid) filter (where pg_terminate_backend(pid)) from pg_stat_activity"
            " where application_name = 'vidprompt' and datname = current_database()"
        ).fetchone()
        assert ended is not None
        assert len(ended[0]) >= 2
        # Until the ended sessions are gone; not until none is left, as the pool may already
        # be opening new ones (its minimum size), which would make that wait endless.
        while conn.execute(
            "select 1 from pg_stat_activity where pid = any(%s)", [ended[0]]
        ).fetchone():
            await anyio.sleep(0.01)
    for _ in range(POOL * 2):
        assert len(await small_store.list_variants(me, world.alice_image)) == 3
