"""The status lifecycle: draft -> pending -> completed | failed, and nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.store._world import World, create_variant_row, rows_of
from vidprompt.errors import Conflict, InvalidInput, InvalidTransition
from vidprompt.prompts import TRANSITIONS, Store

if TYPE_CHECKING:
    from tests._support import Conn

pytestmark = pytest.mark.anyio

MOVES: dict[str, Any] = {
    "pending": lambda s, me, v: s.submit(me, v),
    "completed": lambda s, me, v: s.complete(me, v, prompt_text="A slow dolly toward her."),
    "failed": lambda s, me, v: s.fail(me, v, error_code="rate_limited", error_message="Later."),
}


@pytest.mark.parametrize("target", list(MOVES))
@pytest.mark.parametrize("current", ["draft", "pending", "completed", "failed"])
async def test_only_the_lifecycles_moves_are_applied(
    current: str, target: str, store: Store, world: World, admin: Conn
) -> None:
    variant = create_variant_row(
        admin,
        world.alice,
        world.alice_image,
        status=current,
        text="" if current in ("draft", "pending") else "Text.",
        error_code="x" if current == "failed" else None,
    )
    before = rows_of(admin, world.alice)
    me = world.scope("owner")
    if target in TRANSITIONS[current]:  # type: ignore[index]
        moved = await MOVES[target](store, me, variant)
        assert moved.status == target
        return
    with pytest.raises(InvalidTransition, match=f"{current} variant cannot become {target}"):
        await MOVES[target](store, me, variant)
    assert rows_of(admin, world.alice) == before


async def test_completing_records_the_text_and_the_model(store: Store, world: World) -> None:
    me = world.scope("owner")
    done = await store.complete(me, world.pending, prompt_text="Golden light.", model_name="g-2")
    assert (done.status, done.prompt_text, done.model_name) == ("completed", "Golden light.", "g-2")
    assert (done.error_code, done.error_message) == (None, None)


async def test_failing_records_why(store: Store, world: World) -> None:
    failed = await store.fail(
        world.scope("owner"), world.pending, error_code="blocked", error_message="Safety."
    )
    assert (failed.status, failed.error_code, failed.error_message) == (
        "failed",
        "blocked",
        "Safety.",
    )


@pytest.mark.parametrize("text", ["", "   \n"])
async def test_completing_without_text_is_refused(text: str, store: Store, world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        await store.complete(world.scope("owner"), world.pending, prompt_text=text)
    assert refused.value.field == "prompt_text"


async def test_failing_without_a_code_is_refused(store: Store, world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        await store.fail(world.scope("owner"), world.pending, error_code="")
    assert refused.value.field == "error_code"


async def test_a_pending_variant_is_not_edited(store: Store, world: World, admin: Conn) -> None:
    me = world.scope("owner")
    before = rows_of(admin, world.alice)
    with pytest.raises(Conflict):
        await store.update_variant(me, world.pending, {"camera_style": "orbit"})
    assert rows_of(admin, world.alice) == before
    await store.complete(me, world.pending, prompt_text="Done.")
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


async def test_regenerating_makes_a_new_variant_and_keeps_the_old(
    store: Store, world: World
) -> None:
    me = world.scope("owner")
    old = await store.update_variant(
        me,
        world.completed,
        {"user_instruction": "lächeln", "camera_style": "dolly", "film_effects": ["noir"]},
    )
    same = await store.regenerate(me, world.completed)
    changed = await store.regenerate(
        me, world.completed, {"camera_style": "orbit", "user_instruction": None}, model_name="g"
    )
    assert (same.status, same.prompt_text) == ("pending", "")
    assert (same.user_instruction, same.camera_style, same.film_effects) == (
        "lächeln",
        "dolly",
        ["noir"],
    )
    assert (changed.user_instruction, changed.camera_style, changed.film_effects) == (
        None,
        "orbit",
        ["noir"],
    )
    assert changed.model_name == "g"
    listed = await store.list_variants(me, world.alice_image)
    assert [v.id for v in listed][-2:] == [same.id, changed.id]
    kept = next(v for v in listed if v.id == old.id)
    assert (kept.status, kept.prompt_text) == ("completed", old.prompt_text)


async def test_regenerating_takes_only_generation_inputs(store: Store, world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        await store.regenerate(
            world.scope("owner"),
            world.completed,
            {"prompt_text": "x"},
        )
    assert refused.value.field == "prompt_text"
