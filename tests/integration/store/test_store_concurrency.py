"""Concurrent calls: one primary per image, and one total order of variants."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

from tests.integration.store._world import World, create_variant_row
from vidprompt.config import Settings
from vidprompt.prompts import Store

if TYPE_CHECKING:
    import uuid
    from collections.abc import AsyncIterator

    from tests._support import Conn

pytestmark = pytest.mark.anyio

CALLS = 20


@pytest.fixture
async def wide_store(store_url: str) -> AsyncIterator[Store]:
    """A pool as wide as the number of concurrent calls, so they really overlap."""
    settings = Settings(_env_file=None, pool_min_size=CALLS, pool_max_size=CALLS)
    async with Store(store_url, settings=settings) as store:
        yield store


def _primaries(admin: Conn, image_id: uuid.UUID) -> list[uuid.UUID]:
    rows = admin.execute(
        "select id from public.video_prompts where image_id = %s and is_primary", [image_id]
    ).fetchall()
    return [row[0] for row in rows]


async def test_concurrent_mark_primary_leaves_exactly_one(
    wide_store: Store, world: World, admin: Conn
) -> None:
    variants = [create_variant_row(admin, world.alice, world.alice_image) for _ in range(CALLS)]
    me = world.scope("owner")
    marked: list[uuid.UUID] = []

    async def mark(variant_id: uuid.UUID) -> None:
        marked.append((await wide_store.mark_primary(me, variant_id)).id)

    async with anyio.create_task_group() as group:
        for variant_id in variants:
            group.start_soon(mark, variant_id)
    assert sorted(marked) == sorted(variants)  # every call succeeded...
    primaries = _primaries(admin, world.alice_image)
    assert len(primaries) == 1  # ...and exactly one primary remains
    assert primaries[0] in variants


async def test_concurrent_mark_primary_of_one_variant_leaves_it_primary(
    wide_store: Store, world: World, admin: Conn
) -> None:
    me = world.scope("owner")
    await wide_store.mark_primary(me, world.draft)
    async with anyio.create_task_group() as group:
        for _ in range(CALLS):
            group.start_soon(wide_store.mark_primary, me, world.completed)
    assert _primaries(admin, world.alice_image) == [world.completed]


async def test_concurrent_creation_keeps_one_total_order(wide_store: Store, world: World) -> None:
    me = world.scope("owner")

    async def create(number: int) -> None:
        await wide_store.create_variant(
            me, world.alice_image, {"prompt_text": f"variant {number}"}, model_name="m"
        )

    async with anyio.create_task_group() as group:
        for number in range(CALLS * 3):
            group.start_soon(create, number)
    first = await wide_store.list_variants(me, world.alice_image)
    second = await wide_store.list_variants(me, world.alice_image)
    total = 3 + CALLS * 3
    assert [v.id for v in first] == [v.id for v in second]
    assert [(v.position, v.total) for v in first] == [(n, total) for n in range(1, total + 1)]
    keys = [(v.created_at, v.seq) for v in first]
    assert keys == sorted(keys)
    assert len(set(keys)) == total
    for variant in first[:: CALLS // 2]:
        alone = await wide_store.get_variant(me, variant.id)
        assert (alone.position, alone.total) == (variant.position, total)
