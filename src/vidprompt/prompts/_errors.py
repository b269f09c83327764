"""The one place where driver errors become vidprompt errors.

The store's callers never see psycopg: every database error is re-raised as one of the
family in :mod:`vidprompt.errors` (``raise ... from exc`` keeps the original for logs).
Constraint violations are mapped by constraint name, so a message names the field the
user can fix. Two errors are added here, subclasses of the family's nearest meaning::

    StoreError
    ├── PermissionDenied     the scope may not do this at all (anon; RLS refused a write)
    ├── InvalidInput
    │   └── IdempotencyKeyReused   the key was used for another request
    └── Conflict
        └── RequestInProgress      the key's first request is still being handled
    DatabaseError
    ├── DatabaseUnavailable
    │   └── DatabaseBusy     every pooled connection is in use: try again shortly
    └── StatementTimeout     the statement ran past statement_timeout
"""

from __future__ import annotations

import psycopg
from psycopg import errors as pg
from psycopg_pool import PoolClosed, PoolTimeout

from vidprompt.errors import (
    Conflict,
    DatabaseError,
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    StoreError,
    VidpromptError,
)


class PermissionDenied(StoreError):
    """This scope may not do that."""


class IdempotencyKeyReused(InvalidInput):
    """This Idempotency-Key was already used for a different request; use a new key."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, field="Idempotency-Key")


class RequestInProgress(Conflict):
    """The first request with this Idempotency-Key is still being handled; retry shortly."""


class StatementTimeout(DatabaseError):
    """The database did not finish in time."""


class DatabaseBusy(DatabaseUnavailable):
    """Every database connection is in use; try again in a moment."""


# Check constraint -> (field, message).
_CHECKS: dict[str, tuple[str, str]] = {
    "video_prompts_prompt_text_check": ("prompt_text", "The prompt is longer than allowed."),
    "video_prompts_user_instruction_check": (
        "user_instruction",
        "The instruction is longer than allowed.",
    ),
    "video_prompts_camera_style_check": ("camera_style", "Unknown camera style."),
    "video_prompts_film_effects_check": ("film_effects", "Unknown or too many film effects."),
    "video_prompts_status_check": ("status", "Unknown status."),
    "video_prompts_completed_has_text": ("prompt_text", "A completed variant needs its text."),
    "video_prompts_failed_has_error": ("error_code", "A failed variant needs an error code."),
    "images_type_check": ("type", "Unknown image type."),
}
# Foreign key -> what is missing. Another user's row fails exactly like a missing one.
_REFERENCES: dict[str, str] = {
    "video_prompts_image_id_user_id_fkey": "Image not found.",
    "images_collection_id_user_id_fkey": "Collection not found.",
    "images_user_id_fkey": "User not found.",
    "video_prompts_user_id_fkey": "User not found.",
}
_UNIQUES: dict[str, str] = {
    "video_prompts_one_primary_per_image": "Another variant of this image became primary "
    "at the same moment; try again.",
}


def translate(exc: psycopg.Error) -> VidpromptError:
    """The vidprompt error that says what ``exc`` means for the caller."""
    constraint = exc.diag.constraint_name or ""
    if isinstance(exc, pg.CheckViolation):
        field, message = _CHECKS.get(constraint, (None, "A value breaks a rule of the database."))
        return InvalidInput(message, field=field)
    if isinstance(exc, pg.NotNullViolation):
        column = exc.diag.column_name
        return InvalidInput(f"{column or 'A value'} is required.", field=column)
    if isinstance(exc, pg.ForeignKeyViolation):
        return NotFound(_REFERENCES.get(constraint, "A referenced row was not found."))
    if isinstance(exc, pg.UniqueViolation):
        return Conflict(_UNIQUES.get(constraint, "That row exists already."))
    if isinstance(exc, pg.InsufficientPrivilege):
        return PermissionDenied()
    if isinstance(exc, pg.SerializationFailure | pg.DeadlockDetected | pg.LockNotAvailable):
        return Conflict("The change collided with a concurrent one; try again.")
    if isinstance(exc, pg.QueryCanceled):
        return StatementTimeout(hint="Raise VIDPROMPT_STATEMENT_TIMEOUT_MS if this is expected.")
    if isinstance(exc, psycopg.DataError):
        return InvalidInput("A value has the wrong form.")
    if isinstance(exc, PoolTimeout):
        # The pool raises this only while the server answers (see Database._acquire): load,
        # not an outage.
        return DatabaseBusy(
            hint="Raise VIDPROMPT_POOL_MAX_SIZE or VIDPROMPT_POOL_TIMEOUT_MS if this is load."
        )
    if isinstance(exc, PoolClosed):
        return DatabaseUnavailable("The database connection pool is closed.")
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return DatabaseUnavailable()
    state = f" ({exc.sqlstate})" if exc.sqlstate else ""
    return DatabaseError(f"The database refused the operation{state}.")
