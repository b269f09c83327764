"""The command line's one error path: any failure becomes a line or two on stderr.

``--debug`` (or ``VIDPROMPT_DEBUG=1``) lets the traceback through instead.
"""

from __future__ import annotations

import errno

from vidprompt.cli._common import err_console, settings_error
from vidprompt.errors import VidpromptError

_OS_HINTS = {
    errno.EACCES: "Check the permissions (run vidprompt as the folder's owner).",
    errno.EPERM: "Check the permissions (run vidprompt as the folder's owner).",
    errno.EROFS: "The folder is read-only: run vidprompt in a writable project folder.",
    errno.ENOSPC: "The disk is full: free some space and run the command again.",
    errno.EDQUOT: "The disk quota is used up: free some space and run the command again.",
    errno.ENOENT: "Check that the path exists.",
}
_DEBUG_HINT = "Run again with --debug for the traceback."


def explain(exc: BaseException) -> tuple[str, str | None]:
    """What went wrong and what to do, for any exception a command lets out."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    if isinstance(exc, VidpromptError):
        return exc.message, exc.hint
    if isinstance(exc, ValidationError | SettingsError):
        config = settings_error(exc)
        return config.message, config.hint
    from vidprompt.database import driver_error

    if (database := driver_error(exc)) is not None:
        return database.message, database.hint
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}", _OS_HINTS.get(exc.errno or 0, _DEBUG_HINT)
    return f"Unexpected error ({type(exc).__name__}): {exc}", _DEBUG_HINT


def report(exc: BaseException) -> None:
    from rich.markup import escape  # only when something failed

    message, hint = explain(exc)
    err_console().print(f"[bold red]error:[/] {escape(message)}")
    if hint:
        err_console().print(f"[dim]hint:[/] {escape(hint)}")
