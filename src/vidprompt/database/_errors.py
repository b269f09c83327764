"""The one place where driver errors become vidprompt errors.

Nothing outside :mod:`vidprompt.database` sees psycopg's exceptions: :class:`Database`
translates every one its transactions raise, and code that holds a plain connection (the
schema tools, push) lets them out to :func:`driver_error`. ``raise ... from exc`` keeps the
original for logs. Constraint violations are mapped by constraint name, so a message names
the field the user can fix; the driver's text is never passed on to an API caller.
"""

from __future__ import annotations

import psycopg
from psycopg import errors as pg
from psycopg_pool import PoolClosed, PoolTimeout

from vidprompt.errors import (
    Conflict,
    ConnectionStringInvalid,
    DatabaseBusy,
    DatabaseError,
    DatabaseUnavailable,
    DatabaseUnusable,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StatementTimeout,
    VidpromptError,
)

DriverError = psycopg.Error
"""The base of every driver error, for code that must tell one apart before translating."""

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
# invalid_password, invalid_authorization_specification (unknown role, no pg_hba entry),
# invalid_catalog_name (no such database): connection settings that will never work.
_UNUSABLE_SQLSTATES = frozenset({"28P01", "28000", "3D000"})
_UNUSABLE_TEXT = (
    "password authentication failed",
    "no password supplied",  # no credential for this user and host: none will appear
    "no pg_hba.conf entry",
    "does not exist",
    "failed to resolve host",
    "could not translate host name",
    "connection info string",
    "invalid connection option",
    "invalid percent-encoded",
    "invalid uri",
    "invalid sslmode",
)
_CHECK_URL = (
    "Check the database URL (--db-url or DATABASE_URL): host, user, password and database"
    " name. Retrying will not help."
)


def translate(exc: psycopg.Error) -> VidpromptError:
    """The vidprompt error that says what ``exc`` means for the caller."""
    constraint = exc.diag.constraint_name or ""
    if isinstance(exc, pg.CheckViolation):
        field, message = _CHECKS.get(constraint) or _column_check(constraint, exc.diag.table_name)
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
    return _connection_error(exc) or _refused(exc)


def _column_check(constraint: str | None, table: str | None) -> tuple[str | None, str]:
    """The field of a check :data:`_CHECKS` does not name, from Postgres's own name for a
    column's check (``<table>_<column>_check``), so a column added with a check is named
    without an entry here."""
    prefix = f"{table}_"
    if constraint and table and constraint.startswith(prefix) and constraint.endswith("_check"):
        column = constraint.removeprefix(prefix).removesuffix("_check")
        return column, f"{column} breaks a rule of the database."
    return None, "A value breaks a rule of the database."


def _connection_error(exc: psycopg.Error) -> DatabaseError | None:
    if isinstance(exc, PoolTimeout):
        # The pool raises this only while the server answers (see Database._acquire): load,
        # not an outage.
        return DatabaseBusy(
            hint="Raise VIDPROMPT_POOL_MAX_SIZE or VIDPROMPT_POOL_TIMEOUT_MS if this is load."
        )
    if isinstance(exc, PoolClosed):
        return DatabaseUnavailable("The database connection pool is closed.")
    if isinstance(exc, psycopg.ProgrammingError) and _names_unusable_settings(exc):
        return ConnectionStringInvalid(hint=_CHECK_URL)
    if isinstance(exc, psycopg.OperationalError) and (
        exc.sqlstate in _UNUSABLE_SQLSTATES or _names_unusable_settings(exc)
    ):
        return DatabaseUnusable(hint=_CHECK_URL)
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return DatabaseUnavailable()
    return None


def _refused(exc: psycopg.Error) -> DatabaseError:
    state = f" ({exc.sqlstate})" if exc.sqlstate else ""
    return DatabaseError(f"The database refused the operation{state}.")


def _names_unusable_settings(exc: psycopg.Error) -> bool:
    """Whether connecting failed in a way retrying never mends (as opposed to the server
    being away): a wrong password, an unknown role or database, a host name that does not
    resolve, a connection string that does not parse (the driver says so only in words)."""
    if exc.sqlstate is not None and exc.sqlstate not in _UNUSABLE_SQLSTATES:
        return False
    text = str(exc).lower()
    return any(marker in text for marker in _UNUSABLE_TEXT)


def reason(exc: BaseException) -> str:
    """The driver's last meaningful line of the error behind ``exc`` (libpq puts the
    server's reason last), for logs and the command line; never for an API caller."""
    cause = exc.__cause__ if isinstance(exc, VidpromptError) and exc.__cause__ else exc
    lines = [line.strip() for line in str(cause).strip().splitlines() if line.strip()]
    return lines[-1] if lines else type(cause).__name__


def driver_error(exc: BaseException) -> DatabaseError | None:
    """A driver error a command let out, as one readable error naming the server's reason;
    None for anything else."""
    if not isinstance(exc, psycopg.Error):
        return None
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return DatabaseError(
        f"The database reported an error: {first}",
        hint="Run again with --debug for the traceback.",
    )
