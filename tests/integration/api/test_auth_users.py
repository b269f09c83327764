"""Local sign-up: ``ensure_user`` finds or creates the user an access token is minted for."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import psycopg
import pytest

from vidprompt.auth import ensure_user
from vidprompt.errors import InvalidInput

if TYPE_CHECKING:
    from psycopg.rows import TupleRow


def test_a_new_email_becomes_a_confirmed_email_user(admin: psycopg.Connection[TupleRow]) -> None:
    user = ensure_user(admin, "Ada@Example.test ")
    row = admin.execute(
        "select email, aud, role, email_confirmed_at is not null, raw_app_meta_data"
        " from auth.users where id = %s",
        [user.id],
    ).fetchone()
    assert row == (
        "ada@example.test",
        "authenticated",
        "authenticated",
        True,
        {"provider": "email", "providers": ["email"]},
    )
    assert user.email == "ada@example.test"


def test_an_existing_user_is_found_not_duplicated(admin: psycopg.Connection[TupleRow]) -> None:
    first = ensure_user(admin, "ada@example.test")
    assert ensure_user(admin, "ADA@example.test") == first
    assert admin.execute("select count(*) from auth.users").fetchone() == (1,)


def test_concurrent_sign_ups_for_one_email_make_one_user(schema_url: str) -> None:
    def sign_up(_: int) -> object:
        with psycopg.connect(schema_url, autocommit=True) as conn:
            return ensure_user(conn, "race@example.test").id

    with ThreadPoolExecutor(4) as pool:
        ids = set(pool.map(sign_up, range(8)))
    assert len(ids) == 1


@pytest.mark.parametrize("email", ["", "ada", "ada@localhost", "a da@example.test"])
def test_malformed_emails_are_refused(admin: psycopg.Connection[TupleRow], email: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        ensure_user(admin, email)
    assert refused.value.field == "email"
