"""``vidprompt db``: the local database, and pushing migrations to any database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from vidprompt.cli._common import DbUrl, Workdir, checked_settings, console, say_notice
from vidprompt.cli._tables import say
from vidprompt.errors import ConfigError, LocalServerError

if TYPE_CHECKING:
    from vidprompt.migrations import LocalMigration

HELP = """Manage the local database and push migrations.

Example: `vidprompt db start && vidprompt db push`"""
app = typer.Typer(no_args_is_help=True, help=HELP)


@app.command()
def start(
    workdir: Workdir = Path(),
    port: int | None = typer.Option(
        None,
        "--port",
        min=1,
        max=65535,
        help="Move the local database to this port for good (default: the port it was "
        "given when created).",
    ),
) -> None:
    """Start the local database (PostgreSQL 18, no Docker), creating it on first use.

    Its data lives in .vidprompt/ under the work folder and survives restarts; a new
    database gets the Supabase layer (roles, auth, storage). It keeps its port: when
    another program holds it, start fails; --port moves it (remembered).

    Example: vidprompt db start --port 54322
    """
    from vidprompt.database import local_server, start_local

    url = start_local(local_server(workdir, checked_settings(), on_notice=say_notice), port=port)
    say(f"Local database running: {url}")


@app.command()
def stop(workdir: Workdir = Path()) -> None:
    """Stop the local database; its data is kept.

    Example: vidprompt db stop
    """
    from vidprompt.database import local_server

    server = local_server(workdir, checked_settings())
    was_running = server.running()
    server.stop()
    console().print(
        "Stopped the local database." if was_running else "The local database is not running."
    )


@app.command()
def status(workdir: Workdir = Path()) -> None:
    """Show whether the local database exists and runs, where, and which Supabase parts are real.

    Exits 1 when it is not running.

    Example: vidprompt db status
    """
    from vidprompt.database import connect, local_server, services_report

    state = local_server(workdir, checked_settings()).status()
    say(f"data:    {state.data_dir}{'' if state.initialized else ' (not created yet)'}")
    console().print(f"running: {'yes' if state.running else 'no'}")
    if state.port is not None:
        console().print(f"port:    {state.port}")
    if state.stale_pid is not None:
        console().print(
            f"note:    postmaster.pid names process {state.stale_pid}, which is not this"
            " database's server (left by a crash); `vidprompt db start` removes it."
        )
    if state.running:
        say(f"url:     {local_server(workdir, checked_settings()).url()}")
        with connect(local_server(workdir, checked_settings()).url()) as conn:
            console().print(services_report(conn), soft_wrap=True)
    if not state.running:
        raise typer.Exit(1)


@app.command()
def url(workdir: Workdir = Path()) -> None:
    """Print the local database's connection URI (alone, for scripts).

    Example: psql "$(vidprompt db url)"
    """
    from vidprompt.database import local_server

    server = local_server(workdir, checked_settings())
    if not server.initialized:
        raise LocalServerError(
            "There is no local database in this folder yet.", hint="Run `vidprompt db start`."
        )
    print(server.url())


@app.command()
def reset(workdir: Workdir = Path()) -> None:
    """Wipe the local database and rebuild it: Supabase layer, every migration, seed.sql.

    Only the local database can be reset; all its data is lost. It keeps its port and
    passwords, so its URL stays the same.

    Example: vidprompt db reset
    """
    from vidprompt.database import connect, local_server, start_local
    from vidprompt.migrations import apply_seed, discover, push  # the SQL parser: only here

    server = local_server(workdir, checked_settings(), on_notice=say_notice)
    local = discover(workdir).migrations
    for migration in local:
        _ = migration.script  # refuse a broken file before wiping anything
    server.recreate()
    url = start_local(server)
    with connect(url) as conn:
        push(conn, local, include_all=True, on_apply=_announce)
        if apply_seed(conn, workdir):
            console().print("Seeding data from supabase/seed.sql...")
    say(f"Finished: the local database is reset ({len(local)} migrations). {url}")


@app.command("push")
def push_command(
    db_url: DbUrl = None,
    workdir: Workdir = Path(),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="List what would be pushed; change nothing."
    ),
    include_all: bool = typer.Option(
        False,
        "--include-all",
        help="Also push local files older than the newest applied migration.",
    ),
) -> None:
    """Apply the pending files of supabase/migrations/, each in its own transaction.

    A file wrapped in its own BEGIN ... COMMIT runs as that transaction; a file holding a
    statement that cannot run in one (CREATE INDEX CONCURRENTLY) runs statement by
    statement. Every pending file is checked first: a shape that cannot be atomic,
    COPY FROM STDIN or a psql meta-command is refused, naming the line.

    Compatible with the Supabase CLI's history (supabase_migrations.schema_migrations),
    so either tool can push the same project. Refuses, naming the files, when applied
    versions are missing locally, when a local file is older than the newest applied one
    (unless --include-all), or when an applied file was edited since.

    Example: vidprompt db push --db-url "$SUPABASE_DB_URL" --dry-run
    """
    from vidprompt.database import connect, resolve_target
    from vidprompt.migrations import MIGRATIONS_DIR, discover, push

    if not (workdir / MIGRATIONS_DIR).is_dir():
        raise ConfigError(
            f"There is no {MIGRATIONS_DIR}/ folder in {workdir}: nothing to push.",
            hint="Create a migration with `vidprompt migration new NAME`, or pass --workdir.",
        )
    found = discover(workdir)
    for path in found.skipped:
        say(
            f"Skipping migration {path.name}... (file name must match <timestamp>_name.sql)",
            err=True,
        )
    target = resolve_target(db_url, workdir, checked_settings(), on_notice=say_notice)
    with connect(target.url) as conn:
        result = push(
            conn, found.migrations, include_all=include_all, dry_run=dry_run, on_apply=_announce
        )
    if not result.pushed:
        console().print("Remote database is up to date.")
    elif dry_run:
        console().print("Would push these migrations:")
        for migration in result.pushed:
            say(f"  • {migration.path.name}")
    else:
        pushed = len(result.pushed)
        console().print(f"Finished: pushed {pushed} migration(s) from {MIGRATIONS_DIR}.")


def _announce(migration: LocalMigration) -> None:
    say(f"Applying migration {migration.path.name}...")
    if migration.has_bom:
        say(
            f"  note: {migration.path.name} starts with a UTF-8 byte order mark; it is ignored.",
            err=True,
        )
    if not migration.transactional:
        say(
            f"  note: {migration.path.name} holds a statement that cannot run in a transaction"
            " (e.g. CREATE INDEX CONCURRENTLY); it runs statement by statement.",
            err=True,
        )
