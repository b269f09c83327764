"""The one exception family vidprompt raises.

Every error a user can cause or fix derives from :class:`VidpromptError`, so the
command line turns any of them into one clean line instead of a traceback, and the HTTP
API maps each to one problem type::

    VidpromptError
    ├── ConfigError                 a setting is missing or wrong
    │   └── ProjectNotReady         the project lacks what the feature builds on
    ├── DatabaseError               talking to Postgres failed
    │   ├── DatabaseUnavailable     the server cannot be reached
    │   │   ├── DatabaseBusy        every pooled connection is in use: try again shortly
    │   │   ├── DatabaseUnusable    the connection settings can never work (password, name)
    │   │   │   └── ConnectionStringInvalid   the database URL does not even parse
    │   │   └── StorageUnavailable  the storage server did not take a file
    │   ├── StatementTimeout        a statement ran past statement_timeout
    │   ├── LocalServerError        the embedded server would not init/start/stop
    │   └── MissingExtension        a migration needs an extension the server lacks
    ├── MigrationError              a push was refused or failed
    │   ├── MigrationFileError      a local file cannot be read or split
    │   ├── HistoryConflict         local files and the history disagree
    │   └── StatementFailed         a statement of a file failed; the file was rolled back
    ├── SchemaError                 the schema tools cannot do what was asked
    │   ├── TypegenError            types cannot be generated from this schema
    │   └── StaleTypes              the generated type files are out of date
    ├── StoreError                  a data operation was refused
    │   ├── NotFound                no such row for this caller (or someone else's)
    │   ├── PermissionDenied        the scope may not do this at all (anon; RLS refused)
    │   ├── InvalidInput            a value breaks a rule; names the field
    │   │   ├── IdempotencyKeyReused    the key was used for another request
    │   │   └── InvalidObjectName       not a storage object name vidprompt reads
    │   ├── Conflict                the change collides with another row
    │   │   └── RequestInProgress   the key's first request is still being handled
    │   └── QuotaExceeded           too many unfinished generation jobs for this user
    ├── AuthError                   an access token was refused
    ├── KeysUnavailable             the signing keys could not be fetched (JWKS URL)
    ├── GenerationError             a generation failed: a stable ErrorCode, transient?
    └── SuggestionsUnavailable      no AI action suggestions this time, and why

A class docstring is that error's default message. Driver errors never leave
:mod:`vidprompt.database`: it raises these instead (``raise ... from`` the driver's).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class VidpromptError(Exception):
    """vidprompt failed."""

    def __init__(self, message: str | None = None, *, hint: str | None = None) -> None:
        self.message = message or (self.__doc__ or "").strip()
        self.hint = hint
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message}\n{self.hint}"


class ConfigError(VidpromptError):
    """A setting is missing or invalid."""


class ProjectNotReady(ConfigError):
    """The project lacks what the feature builds on."""


class DatabaseError(VidpromptError):
    """The database reported an error."""


class DatabaseUnavailable(DatabaseError):
    """The database cannot be reached."""


class DatabaseBusy(DatabaseUnavailable):
    """Every database connection is in use; try again in a moment."""


class DatabaseUnusable(DatabaseUnavailable):
    """The database refuses these connection settings; retrying will not help."""


class ConnectionStringInvalid(DatabaseUnusable):
    """The database URL is not a Postgres connection string."""


class StorageUnavailable(DatabaseUnavailable):
    """The storage server did not take the image; try again later."""


class StatementTimeout(DatabaseError):
    """The database did not finish in time."""


class LocalServerError(DatabaseError):
    """The local Postgres server could not be managed."""


class MissingExtension(DatabaseError):
    """A migration needs a Postgres extension this server does not have."""


class MigrationError(VidpromptError):
    """The migrations could not be pushed."""


class MigrationFileError(MigrationError):
    """A migration file cannot be read or split into statements."""


class HistoryConflict(MigrationError):
    """The local migration files and the database's migration history disagree."""


class StatementFailed(MigrationError):
    """A statement of a migration file failed; that file was rolled back."""


class SchemaError(VidpromptError):
    """The schema tools cannot do that."""


class TypegenError(SchemaError):
    """The types cannot be generated from this schema."""


class StaleTypes(SchemaError):
    """The generated type files differ from what the database's schema gives."""


class StoreError(VidpromptError):
    """The data operation was refused."""


class NotFound(StoreError):
    """Not found."""


class PermissionDenied(StoreError):
    """This scope may not do that."""


class InvalidInput(StoreError):
    """Invalid input."""

    def __init__(
        self, message: str | None = None, *, field: str | None = None, hint: str | None = None
    ) -> None:
        self.field = field
        super().__init__(message, hint=hint)


class IdempotencyKeyReused(InvalidInput):
    """This Idempotency-Key was already used for a different request; use a new key."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, field="Idempotency-Key")


class InvalidObjectName(InvalidInput, ValueError):
    """Not a storage object name vidprompt will read."""


class Conflict(StoreError):
    """The change conflicts with existing data."""


class RequestInProgress(Conflict):
    """The first request with this Idempotency-Key is still being handled; retry shortly."""


class QuotaExceeded(StoreError):
    """Too many unfinished generation jobs; wait for some to finish."""


class AuthError(VidpromptError):
    """The access token was refused."""

    def __init__(self, message: str | None = None, *, code: str = "PGRST301") -> None:
        self.code = code
        super().__init__(message)


class KeysUnavailable(VidpromptError):
    """The signing keys could not be fetched from the JWKS URL."""


class ErrorCode(StrEnum):
    """The ``error_code`` values a failed variant can carry; never renamed once shipped."""

    RATE_LIMITED = "rate_limited"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    TIMEOUT = "timeout"
    INVALID_API_KEY = "invalid_api_key"
    UNREADABLE_API_KEY = "unreadable_api_key"
    INVALID_REQUEST = "invalid_request"
    BLOCKED = "blocked"
    EMPTY_OUTPUT = "empty_output"
    TOO_LONG = "too_long"
    IMAGE_UNAVAILABLE = "image_unavailable"
    IMAGE_TOO_LARGE = "image_too_large"
    IMAGE_UNSUPPORTED = "image_unsupported"
    WORKER_LOST = "worker_lost"
    INVALID_INPUTS = "invalid_inputs"
    INTERNAL_ERROR = "internal_error"


# Transient failures may succeed if tried again later; the others never will.
TRANSIENT = frozenset({ErrorCode.RATE_LIMITED, ErrorCode.PROVIDER_UNAVAILABLE, ErrorCode.TIMEOUT})

_MESSAGES = {
    ErrorCode.RATE_LIMITED: "The AI provider's rate limit was reached; try again later.",
    ErrorCode.PROVIDER_UNAVAILABLE: "The AI provider is unavailable right now.",
    ErrorCode.TIMEOUT: "The AI provider did not answer in time.",
    ErrorCode.INVALID_API_KEY: "The Gemini API key was refused; check the key in your profile.",
    ErrorCode.UNREADABLE_API_KEY: "The stored Gemini API key cannot be decrypted.",
    ErrorCode.INVALID_REQUEST: "The AI provider refused the request.",
    ErrorCode.BLOCKED: "The AI provider blocked the request or its answer for safety reasons.",
    ErrorCode.EMPTY_OUTPUT: "The AI provider returned no text.",
    ErrorCode.TOO_LONG: "The generated prompt was longer than 2000 characters.",
    ErrorCode.IMAGE_UNAVAILABLE: "The image could not be loaded.",
    ErrorCode.IMAGE_TOO_LARGE: "The image is too large to send to the AI provider.",
    ErrorCode.IMAGE_UNSUPPORTED: "The image format is not supported.",
    ErrorCode.WORKER_LOST: "Generation was interrupted too many times.",
    ErrorCode.INVALID_INPUTS: "The variant's stored inputs cannot be used; edit them.",
    ErrorCode.INTERNAL_ERROR: "Generation failed unexpectedly.",
}


class GenerationError(VidpromptError):
    """Generation failed."""

    def __init__(
        self, code: ErrorCode, message: str | None = None, *, transient: bool | None = None
    ) -> None:
        self.code = code
        self.transient = code in TRANSIENT if transient is None else transient
        super().__init__(message or _MESSAGES[code])


SuggestionsReason = Literal["offline", "image_unavailable", "model_error", "invalid_output"]


class SuggestionsUnavailable(VidpromptError):
    """No AI suggestions this time."""

    def __init__(self, reason: SuggestionsReason) -> None:
        self.reason = reason
        super().__init__(f"No AI suggestions: {reason}.")
