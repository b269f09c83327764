"""Editing a variant: only the given columns change, and never while it is being generated.

The status moves themselves are the worker's (tests/integration/generation/test_lifecycle.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.integration.store._world import World, rows_of
from vidprompt.errors import Conflict

if TYPE_CHECKING:
    from tests._support import Conn
    from vidprompt.prompts import Store

pytestmark = pytest.mark.anyio


async def test_a_pending_variant_is_not_edited(store: Store, world: World, admin: Conn) -> None:
    me = world.scope("owner")
    before = rows_of(admin, world.alice)
    with pytest.raises(Conflict):
        await store.update_variant(me, world.pending, {"camera_style": "orbit"})
    assert rows_of(admin, world.alice) == before
    # The worker's result, as the service role writes it.
    admin.execute(
        "update public.video_prompts set status = 'completed', prompt_text = 'Done.'"
        " where id = %s",
        [world.pending],
    )
    edited = await store.update_variant(me, world.pending, {"camera_style": "orbit"})
    assert edited.camera_style == "orbit"


async def test_edits_change_only_the_given_columns(store: Store, world: World) -> None:
    me = world.scope("owner")
    first = await store.update_variant(
        me,
        world.draft,
        {"user_instruction": "winken", "film_effects": ["golden_hour", "soft"]},
    )
    second = await store.update_variant(me, world.draft, {"user_instruction": None})
    assert (first.user_instruction, first.film_effects) == ("winken", ["golden_hour", "soft"])
    assert (second.user_instruction, second.film_effects) == (None, ["golden_hour", "soft"])
    assert second.prompt_text == first.prompt_text == "A slow push-in."
    assert second.updated_at > first.updated_at >= first.created_at
