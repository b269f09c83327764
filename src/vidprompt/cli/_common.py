"""What every command shares: the database and work-folder options, and output."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

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

Workdir = Annotated[
    Path,
    typer.Option(
        "--workdir",
        file_okay=False,
        resolve_path=True,
        help="Project folder holding supabase/ (default: the current folder).",
    ),
]
