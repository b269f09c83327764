"""An image's variants in keyset pages: same order, positions across pages, an index range."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import psycopg
import pytest
from pydantic import ValidationError

from tests._support import acting_as, create_image, create_prompt, create_user
from vidprompt.database import Scope
from vidprompt.errors import InvalidInput, NotFound
from vidprompt.prompts import Variant
from vidprompt.prompts._models import encode_cursor, with_columns
from vidprompt.prompts._queries import queries

if TYPE_CHECKING:
    import uuid

    from tests._support import Conn
    from vidprompt.prompts import Store

pytestmark = pytest.mark.anyio


def _variants(admin: Conn, owner: uuid.UUID, image: uuid.UUID, count: int) -> list[uuid.UUID]:
    """``count`` variants; several in one transaction share created_at, so seq decides."""
    with admin.transaction():
        return [create_prompt(admin, owner, image, f"v{n}") for n in range(count)]


async def test_pages_walk_every_variant_once_in_order(admin: Conn, store: Store) -> None:
    alice = create_user(admin)
    image = create_image(admin, alice)
    made = _variants(admin, alice, image, 7) + _variants(admin, alice, image, 5)
    me, seen, after = Scope.user(alice), [], None
    while True:
        page = await store.page_variants(me, image, limit=5, after=after)
        assert page.total == 12
        seen += [(v.id, v.position, v.total) for v in page.items]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == [(variant, n, 12) for n, variant in enumerate(made, start=1)]
    assert [v.id for v in await store.list_variants(me, image)] == made


async def test_a_pages_plain_rows_are_its_variants_values(admin: Conn, store: Store) -> None:
    alice = create_user(admin)
    image = create_image(admin, alice)
    _variants(admin, alice, image, 3)
    admin.execute(
        "update public.video_prompts set user_instruction = 'lächeln', film_effects ="
        " '{noir,golden_hour}', camera_style = 'orbit', status = 'failed', error_code = 'blocked',"
        " error_message = 'Refused.', is_primary = null where image_id = %s",
        [image],
    )
    me = Scope.user(alice)
    rows = await store.page_variant_rows(me, image, limit=2)
    page = await store.page_variants(me, image, limit=2)
    assert [list(row) for row in rows.items] == [list(Variant.model_fields)] * 2
    assert [Variant.model_validate(row) for row in rows.items] == page.items
    assert (rows.total, rows.next_cursor) == (page.total, page.next_cursor)
    assert rows.total == 3
    assert rows.next_cursor is not None


@pytest.mark.parametrize("effects", ["{{noir},{soft}}", "{{noir,soft}}"])
async def test_a_nested_effects_array_is_refused_as_the_models_refuse_it(
    admin: Conn, store: Store, effects: str
) -> None:
    """The table's check bounds the effects' vocabulary and count, not the array's
    dimensions: the owner may store a nested one, which no page may show."""
    alice = create_user(admin)
    image = create_image(admin, alice)
    (variant,) = _variants(admin, alice, image, 1)
    update = "update public.video_prompts set film_effects = %s where id = %s"
    with acting_as(admin, "authenticated", alice):  # the owner may, through the Data API
        assert admin.execute(update, [effects, variant]).rowcount == 1
    admin.execute(update, [effects, variant])  # kept, this time
    me = Scope.user(alice)
    for page in (store.page_variant_rows, store.page_variants):
        with pytest.raises(ValidationError, match="film_effects"):
            await page(me, image)


def test_a_column_the_generated_types_lack_is_not_read(admin: Conn, schema_url: str) -> None:
    """A column a team adds to video_prompts (a note of its own) stays out of the plain rows
    until the types are regenerated, as it stays out of the models."""
    alice = create_user(admin)
    image = create_image(admin, alice)
    _variants(admin, alice, image, 1)
    params = {"image_id": image, "limit": 50, "created_at": "-infinity", "seq": -(2**63)}
    with psycopg.connect(schema_url) as conn:
        conn.execute("alter table public.video_prompts add column internal_note text")
        with acting_as(conn, "authenticated", alice):
            cursor = conn.execute(with_columns(queries()["page_variants"]), params)
            columns = [column.name for column in cursor.description or []]
        conn.rollback()
    assert columns == [*Variant.model_fields][:-1]  # all but total, which the store adds
    assert "internal_note" not in columns


async def test_a_deleted_variant_does_not_shift_the_next_page(admin: Conn, store: Store) -> None:
    alice = create_user(admin)
    image = create_image(admin, alice)
    made = _variants(admin, alice, image, 4)
    me = Scope.user(alice)
    first = await store.page_variants(me, image, limit=2)
    await store.delete_variant(me, made[0])
    second = await store.page_variants(me, image, limit=2, after=first.next_cursor)
    assert [(v.id, v.position, v.total) for v in second.items] == [(made[2], 2, 3), (made[3], 3, 3)]
    assert second.next_cursor is None


async def test_an_image_without_variants_is_one_empty_page(admin: Conn, store: Store) -> None:
    alice = create_user(admin)
    page = await store.page_variants(Scope.user(alice), create_image(admin, alice))
    assert (page.items, page.total, page.next_cursor) == ([], 0, None)


async def test_another_user_s_image_is_not_found_on_every_page(admin: Conn, store: Store) -> None:
    alice, bob = create_user(admin), create_user(admin)
    image = create_image(admin, alice)
    made = _variants(admin, alice, image, 3)
    first = await store.page_variants(Scope.user(alice), image, limit=1)
    assert [v.id for v in first.items] == made[:1]
    for after in (None, first.next_cursor):
        with pytest.raises(NotFound, match="Image"):
            await store.page_variants(Scope.user(bob), image, limit=1, after=after)


@pytest.mark.parametrize("limit", [0, 201, True])
async def test_the_page_size_is_bounded(admin: Conn, store: Store, limit: int) -> None:
    alice = create_user(admin)
    with pytest.raises(InvalidInput) as refused:
        await store.page_variants(Scope.user(alice), create_image(admin, alice), limit=limit)
    assert refused.value.field == "limit"


@pytest.mark.parametrize(
    "after", ["garbage", "WyJ4IiwgMV0", "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwgImEiXQ"]
)
async def test_a_forged_cursor_is_invalid_input(admin: Conn, store: Store, after: str) -> None:
    alice = create_user(admin)
    with pytest.raises(InvalidInput) as refused:
        await store.page_variants(Scope.user(alice), create_image(admin, alice), after=after)
    assert refused.value.field == "after"


def test_a_page_is_an_index_range_without_sort_or_offset(admin: Conn, schema_url: str) -> None:
    alice = create_user(admin)
    image = create_image(admin, alice)
    made = _variants(admin, alice, image, 300)
    for owner in (alice, create_user(admin)):  # other images' variants: most of the table
        admin.execute(
            "insert into public.video_prompts (image_id, user_id, prompt_text, model_name)"
            " select %s, %s, 'other', 'm' from generate_series(1, 3000)",
            [create_image(admin, owner), owner],
        )
    admin.execute("analyze public.video_prompts")
    row = admin.execute(
        "select created_at, seq from public.video_prompts where id = %s", [made[99]]
    ).fetchone()
    assert row is not None
    params = {"image_id": image, "limit": 50, "created_at": row[0], "seq": row[1]}
    query = with_columns(queries()["page_variants"])
    with psycopg.connect(schema_url) as conn, acting_as(conn, "authenticated", alice):
        plan = conn.execute(b"explain (format json) " + query, params).fetchone()
        page = conn.execute(query, params).fetchall()
    assert plan is not None
    text = json.dumps(plan[0])
    assert '"Sort"' not in text
    assert "video_prompts_image_id" in text
    assert '"Seq Scan"' not in text
    assert len(page) == 50
    assert encode_cursor(row[0], row[1])  # the cursor is the key the query continues from
