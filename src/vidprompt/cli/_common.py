"""What every command shares: the database and work-folder options, settings, and output."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vidprompt.errors import ConfigError

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_settings import SettingsError
    from rich.console import Console

    from vidprompt.config import Settings


@cache
def console() -> Console:
    """Standard output, made on first use: importing Rich is a large share of the start-up,
    and a command that prints plainly (``db url``) never needs it."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, emoji=False)


@cache
def err_console() -> Console:
    """Standard error, made on first use (as :func:`console`)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


DbUrl = Annotated[
    str | None,
    typer.Option(
        "--db-url",
        envvar="DATABASE_URL",
        show_envvar=True,
        help="Postgres connection URI (e.g. your Supabase project's direct or session-mode "
        "URI). Default: the local database, started on demand.",
    ),
]


def say_notice(notice: str) -> None:
    """Say what was changed on this machine to run the local database (once: as it happens)."""
    err_console().print(f"note: {notice}", markup=False)  # notices name paths: no markup


def project_folder(path: Path) -> Path:
    """Refuse a work folder that is not a project (no ``supabase/``); never create one, so a
    mistyped --workdir fails instead of passing with nothing to do."""
    if not (path / "supabase").is_dir():
        raise ConfigError(
            f"{path} is not a project folder: it has no supabase/ folder.",
            hint="Run vidprompt in your project's folder or pass --workdir; "
            "`vidprompt migration new NAME` starts a new project's supabase/migrations/.",
        )
    return path


_WORKDIR_HELP = "Project folder holding supabase/ (default: the current folder)."

Workdir = Annotated[
    Path,
    typer.Option(
        "--workdir",
        file_okay=False,
        resolve_path=True,
        callback=project_folder,
        help=_WORKDIR_HELP,
    ),
]

# For the commands that may start a project: the folder need not hold supabase/ yet.
AnyWorkdir = Annotated[
    Path, typer.Option("--workdir", file_okay=False, resolve_path=True, help=_WORKDIR_HELP)
]


def checked_settings() -> Settings:
    """The settings, or one line naming the first invalid one (not pydantic's report)."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from vidprompt.config import load_settings

    try:
        return load_settings()
    except (ValidationError, SettingsError) as exc:
        raise settings_error(exc) from None


def settings_error(exc: ValidationError | SettingsError) -> ConfigError:
    """pydantic-settings' report as one line: the variable, what is wrong, how many more."""
    from pydantic_settings import SettingsError

    if isinstance(exc, SettingsError):
        # A value that must be JSON (a list) and is not: the message names the field.
        found = re.search(r'field "(\w+)"', str(exc))
        field, reason, more = (found.group(1) if found else ""), "not valid JSON", ""
    else:
        errors = exc.errors()
        field = str(errors[0]["loc"][0]) if errors[0]["loc"] else ""
        reason = errors[0]["msg"].removeprefix("Value error, ")  # a validator's own words
        more = f" ({len(errors) - 1} more invalid)" if len(errors) > 1 else ""
    from vidprompt.config import env_name

    name = env_name(field)
    return ConfigError(
        f"Invalid setting {name}: {reason}{more}.",
        hint=f"Fix or unset {name} in the environment or in .env; the README lists the settings.",
    )
