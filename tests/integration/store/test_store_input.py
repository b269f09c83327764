"""Bad input is refused with the field named and nothing written; odd text is kept verbatim."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.store._world import World, rows_of
from vidprompt.errors import InvalidInput, NotFound
from vidprompt.prompts import CAMERA_STYLES, FILM_EFFECTS, Scope, Store, VariantInputs

if TYPE_CHECKING:
    from tests._support import Conn

pytestmark = pytest.mark.anyio

VERBATIM = [
    "'; drop table public.video_prompts; --",
    "Robert'); delete from images where ('1' = '1",
    "$$ $tag$ %s %(image_id)s {} \\ \\x00 \\n E'\\''",
    "Grüße aus Köln: Äpfel, Öl, Übermaß, ß",
    "🎬 Kamerafahrt 🌅✨ — „Anführungszeichen“ 👩🏽‍🎤",
    "שלום مرحبا 你好 \U0001d11e \u200b zero-width",
    "line one\nline two\r\n\ttabbed   trailing spaces   ",
]


@pytest.mark.parametrize("text", VERBATIM)
async def test_text_is_stored_and_returned_verbatim(
    text: str, store: Store, world: World, admin: Conn
) -> None:
    me = world.scope("owner")
    created = await store.create_variant(
        me, world.alice_image, {"prompt_text": text, "user_instruction": text[:500]}, model_name="m"
    )
    assert (created.prompt_text, created.user_instruction) == (text, text[:500])
    assert (await store.get_variant(me, created.id)).prompt_text == text
    stored = admin.execute(
        "select prompt_text, user_instruction from public.video_prompts where id = %s",
        [created.id],
    ).fetchone()
    assert stored == (text, text[:500])
    image = await store.create_image(me, url=text, storage_path=text, metadata={"caption": text})
    assert (image.url, image.storage_path, image.metadata) == (text, text, {"caption": text})


async def test_limits_count_characters_not_bytes(store: Store, world: World) -> None:
    me = world.scope("owner")
    longest = await store.create_variant(
        me,
        world.alice_image,
        VariantInputs(prompt_text="ü" * 1999 + "🎬", user_instruction="🎬" * 500),
        model_name="m",
    )
    assert (len(longest.prompt_text), len(longest.user_instruction or "")) == (2000, 500)


BAD_CREATES: list[tuple[str, dict[str, Any]]] = [
    ("camera_style", {"camera_style": "static"}),
    ("camera_style", {"camera_style": "Cinematic"}),
    ("camera_style", {"camera_style": ""}),
    ("film_effects", {"film_effects": ["sepia"]}),
    ("film_effects", {"film_effects": ["noir", "noir"]}),
    ("film_effects", {"film_effects": ["noir", "soft", "dreamy", "dramatic"]}),
    ("film_effects", {"film_effects": "noir"}),
    ("user_instruction", {"user_instruction": "x" * 501}),
    ("user_instruction", {"user_instruction": "🎬" * 501}),
    ("user_instruction", {"user_instruction": "nul \x00 byte"}),
    ("prompt_text", {"prompt_text": "x" * 2001}),
    ("prompt_text", {"prompt_text": "half a surrogate \ud83c"}),
    ("prompt_text", {"prompt_text": 42}),
    ("model_name", {"model_name": "  "}),
    ("status", {"status": "completed"}),
]


@pytest.mark.parametrize(("field", "change"), BAD_CREATES)
async def test_a_bad_variant_is_refused_and_nothing_is_written(
    field: str, change: dict[str, Any], store: Store, world: World, admin: Conn
) -> None:
    before = rows_of(admin, world.alice)
    arguments: dict[str, Any] = {"model_name": "m"} | {
        key: change.pop(key) for key in ("model_name", "status") if key in change
    }
    with pytest.raises(InvalidInput) as refused:
        await store.create_variant(world.scope("owner"), world.alice_image, change, **arguments)
    assert refused.value.field == field
    assert rows_of(admin, world.alice) == before


BAD_EDITS: list[tuple[str | None, dict[str, Any]]] = [
    ("camera_style", {"camera_style": "static"}),
    ("film_effects", {"film_effects": ["noir", "soft", "dreamy", "golden_hour"]}),
    ("user_instruction", {"user_instruction": "x" * 501}),
    ("prompt_text", {"prompt_text": "x" * 2001}),
    ("status", {"status": "completed"}),
    ("user_id", {"user_id": str(uuid.uuid4())}),
    ("is_primary", {"is_primary": True}),
    (None, {}),
]


@pytest.mark.parametrize(("field", "edit"), BAD_EDITS)
async def test_a_bad_edit_is_refused_and_nothing_changes(
    field: str | None, edit: dict[str, Any], store: Store, world: World, admin: Conn
) -> None:
    before = rows_of(admin, world.alice)
    with pytest.raises(InvalidInput) as refused:
        await store.update_variant(world.scope("owner"), world.draft, edit)
    assert refused.value.field == field
    assert rows_of(admin, world.alice) == before


async def test_unknown_values_are_refused_with_the_allowed_ones(store: Store, world: World) -> None:
    me = world.scope("owner")
    with pytest.raises(InvalidInput) as camera:
        await store.create_variant(
            me, world.alice_image, {"camera_style": "static"}, model_name="m"
        )
    with pytest.raises(InvalidInput) as effect:
        await store.create_variant(
            me, world.alice_image, {"film_effects": ["sepia"]}, model_name="m"
        )
    assert all(key in camera.value.message for key in CAMERA_STYLES)
    assert all(key in effect.value.message for key in FILM_EFFECTS)


@pytest.mark.parametrize("camera_style", list(CAMERA_STYLES))
async def test_the_database_accepts_every_camera_style(
    camera_style: str, store: Store, world: World
) -> None:
    created = await store.create_variant(
        world.scope("owner"), world.alice_image, {"camera_style": camera_style}, model_name="m"
    )
    assert created.camera_style == camera_style


async def test_the_database_accepts_every_film_effect(store: Store, world: World) -> None:
    me = world.scope("owner")
    for effect in FILM_EFFECTS:
        created = await store.create_variant(
            me, world.alice_image, {"film_effects": [effect]}, model_name="m"
        )
        assert created.film_effects == [effect]
    three = await store.create_variant(
        me, world.alice_image, {"film_effects": ["noir", "soft", "dreamy"]}, model_name="m"
    )
    assert three.film_effects == ["noir", "soft", "dreamy"]


async def test_the_default_camera_is_stored_as_statisch(store: Store, world: World) -> None:
    created = await store.create_variant(world.scope("owner"), world.alice_image, model_name="m")
    assert (created.camera_style, created.film_effects) == ("statisch", [])


async def test_a_database_rule_surfaces_as_invalid_input_for_its_field(
    store: Store, world: World, admin: Conn
) -> None:
    """Emptying a completed prompt passes the input rules but not the table's check."""
    before = rows_of(admin, world.alice)
    with pytest.raises(InvalidInput) as refused:
        await store.update_variant(world.scope("owner"), world.completed, {"prompt_text": " "})
    assert refused.value.field == "prompt_text"
    assert rows_of(admin, world.alice) == before


async def test_an_image_in_another_users_collection_is_refused_as_not_found(
    store: Store, world: World, admin: Conn
) -> None:
    row = admin.execute(
        "insert into public.collections (user_id, name) values (%s, 'Bob''s') returning id",
        [world.bob],
    ).fetchone()
    assert row is not None
    with pytest.raises(NotFound, match="Collection"):
        await store.create_image(
            world.scope("owner"), url="u", storage_path="p", collection_id=row[0]
        )


async def test_the_service_creating_for_an_unknown_user_is_refused(store: Store) -> None:
    with pytest.raises(NotFound, match="User"):
        await store.create_image(Scope.service(), url="u", storage_path="p", owner=uuid.uuid4())


# Lone surrogates, as JSON can spell them (F8): in a key, and deep in a value.
LONE_KEY = {"\ud800": 1}
LONE = {"a": ["\udfff"]}


@pytest.mark.parametrize(
    ("field", "call"),
    [
        ("type", lambda s, me: s.create_image(me, url="u", storage_path="p", type="video")),
        ("url", lambda s, me: s.create_image(me, url="", storage_path="p")),
        ("metadata", lambda s, me: s.create_image(me, url="u", storage_path="p", metadata={1j: 1})),
        (
            "metadata",
            lambda s, me: s.create_image(me, url="u", storage_path="p", metadata=LONE_KEY),
        ),
        ("metadata", lambda s, me: s.create_image(me, url="u", storage_path="p", metadata=LONE)),
        ("limit", lambda s, me: s.list_images(me, limit=0)),
        ("limit", lambda s, me: s.list_images(me, limit=101)),
        ("after", lambda s, me: s.list_images(me, after="not a cursor")),
        ("after", lambda s, me: s.list_images(me, after="WyJ4IiwgMV0")),
        ("owner", lambda s, me: s.list_images(Scope.service())),
    ],
)
async def test_other_bad_input_names_its_field(
    field: str, call: Any, store: Store, world: World
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await call(store, world.scope("owner"))
    assert refused.value.field == field
