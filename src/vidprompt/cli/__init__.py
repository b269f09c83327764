"""The ``vidprompt`` command line: thin commands over the library.

Every failure a command lets out (a :class:`~vidprompt.errors.VidpromptError`, an invalid
setting, a database or an operating-system error) is printed by ``main`` as one clean
message and what to do, with exit status 1; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import sys

import typer

from vidprompt.cli import auth, db, demo, init, lint, migration, serve, types, verify, worker
from vidprompt.cli._common import checked_settings
from vidprompt.cli._errors import report

app = typer.Typer(
    name="vidprompt",
    help="AI-written video prompts for the images of a Supabase app.\n\nExample: `vidprompt demo`",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("serve")(serve.serve)
app.add_typer(auth.app, name="auth")
app.add_typer(db.app, name="db")
app.add_typer(migration.app, name="migration")
app.add_typer(types.app, name="types")
app.command("verify")(verify.verify)
app.command("worker")(worker.worker)
app.command("demo")(demo.demo)
app.command("init")(init.init)
db.app.command("lint")(lint.lint)

_debug = False
_HELP = frozenset(("-h", "--help"))  # as context_settings names them


def _show_version(shown: bool) -> None:
    """Print the installed version and stop, before settings are read (a broken .env
    must not hide which version is installed)."""
    if shown:
        from importlib.metadata import version

        typer.echo(f"vidprompt {version('vidprompt')}")
        raise typer.Exit


@app.callback()
def _start(
    debug: bool = typer.Option(
        False, "--debug", envvar="VIDPROMPT_DEBUG", help="Show the traceback when a command fails."
    ),
    _version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_show_version, help="Show the version and exit."
    ),
) -> None:
    """Validate the settings once, before any command runs (not for a command's help:
    showing it needs no settings, and loading them is most of its start-up time)."""
    global _debug
    _debug = debug
    # The group's context no longer holds the subcommand's arguments: read the command line.
    if _HELP.isdisjoint(sys.argv[1:]):
        checked_settings()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:
        if _debug:
            raise
        report(exc)
        raise SystemExit(1) from None
