"""Driver errors never reach the store's callers: each becomes one of vidprompt's errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import errors as pg
from psycopg_pool import PoolTimeout

from vidprompt.database import translate
from vidprompt.errors import (
    Conflict,
    DatabaseError,
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    VidpromptError,
)
from vidprompt.prompts import DatabaseBusy, PermissionDenied, StatementTimeout

if TYPE_CHECKING:
    from tests._support import Conn
    from tests.integration.store._world import World


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (pg.QueryCanceled("canceling statement due to statement timeout"), StatementTimeout),
        (pg.InsufficientPrivilege("permission denied for table images"), PermissionDenied),
        (pg.SerializationFailure("could not serialize"), Conflict),
        (pg.DeadlockDetected("deadlock detected"), Conflict),
        (pg.AdminShutdown("terminating connection"), DatabaseUnavailable),
        (psycopg.OperationalError("connection refused"), DatabaseUnavailable),
        (PoolTimeout("couldn't get a connection after 5.00 sec"), DatabaseBusy),
        (psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"), InvalidInput),
        (pg.UndefinedTable('relation "public.secret" does not exist'), DatabaseError),
    ],
)
def test_each_kind_of_driver_error_has_its_meaning(
    error: psycopg.Error, expected: type[VidpromptError]
) -> None:
    translated = translate(error)
    assert type(translated) is expected
    assert str(error) not in str(translated)  # the driver's text is not passed on


def _violation(admin: Conn, statement: str, params: list[object]) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as raised, admin.transaction():
        admin.execute(statement, params)
    return raised.value


def test_constraint_violations_name_the_field(admin: Conn, world: World) -> None:
    insert = (
        "insert into public.video_prompts (image_id, user_id, prompt_text, model_name, {column})"
        " values (%s, %s, 'x', 'm', %s)"
    )
    cases = [
        ("camera_style", "static"),
        ("film_effects", ["sepia"]),
        ("user_instruction", "x" * 501),
        ("status", "done"),
    ]
    for column, value in cases:
        error = _violation(
            admin, insert.format(column=column), [world.alice_image, world.alice, value]
        )
        translated = translate(error)
        assert isinstance(translated, InvalidInput)
        assert translated.field == column


def test_a_columns_own_check_names_its_column_without_an_entry(admin: Conn, world: World) -> None:
    """A column and its check added as docs/architecture.md's list adds them: by its name the
    error names the column although vidprompt has no entry for it."""
    admin.execute("alter table public.video_prompts add column an_input_added_later text")
    admin.execute(
        "alter table public.video_prompts add constraint video_prompts_an_input_added_later_check"
        " check (an_input_added_later in ('16:9', '9:16')) not valid"
    )
    error = _violation(
        admin,
        "update public.video_prompts set an_input_added_later = %s where id = %s",
        ["4:3", world.draft],
    )
    translated = translate(error)
    assert isinstance(translated, InvalidInput)
    assert translated.field == "an_input_added_later"
    assert "an_input_added_later" in str(translated)


def test_a_foreign_image_and_a_second_primary_are_translated(admin: Conn, world: World) -> None:
    foreign = _violation(
        admin,
        "insert into public.video_prompts (image_id, user_id, prompt_text, model_name)"
        " values (%s, %s, 'x', 'm')",
        [world.bob_image, world.alice],
    )
    assert isinstance(translate(foreign), NotFound)
    assert translate(foreign).message == "Image not found."
    admin.execute("update public.video_prompts set is_primary = true where id = %s", [world.draft])
    second = _violation(
        admin,
        "update public.video_prompts set is_primary = true where id = %s",
        [world.completed],
    )
    assert isinstance(translate(second), Conflict)
