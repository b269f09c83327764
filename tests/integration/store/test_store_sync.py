"""The blocking store: the same operations, derived from the async ones."""

from __future__ import annotations

import inspect
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from vidprompt.errors import NotFound
from vidprompt.prompts import Store, SyncStore

if TYPE_CHECKING:
    from tests.integration.store._world import World
    from vidprompt.config import Settings


def test_every_operation_has_a_blocking_twin() -> None:
    operations = {
        name
        for name, member in inspect.getmembers(Store, inspect.iscoroutinefunction)
        if not name.startswith("_") and name not in ("open", "close")
    }
    twins = {name for name in operations if callable(getattr(SyncStore, name, None))}
    assert twins == operations


def test_a_script_uses_the_store_without_an_event_loop(
    store_url: str, store_settings: Settings, world: World
) -> None:
    me = world.scope("owner")
    with SyncStore(store_url, settings=store_settings) as store:
        image = store.create_image(me, url="https://example.test/a.png", storage_path="a.png")
        drafts = [
            store.create_variant(me, image.id, model_name="m", prompt_text=f"Entwurf {n}")
            for n in range(3)
        ]
        store.mark_primary(me, drafts[1].id)
        listed = store.list_variants(me, image.id)
        with pytest.raises(NotFound):
            store.get_variant(world.scope("other"), drafts[0].id)
    assert [(v.position, v.total, v.is_primary) for v in listed] == [
        (1, 3, False),
        (2, 3, True),
        (3, 3, False),
    ]


def test_threads_can_share_one_blocking_store(
    store_url: str, store_settings: Settings, world: World
) -> None:
    me = world.scope("owner")
    with SyncStore(store_url, settings=store_settings) as store, ThreadPoolExecutor(8) as pool:
        created = list(
            pool.map(
                lambda n: store.create_variant(me, world.alice_image, model_name=f"m{n}"),
                range(24),
            )
        )
        listed = store.list_variants(me, world.alice_image)
    assert {v.id for v in created} <= {v.id for v in listed}
    assert len(listed) == 27


def test_a_closed_blocking_store_says_so(store_url: str, world: World) -> None:
    store = SyncStore(store_url)
    with pytest.raises(RuntimeError, match="not open"):
        store.get_image(world.scope("owner"), world.alice_image)
