"""The one exception family vidprompt raises.

Every error a user can cause or fix derives from :class:`VidpromptError`, so the
command line turns any of them into one clean line instead of a traceback::

    VidpromptError
    ├── ConfigError                 a setting is missing or wrong
    ├── DatabaseError               talking to Postgres failed
    │   ├── DatabaseUnavailable     the server cannot be reached
    │   ├── LocalServerError        the embedded server would not init/start/stop
    │   └── MissingExtension        a migration needs an extension the server lacks
    ├── MigrationError              a push was refused or failed
    │   ├── MigrationFileError      a local file cannot be read or split
    │   ├── HistoryConflict         local files and the history disagree
    │   └── StatementFailed         a statement of a file failed; the file was rolled back
    ├── StoreError                  a data operation was refused
    │   ├── NotFound                no such row for this caller (or someone else's)
    │   ├── InvalidInput            a value breaks a rule; names the field
    │   ├── Conflict                the change collides with another row
    │   └── QuotaExceeded           too many unfinished generation jobs for this user
    └── AuthError                   an access token was refused

A class docstring is that error's default message.
"""

from __future__ import annotations


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


class DatabaseError(VidpromptError):
    """The database reported an error."""


class DatabaseUnavailable(DatabaseError):
    """The database cannot be reached."""


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


class StoreError(VidpromptError):
    """The data operation was refused."""


class NotFound(StoreError):
    """Not found."""


class InvalidInput(StoreError):
    """Invalid input."""

    def __init__(
        self, message: str | None = None, *, field: str | None = None, hint: str | None = None
    ) -> None:
        self.field = field
        super().__init__(message, hint=hint)


class Conflict(StoreError):
    """The change conflicts with existing data."""


class QuotaExceeded(StoreError):
    """Too many unfinished generation jobs; wait for some to finish."""


class AuthError(VidpromptError):
    """The access token was refused."""

    def __init__(self, message: str | None = None, *, code: str = "PGRST301") -> None:
        self.code = code
        super().__init__(message)
