"""``vidprompt init``: add the feature's migrations to an existing Supabase project."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vidprompt.cli._common import Workdir, checked_settings, console
from vidprompt.cli._tables import say

if TYPE_CHECKING:
    from vidprompt.adopt import Layout

LiveDbUrl = Annotated[
    str | None,
    typer.Option(
        "--db-url",
        help="Read the schema from this database's live catalog (e.g. the hosted project) "
        "instead of pushing the project's migrations onto a throwaway local database.",
    ),
]


def init(workdir: Workdir = Path(), db_url: LiveDbUrl = None) -> None:
    """Add vidprompt to an existing Supabase project: write only the migrations it needs.

    Reads the project's schema (its supabase/migrations pushed onto a throwaway local
    database, or the live catalog of --db-url) and writes, with fresh UTC versions after the
    newest migration: unique (id, user_id) on images if missing, video_prompts,
    generation_jobs, and profiles created or extended by the missing columns only. Never
    replaces the app's tables, policies, grants or functions. Run it again: it adds nothing.
    Then `vidprompt db push`.

    Example: vidprompt init && vidprompt db push --db-url "$SUPABASE_DB_URL"
    """
    from vidprompt.adopt import init_project  # the SQL parser: only here

    result = init_project(workdir, checked_settings(), db_url=db_url)
    for line in _findings(result.layout):
        say(f"  {line}")
    if not result.written:
        console().print("Nothing to add: the project has the feature's tables.")
        return
    for path in result.written:
        say(f"Wrote {path.relative_to(workdir)}")
    console().print("Next: vidprompt db push (--db-url for the hosted project), then verify.")


def _findings(layout: Layout) -> list[str]:
    if layout.empty:
        return []
    profiles = (
        "profiles: missing, created"
        if layout.create_profiles
        else "profiles: the app's, kept; added "
        + (", ".join(layout.missing_profile_columns) or "nothing")
    )
    key = "adds unique (id, user_id)" if layout.images_key else "has unique (id, user_id)"
    function = layout.updated_at_function + (
        "" if layout.define_updated_at_function else " (existing)"
    )
    return [f"images: {key}", profiles, f"updated_at trigger function: {function}"]
