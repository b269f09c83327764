"""Requesting a generation: a ``pending`` variant and its job, in one transaction, capped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vidprompt.database import Scope
from vidprompt.db_types import VideoPromptsRow
from vidprompt.errors import AuthError, QuotaExceeded
from vidprompt.generation._queue import queries
from vidprompt.generation._secrets import reads_user_keys
from vidprompt.generation._template import MODEL_NAME as TEMPLATE_MODEL
from vidprompt.prompts import GenerationInputs
from vidprompt.prompts._models import input_values, inputs, with_columns

if TYPE_CHECKING:
    import uuid
    from collections.abc import Mapping
    from typing import Any

    from vidprompt.config import Settings
    from vidprompt.database import Database

DEFAULT_MAX_ATTEMPTS = 5


async def enqueue_generation(
    db: Database,
    scope: Scope,
    image_id: uuid.UUID,
    given: GenerationInputs | Mapping[str, Any] | None = None,
    *,
    settings: Settings,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> VideoPromptsRow:
    """Create a ``pending`` variant of the caller's image and queue its generation, with
    the inputs ``given`` (a :class:`GenerationInputs` or a mapping of its fields; the rest
    take their defaults).

    ``scope`` is the verified caller's user scope. The variant and its job are written in
    one transaction as ``service_role`` (users cannot write jobs, so they cannot enqueue
    around the cap); the image must be the caller's, which the composite foreign key
    enforces for every role. Workers are woken by NOTIFY when it commits.

    Raises :class:`QuotaExceeded` when the caller already has
    ``settings.max_unfinished_jobs_per_user`` unfinished jobs, ``NotFound`` for a missing or
    foreign image, ``InvalidInput`` (naming the field) for a value outside the vocabulary.
    """
    if scope.role != "authenticated" or scope.user_id is None:
        raise AuthError("Only a signed-in user can request a generation.", code="PGRST302")
    user_key_model = settings.gemini_model if reads_user_keys(settings) else None
    params = {
        "user_id": scope.user_id,
        "image_id": image_id,
        "inputs": input_values(inputs(GenerationInputs, given), GenerationInputs),
        "user_key_model": user_key_model,
        "default_model": settings.gemini_model if settings.gemini_api_key else TEMPLATE_MODEL,
        "limit": settings.max_unfinished_jobs_per_user,
        "max_attempts": max_attempts,
    }
    async with db.transaction(Scope.service()) as tx:
        await tx.queue(queries()["lock_user_jobs"], params)
        enqueued = await tx.queue(with_columns(queries()["enqueue"]), params)
    row = enqueued.one()
    assert row is not None
    if row["id"] is None:
        raise QuotaExceeded(
            f"You already have {row['unfinished']} unfinished generation requests (at most "
            f"{settings.max_unfinished_jobs_per_user}); try again when one has finished."
        )
    return VideoPromptsRow.model_validate(row)
