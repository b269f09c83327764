"""The rows the store's tests start from, and a way to see everything a user owns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vidprompt.prompts import Scope

if TYPE_CHECKING:
    import uuid

    from tests._support import Conn


def create_variant_row(
    conn: Conn,
    user_id: uuid.UUID,
    image_id: uuid.UUID,
    *,
    status: str = "draft",
    text: str = "A slow push-in.",
    error_code: str | None = None,
) -> uuid.UUID:
    """A variant written directly (as the superuser), in any status."""
    row = conn.execute(
        "insert into public.video_prompts (image_id, user_id, prompt_text, model_name, status,"
        " error_code) values (%s, %s, %s, 'test-model', %s, %s) returning id",
        [image_id, user_id, text, status, error_code],
    ).fetchone()
    assert row is not None
    variant_id: uuid.UUID = row[0]
    return variant_id


@dataclass(frozen=True)
class World:
    """Alice owns an image with a draft, a pending and a completed variant; Bob an image."""

    alice: uuid.UUID
    bob: uuid.UUID
    alice_image: uuid.UUID
    bob_image: uuid.UUID
    draft: uuid.UUID
    pending: uuid.UUID
    completed: uuid.UUID

    def scope(self, actor: str) -> Scope:
        return {
            "owner": Scope.user(self.alice),
            "other": Scope.user(self.bob),
            "anon": Scope.anonymous(),
            "service": Scope.service(),
        }[actor]


def rows_of(conn: Conn, user_id: uuid.UUID) -> tuple[list[tuple[object, ...]], ...]:
    """Everything a user owns, as the superuser sees it: to prove nothing changed."""
    images = conn.execute(
        "select * from public.images where user_id = %s order by id", [user_id]
    ).fetchall()
    variants = conn.execute(
        "select * from public.video_prompts where user_id = %s order by id", [user_id]
    ).fetchall()
    return images, variants
