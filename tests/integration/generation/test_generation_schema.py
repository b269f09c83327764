"""profiles and generation_jobs under row-level security: the owner can, others cannot."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg.rows import TupleRow

from tests._support import acting_as
from tests.integration.generation._world import enqueue, make_settings, owner_with_image, rows
from vidprompt.generation import KeyCipher, new_server_key

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


Conn = psycopg.Connection[TupleRow]


@pytest.fixture
def conn(schema_url: str) -> Iterator[Conn]:
    with psycopg.connect(schema_url, autocommit=True) as connection:
        yield connection


def test_a_profile_is_its_owners_alone(schema_url: str, conn: Conn) -> None:
    owner = owner_with_image(schema_url)
    other = owner_with_image(schema_url)
    with acting_as(conn, "authenticated", owner.user_id):
        conn.execute(
            "insert into public.profiles (id, full_name) values (%s, 'Ada')", [owner.user_id]
        )
        assert conn.execute("select full_name from public.profiles").fetchall() == [("Ada",)]
    conn.execute("insert into public.profiles (id, full_name) values (%s, 'Ada')", [owner.user_id])

    with acting_as(conn, "authenticated", other.user_id):
        assert conn.execute("select * from public.profiles").fetchall() == []
        changed = conn.execute("update public.profiles set full_name = 'Mallory'")
        assert changed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("insert into public.profiles (id) values (%s)", [owner.user_id])
    with acting_as(conn, "authenticated", owner.user_id):
        assert conn.execute("update public.profiles set full_name = 'Ada L.'").rowcount == 1
    with acting_as(conn, "anon"), pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select * from public.profiles")


def test_only_vidprompt_writes_the_api_key_and_only_encrypted(schema_url: str, conn: Conn) -> None:
    owner = owner_with_image(schema_url)
    conn.execute("insert into public.profiles (id) values (%s)", [owner.user_id])
    with (
        acting_as(conn, "authenticated", owner.user_id),
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("update public.profiles set gemini_api_key = 'v1.x'")
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("update public.profiles set gemini_api_key = 'AIzaSyPlaintextKey'")

    sealed = KeyCipher(new_server_key()).encrypt("AIzaSyPlaintextKey", owner.user_id)
    with acting_as(conn, "service_role"):
        assert (
            conn.execute("update public.profiles set gemini_api_key = %s", [sealed]).rowcount == 1
        )
    conn.execute("update public.profiles set gemini_api_key = %s", [sealed])
    with acting_as(conn, "authenticated", owner.user_id):
        [(seen,)] = conn.execute("select gemini_api_key from public.profiles").fetchall()
    assert seen == sealed
    assert "AIza" not in seen


def test_jobs_are_visible_to_their_owner_and_writable_by_no_user(
    schema_url: str, conn: Conn
) -> None:
    owner = owner_with_image(schema_url)
    other = owner_with_image(schema_url)
    [variant] = asyncio.run(enqueue(schema_url, make_settings(), owner))

    with acting_as(conn, "authenticated", owner.user_id):
        assert conn.execute("select variant_id, state from public.generation_jobs").fetchall() == [
            (variant.id, "queued")
        ]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update public.generation_jobs set state = 'succeeded'")
    with (
        acting_as(conn, "authenticated", owner.user_id),
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(
            "insert into public.generation_jobs (variant_id, user_id) values (%s, %s)",
            [variant.id, owner.user_id],
        )
    with acting_as(conn, "authenticated", other.user_id):
        assert conn.execute("select * from public.generation_jobs").fetchall() == []
    with acting_as(conn, "anon"), pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select * from public.generation_jobs")


def test_deleting_the_image_deletes_its_variants_and_jobs(schema_url: str, conn: Conn) -> None:
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, make_settings(), owner, 2))

    conn.execute("delete from public.images where id = %s", [owner.image_id])

    assert rows(schema_url, "select count(*) from public.generation_jobs") == [(0,)]
    assert rows(schema_url, "select count(*) from public.video_prompts") == [(0,)]


def test_storage_objects_are_their_folders_owners_alone(
    schema_url: str, conn: Conn, tmp_path: Path
) -> None:
    owner = owner_with_image(schema_url, tmp_path)
    other = owner_with_image(schema_url, tmp_path)
    mine = f"{owner.user_id}/i.png"
    select = "select name from storage.objects order by name"

    with acting_as(conn, "authenticated", owner.user_id):
        assert conn.execute(select).fetchall() == [(mine,)]
    with acting_as(conn, "authenticated", other.user_id):
        assert conn.execute(select).fetchall() == [(f"{other.user_id}/i.png",)]
        changed = conn.execute(
            "update storage.objects set name = name || '.stolen' where name = %s", [mine]
        )
        assert changed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "insert into storage.objects (bucket_id, name) values ('generated_images', %s)",
                [f"{owner.user_id}/planted.png"],
            )
    with acting_as(conn, "anon"):
        assert conn.execute(select).fetchall() == []
