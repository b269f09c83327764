"""Helpers for tests that act as Supabase's API roles and create owned rows."""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager
from typing import TYPE_CHECKING

import psycopg
from psycopg.rows import TupleRow

if TYPE_CHECKING:
    from collections.abc import Iterator

Conn = psycopg.Connection[TupleRow]


@contextmanager
def acting_as(conn: Conn, role: str, sub: uuid.UUID | None = None) -> Iterator[Conn]:
    """A transaction in which ``conn`` runs as ``role`` with the claims the Data API sets.

    Rolled back at the end, so a test can look at what a statement did without keeping it.
    """
    claims = {"role": role} | ({"sub": str(sub), "aud": "authenticated"} if sub else {})
    with conn.transaction(force_rollback=True):
        conn.execute(
            "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
            [role, json.dumps(claims)],
        )
        yield conn


def create_user(conn: Conn, email: str | None = None) -> uuid.UUID:
    user_id = uuid.uuid4()
    conn.execute(
        "insert into auth.users (id, email, aud, role, created_at) values (%s, %s,"
        " 'authenticated', 'authenticated', now())",
        [user_id, email or f"{user_id.hex[:8]}@example.test"],
    )
    return user_id


def create_image(conn: Conn, user_id: uuid.UUID) -> uuid.UUID:
    row = conn.execute(
        "insert into public.images (user_id, url, storage_path, type)"
        " values (%s, 'https://example.test/i.png', %s, 'generated') returning id",
        [user_id, f"{user_id}/i.png"],
    ).fetchone()
    assert row is not None
    image_id = row[0]
    assert isinstance(image_id, uuid.UUID)
    return image_id


def create_prompt(
    conn: Conn, user_id: uuid.UUID, image_id: uuid.UUID, text: str = "A slow push-in."
) -> uuid.UUID:
    row = conn.execute(
        "insert into public.video_prompts (image_id, user_id, prompt_text, model_name)"
        " values (%s, %s, %s, 'test-model') returning id",
        [image_id, user_id, text],
    ).fetchone()
    assert row is not None
    prompt_id = row[0]
    assert isinstance(prompt_id, uuid.UUID)
    return prompt_id
