"""Who sees and changes what, with the roles and claims Supabase's Data API uses.

Each rule is checked from both sides: the owner can, another user cannot.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg
import pytest

from tests._support import Conn, acting_as, create_image, create_prompt, create_user


@dataclass(frozen=True)
class World:
    alice: uuid.UUID
    bob: uuid.UUID
    alice_image: uuid.UUID
    bob_image: uuid.UUID
    alice_prompt: uuid.UUID


@pytest.fixture
def world(admin: Conn) -> World:
    alice, bob = create_user(admin), create_user(admin)
    alice_image, bob_image = create_image(admin, alice), create_image(admin, bob)
    return World(alice, bob, alice_image, bob_image, create_prompt(admin, alice, alice_image))


def _visible(conn: Conn) -> list[uuid.UUID]:
    return [row[0] for row in conn.execute("select id from video_prompts").fetchall()]


def _insert(conn: Conn, image: uuid.UUID, user: uuid.UUID) -> None:
    conn.execute(
        "insert into video_prompts (image_id, user_id, prompt_text, model_name)"
        " values (%s, %s, 'x', 'm')",
        [image, user],
    )


def test_the_owner_sees_updates_and_deletes_their_prompt(admin: Conn, world: World) -> None:
    with acting_as(admin, "authenticated", world.alice) as conn:
        assert _visible(conn) == [world.alice_prompt]
        updated = conn.execute(
            "update video_prompts set prompt_text = 'mine' where id = %s", [world.alice_prompt]
        )
        assert updated.rowcount == 1
        deleted = conn.execute("delete from video_prompts where id = %s", [world.alice_prompt])
        assert deleted.rowcount == 1


def test_another_user_sees_nothing_and_changes_nothing(admin: Conn, world: World) -> None:
    with acting_as(admin, "authenticated", world.bob) as conn:
        assert _visible(conn) == []
        updated = conn.execute(
            "update video_prompts set prompt_text = 'stolen' where id = %s", [world.alice_prompt]
        )
        deleted = conn.execute("delete from video_prompts where id = %s", [world.alice_prompt])
        assert (updated.rowcount, deleted.rowcount) == (0, 0)
    row = admin.execute(
        "select prompt_text from video_prompts where id = %s", [world.alice_prompt]
    ).fetchone()
    assert row == ("A slow push-in.",)


def test_the_owner_can_insert_for_their_own_image(admin: Conn, world: World) -> None:
    with acting_as(admin, "authenticated", world.alice) as conn:
        _insert(conn, world.alice_image, world.alice)
        assert len(_visible(conn)) == 2


def test_inserting_with_another_users_id_is_refused(admin: Conn, world: World) -> None:
    with (
        acting_as(admin, "authenticated", world.bob) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"),
    ):
        _insert(conn, world.alice_image, world.alice)


def _insert_error(admin: Conn, world: World, image: uuid.UUID) -> tuple[str | None, str, str]:
    with (
        acting_as(admin, "authenticated", world.bob) as conn,
        pytest.raises(psycopg.errors.ForeignKeyViolation) as caught,
    ):
        _insert(conn, image, world.bob)
    diag = caught.value.diag
    detail = (diag.message_detail or "").replace(str(image), "<image>")
    return diag.constraint_name, diag.message_primary or "", detail


def test_another_users_image_fails_exactly_like_a_missing_one(admin: Conn, world: World) -> None:
    foreign = _insert_error(admin, world, world.alice_image)
    missing = _insert_error(admin, world, uuid.uuid4())
    assert foreign == missing
    assert foreign[0] == "video_prompts_image_id_user_id_fkey"


def test_the_owning_rule_holds_for_the_service_role_too(admin: Conn, world: World) -> None:
    with (
        acting_as(admin, "service_role") as conn,
        pytest.raises(psycopg.errors.ForeignKeyViolation),
    ):
        _insert(conn, world.alice_image, world.bob)


def test_an_update_cannot_hand_a_prompt_to_another_user(admin: Conn, world: World) -> None:
    with (
        acting_as(admin, "authenticated", world.alice) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(
            "update video_prompts set user_id = %s where id = %s", [world.bob, world.alice_prompt]
        )


def test_anon_can_neither_read_nor_write(admin: Conn, world: World) -> None:
    for statement in (
        "select id from video_prompts",
        "select id from images",
        "delete from video_prompts",
    ):
        with (
            acting_as(admin, "anon") as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute(statement.encode())
    with acting_as(admin, "anon") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        _insert(conn, world.alice_image, world.alice)


def test_authenticated_without_a_sub_sees_nothing(admin: Conn, world: World) -> None:
    with acting_as(admin, "authenticated") as conn:
        assert _visible(conn) == []


def test_the_service_role_sees_every_users_prompts(admin: Conn, world: World) -> None:
    bob_prompt = create_prompt(admin, world.bob, world.bob_image)
    with acting_as(admin, "service_role") as conn:
        assert sorted(_visible(conn)) == sorted([world.alice_prompt, bob_prompt])


def test_images_are_owner_only_as_well(admin: Conn, world: World) -> None:
    with acting_as(admin, "authenticated", world.bob) as conn:
        images = [row[0] for row in conn.execute("select id from images").fetchall()]
        assert images == [world.bob_image]
        deleted = conn.execute("delete from images where id = %s", [world.alice_image])
        assert deleted.rowcount == 0


def test_an_image_cannot_be_filed_in_another_users_collection(admin: Conn, world: World) -> None:
    row = admin.execute(
        "insert into collections (user_id, name) values (%s, 'Alice''s') returning id",
        [world.alice],
    ).fetchone()
    assert row is not None
    with (
        acting_as(admin, "authenticated", world.bob) as conn,
        pytest.raises(psycopg.errors.ForeignKeyViolation),
    ):
        conn.execute(
            "insert into images (user_id, collection_id, url, storage_path, type)"
            " values (%s, %s, 'u', 'p', 'source')",
            [world.bob, row[0]],
        )
