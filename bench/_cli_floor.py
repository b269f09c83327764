"""The floor for the command line's start-up: the least a Typer command reading settings can do.

    python -m bench._cli_floor url

One Typer app with two commands and one pydantic-settings class, printing one setting: the
libraries every vidprompt command starts with (Typer brings Click, Rich and pydantic) and
nothing else. ``vidprompt db url`` does this much and then reads the local server's files.
"""

from __future__ import annotations

import typer
from pydantic_settings import BaseSettings, SettingsConfigDict

app = typer.Typer(add_completion=False)


class FloorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VIDPROMPT_", env_file=".env", extra="ignore")

    database_url: str = "postgresql://postgres@127.0.0.1:54322/postgres"


@app.command()
def url() -> None:
    """Print the database URL."""
    print(FloorSettings().database_url)


@app.command()
def version() -> None:
    """A second command, so Typer builds a group as vidprompt's does."""
    print("0")


if __name__ == "__main__":
    app()
