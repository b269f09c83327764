"""Every operation as each actor: the owner, another user, anonymous, and the service.

The owner and the service succeed and see Alice's data; another user is told "not found"
(exactly as for a row that does not exist) or sees an empty list; anonymous is refused.
Whenever an actor is refused, nothing Alice owns has changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.store._world import World, rows_of
from vidprompt.db_types import ImagesRow, VideoPromptsRow
from vidprompt.errors import NotFound
from vidprompt.prompts import Page, PermissionDenied, Scope, Store, Variant

if TYPE_CHECKING:
    from tests._support import Conn

pytestmark = pytest.mark.anyio

Call = Callable[[Store, Scope, World], Awaitable[Any]]


@dataclass(frozen=True)
class Case:
    name: str
    call: Call
    shows_alices: Callable[[Any, World], bool]
    other: str  # what another user gets: "not_found", "empty" or "denied"


def _gone(result: Any, world: World) -> bool:
    return result is None


CASES = [
    Case(
        "get_image",
        lambda s, scope, w: s.get_image(scope, w.alice_image),
        lambda r, w: isinstance(r, ImagesRow) and r.id == w.alice_image,
        "not_found",
    ),
    Case(
        "list_images",
        lambda s, scope, w: s.list_images(scope, owner=w.alice),
        lambda r, w: isinstance(r, Page) and [i.id for i in r.items] == [w.alice_image],
        "empty",
    ),
    Case(
        "create_image",
        lambda s, scope, w: s.create_image(
            scope, url="https://example.test/new.png", storage_path="new.png", owner=w.alice
        ),
        lambda r, w: isinstance(r, ImagesRow) and r.user_id == w.alice,
        "denied",
    ),
    Case(
        "delete_image",
        lambda s, scope, w: s.delete_image(scope, w.alice_image),
        _gone,
        "not_found",
    ),
    Case(
        "create_variant",
        lambda s, scope, w: s.create_variant(scope, w.alice_image, model_name="m"),
        lambda r, w: isinstance(r, VideoPromptsRow) and r.user_id == w.alice,
        "not_found",
    ),
    Case(
        "list_variants",
        lambda s, scope, w: s.list_variants(scope, w.alice_image),
        lambda r, w: [v.id for v in r] == [w.draft, w.pending, w.completed],
        "not_found",
    ),
    Case(
        "page_variants",
        lambda s, scope, w: s.page_variants(scope, w.alice_image, limit=2),
        lambda r, w: (
            [(v.id, v.position, v.total) for v in r.items] == [(w.draft, 1, 3), (w.pending, 2, 3)]
            and r.next_cursor is not None
        ),
        "not_found",
    ),
    Case(
        "page_variant_rows",
        lambda s, scope, w: s.page_variant_rows(scope, w.alice_image, limit=2),
        lambda r, w: (
            [(v["id"], v["position"], v["total"]) for v in r.items]
            == [(w.draft, 1, 3), (w.pending, 2, 3)]
            and r.next_cursor is not None
        ),
        "not_found",
    ),
    Case(
        "get_variant",
        lambda s, scope, w: s.get_variant(scope, w.pending),
        lambda r, w: isinstance(r, Variant) and (r.id, r.position, r.total) == (w.pending, 2, 3),
        "not_found",
    ),
    Case(
        "update_variant",
        lambda s, scope, w: s.update_variant(scope, w.draft, {"prompt_text": "changed"}),
        lambda r, w: isinstance(r, VideoPromptsRow) and r.prompt_text == "changed",
        "not_found",
    ),
    Case(
        "mark_primary",
        lambda s, scope, w: s.mark_primary(scope, w.completed),
        lambda r, w: isinstance(r, VideoPromptsRow) and r.is_primary is True,
        "not_found",
    ),
    Case(
        "delete_variant",
        lambda s, scope, w: s.delete_variant(scope, w.draft),
        _gone,
        "not_found",
    ),
]
ACTORS = ["owner", "other", "anon", "service"]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_operation_as(
    case: Case, actor: str, store: Store, world: World, admin: Conn
) -> None:
    expected = {"owner": "ok", "service": "ok", "anon": "denied", "other": case.other}[actor]
    before = rows_of(admin, world.alice)
    scope = world.scope(actor)
    if expected == "ok":
        assert case.shows_alices(await case.call(store, scope, world), world)
        return
    if expected == "empty":
        assert (await case.call(store, scope, world)).items == []
    else:
        refusal = NotFound if expected == "not_found" else PermissionDenied
        with pytest.raises(refusal):
            await case.call(store, scope, world)
    assert rows_of(admin, world.alice) == before


async def test_another_users_row_is_refused_like_a_missing_one(store: Store, world: World) -> None:
    bob = world.scope("other")
    with pytest.raises(NotFound) as theirs:
        await store.get_variant(bob, world.draft)
    with pytest.raises(NotFound) as nobodys:
        await store.get_variant(bob, uuid.uuid4())
    assert str(theirs.value) == str(nobodys.value)
    with pytest.raises(NotFound) as image_theirs:
        await store.create_variant(bob, world.alice_image, model_name="m")
    assert image_theirs.value.message == "Image not found."


async def test_deleting_an_image_takes_its_variants(
    store: Store, world: World, admin: Conn
) -> None:
    await store.delete_image(world.scope("owner"), world.alice_image)
    assert rows_of(admin, world.alice) == ([], [])
    assert rows_of(admin, world.bob)[0] != []
