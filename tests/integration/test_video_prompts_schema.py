"""The video_prompts table holds what the plan lists, and the database enforces its rules."""

from __future__ import annotations

import psycopg
import pytest

from tests._support import Conn, create_image, create_prompt, create_user

# The plan's column list: (type, default, nullable).
PLAN_COLUMNS = {
    "id": ("uuid", "gen_random_uuid()", False),
    "image_id": ("uuid", None, False),
    "user_id": ("uuid", None, False),
    "prompt_text": ("text", None, False),
    "user_instruction": ("text", None, True),
    "model_name": ("text", None, False),
    "camera_style": ("text", "'statisch'::text", True),
    "film_effects": ("text[]", "'{}'::text[]", True),
    "status": ("text", "'draft'::text", False),
    "is_primary": ("boolean", "false", True),
    "error_code": ("text", None, True),
    "error_message": ("text", None, True),
    "created_at": ("timestamp with time zone", "now()", False),
    "updated_at": ("timestamp with time zone", "now()", False),
}


def _columns(admin: Conn) -> dict[str, tuple[str, str | None, bool, bool]]:
    """Each column's type, default, nullability and whether the database generates it."""
    rows = admin.execute(
        """
        select a.attname, format_type(a.atttypid, a.atttypmod),
               pg_get_expr(d.adbin, d.adrelid), not a.attnotnull, a.attidentity <> ''
        from pg_attribute a
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attrelid = 'public.video_prompts'::regclass and a.attnum > 0
          and not a.attisdropped
        """
    ).fetchall()
    return {
        name: (kind, default, nullable, generated)
        for name, kind, default, nullable, generated in rows
    }


def test_columns_types_defaults_and_nullability_match_the_plan(admin: Conn) -> None:
    columns = _columns(admin)
    assert {name: columns[name][:3] for name in PLAN_COLUMNS if name in columns} == PLAN_COLUMNS


def test_a_column_beyond_the_plan_never_breaks_an_insert_the_plan_allows(admin: Conn) -> None:
    """seq (the order key, generated) and any input added later: nullable, defaulted or
    generated, so the plan's inserts keep working."""
    added = {name: column for name, column in _columns(admin).items() if name not in PLAN_COLUMNS}
    assert added["seq"] == ("bigint", None, False, True)
    refusing = [name for name, (_, default, nullable, generated) in added.items()
                if not (nullable or default is not None or generated)]  # fmt: skip
    assert refusing == []


def test_the_plans_three_indexes_and_the_trigger_exist(admin: Conn) -> None:
    indexes: dict[str, str] = dict(
        admin.execute(
            "select indexname, indexdef from pg_indexes where tablename = 'video_prompts'"
        ).fetchall()
    )
    assert "(image_id, user_id, created_at, seq)" in indexes["video_prompts_image_id_idx"]
    assert "(user_id, created_at DESC, seq DESC)" in indexes["video_prompts_user_id_idx"]
    assert "(image_id, created_at, seq)" in indexes["video_prompts_image_id_created_at_idx"]
    triggers = admin.execute(
        "select tgname from pg_trigger where tgrelid = 'public.video_prompts'::regclass"
        " and not tgisinternal"
    ).fetchall()
    assert triggers == [("update_video_prompts_updated_at",)]


def test_prompt_text_of_2000_characters_is_accepted_and_2001_rejected(admin: Conn) -> None:
    user = create_user(admin)
    image = create_image(admin, user)
    create_prompt(admin, user, image, "ä" * 2000)
    with pytest.raises(psycopg.errors.CheckViolation):
        create_prompt(admin, user, image, "ä" * 2001)


@pytest.mark.parametrize("status", ["draft", "pending", "failed", "completed"])
def test_the_four_statuses_are_accepted(admin: Conn, status: str) -> None:
    user = create_user(admin)
    image = create_image(admin, user)
    admin.execute(
        "insert into video_prompts (image_id, user_id, prompt_text, model_name, status,"
        " error_code) values (%s, %s, 'text', 'm', %s, 'code')",
        [image, user, status],
    )


def test_a_status_outside_the_four_is_rejected(admin: Conn) -> None:
    user = create_user(admin)
    image = create_image(admin, user)
    with pytest.raises(psycopg.errors.CheckViolation):
        admin.execute(
            "insert into video_prompts (image_id, user_id, prompt_text, model_name, status)"
            " values (%s, %s, 'text', 'm', 'done')",
            [image, user],
        )


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("camera_style", "static"),
        ("film_effects", ["noir", "sepia"]),
        ("film_effects", ["noir", "soft", "dreamy", "dramatic"]),
    ],
)
def test_values_outside_the_vocabulary_are_rejected(
    admin: Conn, column: str, value: object
) -> None:
    user = create_user(admin)
    image = create_image(admin, user)
    with pytest.raises(psycopg.errors.CheckViolation):
        admin.execute(
            f"insert into video_prompts (image_id, user_id, prompt_text, model_name, {column})"
            " values (%s, %s, 'text', 'm', %s)".encode(),
            [image, user, value],
        )


def test_the_static_camera_is_stored_as_the_default_statisch(admin: Conn) -> None:
    user = create_user(admin)
    prompt = create_prompt(admin, user, create_image(admin, user))
    row = admin.execute("select camera_style from video_prompts where id = %s", [prompt]).fetchone()
    assert row == ("statisch",)


def test_deleting_an_image_deletes_its_prompts(admin: Conn) -> None:
    user = create_user(admin)
    image, other_image = create_image(admin, user), create_image(admin, user)
    create_prompt(admin, user, image)
    create_prompt(admin, user, image)
    kept = create_prompt(admin, user, other_image)
    admin.execute("delete from images where id = %s", [image])
    assert admin.execute("select id from video_prompts").fetchall() == [(kept,)]


def test_deleting_a_user_deletes_their_images_and_prompts(admin: Conn) -> None:
    user, other = create_user(admin), create_user(admin)
    create_prompt(admin, user, create_image(admin, user))
    other_prompt = create_prompt(admin, other, create_image(admin, other))
    admin.execute("delete from auth.users where id = %s", [user])
    assert admin.execute("select count(*) from images where user_id = %s", [user]).fetchone() == (
        0,
    )
    assert admin.execute("select id from video_prompts").fetchall() == [(other_prompt,)]


def test_variants_list_in_creation_order_even_within_one_transaction(admin: Conn) -> None:
    user = create_user(admin)
    image = create_image(admin, user)
    first = create_prompt(admin, user, image, "first")
    with admin.transaction():  # these three share now()
        same_tx = [create_prompt(admin, user, image, f"tx {n}") for n in range(3)]
    last = create_prompt(admin, user, image, "last")
    rows = admin.execute(
        "select id from video_prompts where image_id = %s order by created_at, seq", [image]
    ).fetchall()
    assert [row[0] for row in rows] == [first, *same_tx, last]


def test_an_update_changes_updated_at_and_keeps_created_at(admin: Conn) -> None:
    user = create_user(admin)
    prompt = create_prompt(admin, user, create_image(admin, user))
    before = admin.execute(
        "select created_at, updated_at from video_prompts where id = %s", [prompt]
    ).fetchone()
    admin.execute("update video_prompts set prompt_text = 'edited' where id = %s", [prompt])
    after = admin.execute(
        "select created_at, updated_at from video_prompts where id = %s", [prompt]
    ).fetchone()
    assert before is not None
    assert after is not None
    assert after[0] == before[0]
    assert after[1] > before[1]


def test_a_second_primary_variant_for_one_image_is_rejected(admin: Conn) -> None:
    user = create_user(admin)
    image, other_image = create_image(admin, user), create_image(admin, user)
    first, second = create_prompt(admin, user, image), create_prompt(admin, user, image)
    admin.execute("update video_prompts set is_primary = true where id = %s", [first])
    with pytest.raises(psycopg.errors.UniqueViolation):
        admin.execute("update video_prompts set is_primary = true where id = %s", [second])
    # one primary per image, not per user
    elsewhere = create_prompt(admin, user, other_image)
    admin.execute("update video_prompts set is_primary = true where id = %s", [elsewhere])


def test_a_completed_variant_needs_text_and_a_failed_one_an_error_code(admin: Conn) -> None:
    user = create_user(admin)
    prompt = create_prompt(admin, user, create_image(admin, user), "")
    with pytest.raises(psycopg.errors.CheckViolation):
        admin.execute("update video_prompts set status = 'completed' where id = %s", [prompt])
    with pytest.raises(psycopg.errors.CheckViolation):
        admin.execute("update video_prompts set status = 'failed' where id = %s", [prompt])
