"""As ``authenticated`` at the Postgres level, nobody chooses a primary key (F10).

Unique checks bypass row-level security like foreign-key checks: if a user could insert a
row with an id of their choosing, "duplicate key" versus success would tell whether another
user's image, variant or collection has that id. The database picks every id; a chosen one
is refused with the same error whether or not it exists, and normal inserts still work.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import errors as pg

from tests._support import acting_as, create_image, create_prompt, create_user

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tests._support import Conn

# For each table: a row as its owner %(me)s may insert it, without the id.
_ROWS = {
    "collections": ("user_id, name", "%(me)s, 'mine'"),
    "images": ("user_id, url, storage_path, type", "%(me)s, 'https://x.test/a.png', 'a', 'source'"),
    "video_prompts": ("image_id, user_id, prompt_text, model_name", "%(image)s, %(me)s, 'x', 'm'"),
}


def _others_ids(admin: Conn, bob: uuid.UUID) -> dict[str, uuid.UUID]:
    image = create_image(admin, bob)
    row = admin.execute(
        "insert into public.collections (user_id, name) values (%s, 'b') returning id", [bob]
    ).fetchone()
    assert row is not None
    return {
        "collections": row[0],
        "images": image,
        "video_prompts": create_prompt(admin, bob, image),
    }


def _error(conn: Conn, sql: str, params: Mapping[str, object], alice: uuid.UUID) -> tuple[str, str]:
    with pytest.raises(psycopg.Error) as refused, acting_as(conn, "authenticated", alice):
        conn.execute(sql.encode(), params)
    return type(refused.value).__name__, str(refused.value.diag.message_primary)


@pytest.mark.parametrize("table", list(_ROWS))
def test_a_chosen_id_fails_the_same_whether_another_user_has_it_or_not(
    admin: Conn, schema_url: str, table: str
) -> None:
    alice, bob = create_user(admin), create_user(admin)
    taken = _others_ids(admin, bob)[table]
    params: dict[str, object] = {"me": alice, "image": create_image(admin, alice)}
    columns, values = _ROWS[table]
    insert = f"insert into public.{table} (id, {columns}) values (%(id)s, {values})"
    upsert = insert + " on conflict (id) do nothing"
    with psycopg.connect(schema_url) as conn:
        for sql in (insert, upsert):
            existing = _error(conn, sql, params | {"id": taken}, alice)
            missing = _error(conn, sql, params | {"id": uuid.uuid4()}, alice)
            assert existing == missing
            assert existing[0] == pg.InsufficientPrivilege.__name__


@pytest.mark.parametrize("table", list(_ROWS))
def test_an_owner_cannot_move_a_row_to_a_chosen_id(
    admin: Conn, schema_url: str, table: str
) -> None:
    alice, bob = create_user(admin), create_user(admin)
    taken, mine = _others_ids(admin, bob)[table], _others_ids(admin, alice)[table]
    sql = f"update public.{table} set id = %(id)s where id = %(mine)s"
    with psycopg.connect(schema_url) as conn:
        existing = _error(conn, sql, {"id": taken, "mine": mine}, alice)
        missing = _error(conn, sql, {"id": uuid.uuid4(), "mine": mine}, alice)
    assert existing == missing
    assert existing[0] == pg.InsufficientPrivilege.__name__


@pytest.mark.parametrize("table", list(_ROWS))
def test_the_owner_still_inserts_and_edits_with_the_database_s_id(
    admin: Conn, schema_url: str, table: str
) -> None:
    alice = create_user(admin)
    params = {"me": alice, "image": create_image(admin, alice)}
    columns, values = _ROWS[table]
    with psycopg.connect(schema_url) as conn, acting_as(conn, "authenticated", alice):
        row = conn.execute(
            f"insert into public.{table} ({columns}) values ({values}) returning id".encode(),
            params,
        ).fetchone()
        assert row is not None
        assert isinstance(row[0], uuid.UUID)
        edited = conn.execute(
            f"update public.{table} set created_at = now() where id = %s returning id".encode(),
            [row[0]],
        ).fetchone()
        assert edited == row


def test_the_order_key_seq_is_the_database_s(admin: Conn, schema_url: str) -> None:
    """Even with OVERRIDING SYSTEM VALUE, a user cannot place a variant in the order."""
    alice = create_user(admin)
    sql = (
        "insert into public.video_prompts (seq, image_id, user_id, prompt_text, model_name)"
        " overriding system value values (1, %(image)s, %(me)s, 'x', 'm')"
    )
    params = {"image": create_image(admin, alice), "me": alice}
    with psycopg.connect(schema_url) as conn:
        kind, _ = _error(conn, sql, params, alice)
    assert kind == pg.InsufficientPrivilege.__name__
