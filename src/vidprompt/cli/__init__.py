"""The ``vidprompt`` command line: thin commands over the library.

Every error a user can fix is a :class:`~vidprompt.errors.VidpromptError`; ``main`` prints
it as one clean message (and its hint) and exits 1, never with a traceback.
"""

from __future__ import annotations

import typer

from vidprompt.cli import auth, db, demo, init, lint, migration, serve, types, verify, worker
from vidprompt.cli._common import err_console
from vidprompt.errors import VidpromptError

app = typer.Typer(
    name="vidprompt",
    help="AI-written video prompts for the images of a Supabase app.",
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


def main() -> None:
    try:
        app()
    except VidpromptError as exc:
        err_console.print(f"[bold red]error:[/] {exc.message}", markup=True, highlight=False)
        if exc.hint:
            err_console.print(f"[dim]hint:[/] {exc.hint}")
        raise SystemExit(1) from None
