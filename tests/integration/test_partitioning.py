"""video_prompts partitioned by hash of user_id keeps every rule of the unpartitioned table.

The DDL under test is the one docs/scaling.md shows (its block marked as tested), run on
a database with the Supabase layer and the app's image tables, so the document cannot
drift from what works. Security rules are checked from both sides.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import errors

from tests._support import Conn, acting_as, create_image, create_user
from tests.conftest import REPO
from vidprompt.migrations import discover, push

if TYPE_CHECKING:
    import uuid
    from collections.abc import Iterator

PARTITIONS = [f"video_prompts_p{number}" for number in range(4)]
_TESTED_BLOCK = re.compile(
    r"<!-- tested: partitioned video_prompts -->\s*```sql\n(.*?)```", re.DOTALL
)


def partitioned_ddl() -> str:
    found = _TESTED_BLOCK.search((REPO / "docs" / "scaling.md").read_text(encoding="utf-8"))
    assert found, "docs/scaling.md lost its tested DDL block"
    return found.group(1)


@pytest.fixture
def admin(layer_url: str) -> Iterator[Conn]:
    """Superuser connection to a database holding the partitioned table (and no other)."""
    with psycopg.connect(layer_url, autocommit=True) as conn:
        images = [
            m for m in discover(REPO).migrations if m.name == "create_image_generation_tables"
        ]
        push(conn, images)
        conn.execute(partitioned_ddl().encode())
        yield conn


def _insert(conn: Conn, image: uuid.UUID, user: uuid.UUID, *, primary: bool = False) -> uuid.UUID:
    row = conn.execute(
        "insert into video_prompts (image_id, user_id, prompt_text, model_name, is_primary)"
        " values (%s, %s, 'A slow push-in.', 'test-model', %s) returning id",
        [image, user, primary],
    ).fetchone()
    assert row is not None
    variant: uuid.UUID = row[0]
    return variant


def _visible(conn: Conn) -> list[uuid.UUID]:
    return [row[0] for row in conn.execute("select id from video_prompts").fetchall()]


def test_a_users_variants_share_one_partition_and_users_spread(admin: Conn) -> None:
    users = [create_user(admin) for _ in range(12)]
    for user in users:
        image = create_image(admin, user)
        for _ in range(3):
            _insert(admin, image, user)
    placement = admin.execute(
        "select user_id, array_agg(distinct tableoid::regclass::text) from video_prompts"
        " group by user_id"
    ).fetchall()
    assert all(len(partitions) == 1 for _, partitions in placement)
    assert len({partitions[0] for _, partitions in placement}) > 1


def test_the_owner_reads_changes_and_deletes_their_variants(admin: Conn) -> None:
    alice = create_user(admin)
    image = create_image(admin, alice)
    with acting_as(admin, "authenticated", alice) as conn:
        variant = _insert(conn, image, alice)
        assert _visible(conn) == [variant]
        edit = conn.execute(
            "update video_prompts set prompt_text = 'Mine.' where id = %s", [variant]
        )
        assert edit.rowcount == 1
        assert conn.execute("delete from video_prompts where id = %s", [variant]).rowcount == 1


def test_another_user_sees_changes_and_attaches_nothing(admin: Conn) -> None:
    alice, bob = create_user(admin), create_user(admin)
    alice_image = create_image(admin, alice)
    variant = _insert(admin, alice_image, alice)
    with acting_as(admin, "authenticated", bob) as conn:
        assert _visible(conn) == []
        edit = conn.execute(
            "update video_prompts set prompt_text = 'Stolen.' where id = %s", [variant]
        )
        assert edit.rowcount == 0
        assert conn.execute("delete from video_prompts where id = %s", [variant]).rowcount == 0
    with acting_as(admin, "authenticated", bob) as conn, pytest.raises(errors.ForeignKeyViolation):
        _insert(conn, alice_image, bob)  # bob's own user_id on alice's image
    with (
        acting_as(admin, "authenticated", bob) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        _insert(conn, alice_image, alice)  # posing as alice: the policy's WITH CHECK
    assert admin.execute("select count(*) from video_prompts").fetchone() == (1,)


@pytest.mark.parametrize("partition", PARTITIONS)
def test_no_user_can_read_a_partition_directly(admin: Conn, partition: str) -> None:
    alice = create_user(admin)
    _insert(admin, create_image(admin, alice), alice)
    with acting_as(admin, "authenticated", alice) as conn:
        assert len(_visible(conn)) == 1  # through the parent: yes
    for role in ("authenticated", "anon"):
        with acting_as(admin, role, alice) as conn, pytest.raises(errors.InsufficientPrivilege):
            conn.execute(f"select * from public.{partition}")


def test_deleting_an_image_or_a_user_cascades_into_the_partitions(admin: Conn) -> None:
    alice, bob = create_user(admin), create_user(admin)
    alice_image, bob_image = create_image(admin, alice), create_image(admin, bob)
    kept = create_image(admin, alice)
    for image, user in (
        (alice_image, alice),
        (alice_image, alice),
        (kept, alice),
        (bob_image, bob),
    ):
        _insert(admin, image, user)
    admin.execute("delete from images where id = %s", [alice_image])
    assert admin.execute(
        "select image_id, count(*) from video_prompts where user_id = %s group by image_id",
        [alice],
    ).fetchall() == [(kept, 1)]
    admin.execute("delete from auth.users where id = %s", [bob])
    assert admin.execute(
        "select count(*) from video_prompts where user_id = %s", [bob]
    ).fetchone() == (0,)


def test_a_reference_to_a_variant_names_its_user_and_cascades(admin: Conn) -> None:
    with pytest.raises(errors.InvalidForeignKey):
        admin.execute(
            "create table jobs_by_id (variant_id uuid not null unique"
            " references public.video_prompts (id) on delete cascade)"
        )
    admin.execute(
        """
        create table public.generation_jobs (
          id bigint generated always as identity primary key,
          variant_id uuid not null unique,
          user_id uuid not null references auth.users (id) on delete cascade,
          constraint generation_jobs_variant_id_user_id_fkey foreign key (variant_id, user_id)
            references public.video_prompts (id, user_id) on delete cascade
        )
        """
    )
    alice = create_user(admin)
    variant = _insert(admin, create_image(admin, alice), alice)
    admin.execute(
        "insert into generation_jobs (variant_id, user_id) values (%s, %s)", [variant, alice]
    )
    admin.execute("delete from video_prompts where id = %s", [variant])
    assert admin.execute("select count(*) from generation_jobs").fetchone() == (0,)


def test_an_image_keeps_at_most_one_primary_variant(admin: Conn) -> None:
    alice = create_user(admin)
    image, other_image = create_image(admin, alice), create_image(admin, alice)
    with acting_as(admin, "authenticated", alice) as conn:
        first = _insert(conn, image, alice, primary=True)
        _insert(conn, other_image, alice, primary=True)  # another image: its own primary
        second = _insert(conn, image, alice)
        with pytest.raises(errors.UniqueViolation), conn.transaction():
            conn.execute("update video_prompts set is_primary = true where id = %s", [second])
        conn.execute("update video_prompts set is_primary = false where id = %s", [first])
        conn.execute("update video_prompts set is_primary = true where id = %s", [second])
        primaries = conn.execute(
            "select id from video_prompts where image_id = %s and is_primary", [image]
        ).fetchall()
        assert primaries == [(second,)]


def test_variants_keep_their_creation_order(admin: Conn) -> None:
    alice = create_user(admin)
    image = create_image(admin, alice)
    with admin.transaction():
        together = [_insert(admin, image, alice) for _ in range(3)]  # one now() for all three
    later = _insert(admin, image, alice)
    with acting_as(admin, "authenticated", alice) as conn:
        rows = conn.execute(
            "select id, created_at from video_prompts where image_id = %s order by created_at, seq",
            [image],
        ).fetchall()
    assert [row[0] for row in rows] == [*together, later]
    assert len({row[1] for row in rows[:3]}) == 1  # the tie that seq breaks


def test_a_users_query_runs_on_one_partition(admin: Conn) -> None:
    users = [create_user(admin) for _ in range(12)]
    for user in users:
        _insert(admin, create_image(admin, user), user)
    with acting_as(admin, "authenticated", users[0]) as conn:
        plan = "\n".join(
            row[0]
            for row in conn.execute(
                "explain (analyze, costs off, timing off, summary off)"
                " select * from video_prompts order by created_at desc, seq desc limit 20"
            )
        )
    scans = [line for line in plan.splitlines() if " on video_prompts_p" in line]
    assert len(scans) == len(PARTITIONS)
    assert sum("never executed" not in line for line in scans) == 1


def test_the_partitioned_table_checks_what_the_migrated_table_checks(
    admin: Conn, schema_url: str
) -> None:
    """The document's DDL repeats the table's checks (the vocabulary among them): a migration
    that changes one (a new camera style) is followed there, or this fails. A migration adds
    a check ``not valid`` (no scan under lock); one in ``create table`` is valid, so that
    mark is not compared."""
    checks = (
        "select conname, regexp_replace(pg_get_constraintdef(oid), ' NOT VALID$', '')"
        " from pg_constraint"
        " where conrelid = 'public.video_prompts'::regclass and contype = 'c' order by conname"
    )
    with psycopg.connect(schema_url) as migrated:
        expected = migrated.execute(checks).fetchall()
    assert admin.execute(checks).fetchall() == expected
