"""``vidprompt migration``: create migration files and compare them with a database."""

from __future__ import annotations

from pathlib import Path

import typer

from vidprompt.cli._common import AnyWorkdir, DbUrl, Workdir, checked_settings, console, say_notice
from vidprompt.cli._tables import plain, say, table

HELP = """Create and list migrations.

Example: `vidprompt migration new add_captions`"""
app = typer.Typer(no_args_is_help=True, help=HELP)

# By State's value: the migrations package (and its SQL parser) loads only in the commands.
_STYLE = {
    "applied": "green",
    "pending": "yellow",
    "missing locally": "red",
    "edited after push": "red",
}


@app.command()
def new(name: str, workdir: AnyWorkdir = Path()) -> None:
    """Create an empty migration file stamped with the current UTC time.

    Example: vidprompt migration new add_profiles_table
    """
    from vidprompt.migrations import new_migration

    path = new_migration(workdir, name)
    say(f"Created new migration at {path.relative_to(workdir)}")


@app.command("list")
def list_command(db_url: DbUrl = None, workdir: Workdir = Path()) -> None:
    """Show local migration files beside the database's history, with drift.

    States: applied, pending, missing locally (applied but no file), edited after push
    (the file's statements differ from those applied). Exits 1 on drift, when versions
    are missing locally or files were edited after push (a push would refuse); pending
    files alone exit 0, since pushing them is what `db push` is for.

    Example: vidprompt migration list --db-url "$SUPABASE_DB_URL"
    """
    from vidprompt.database import connect, resolve_target
    from vidprompt.migrations import State, compare, discover, read_history_for

    local = discover(workdir).migrations
    target = resolve_target(db_url, workdir, checked_settings(), on_notice=say_notice)
    with connect(target.url) as conn:
        states = compare(local, read_history_for(conn, local))
    drawn = table("Local", "Remote", "Name", "State")
    for item in states:
        drawn.add_row(
            plain(item.version) if item.local else "",
            plain(item.version) if item.applied else "",
            plain(item.name),
            f"[{_STYLE[item.state.value]}]{item.state.value}[/]",
        )
    console().print(drawn)
    if any(item.state in (State.MISSING_LOCALLY, State.EDITED) for item in states):
        raise typer.Exit(1)
