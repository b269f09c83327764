"""``vidprompt types``: typed code for TypeScript and Python, generated from the schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vidprompt.cli._common import DbUrl, Workdir, checked_settings, console, say_notice
from vidprompt.cli._tables import say

if TYPE_CHECKING:
    from vidprompt.schema import GeneratedFile

# vidprompt.schema's TYPESCRIPT_PATH and PYTHON_PATH, spelled out so that --help need not
# load the schema package and its SQL parser (a test holds them equal).
TYPESCRIPT_PATH = Path("types/database.types.ts")
PYTHON_PATH = Path("src/vidprompt/db_types.py")

HELP = """Generate typed code from the database schema.

Example: `vidprompt types update --check`"""
app = typer.Typer(no_args_is_help=True, help=HELP)

Schemas = Annotated[
    list[str] | None,
    typer.Option("--schema", "-s", help="Schema to include (repeatable). Default: public."),
]

TypescriptOut = Annotated[
    Path, typer.Option("--typescript-out", help="TypeScript file, relative to --workdir.")
]
PythonOut = Annotated[
    Path | None,
    typer.Option(
        "--python-out",
        help=f"Python module, relative to --workdir (default: {PYTHON_PATH}, if the project "
        "has one).",
    ),
]
CheckOnly = Annotated[
    bool,
    typer.Option("--check", help="Write nothing; exit 1 naming the files that are out of date."),
]
Narrow = Annotated[
    bool,
    typer.Option(
        "--narrow",
        help="TypeScript: text columns with an `in (...)` check become unions of their "
        "values (the default output is the Supabase CLI's, byte for byte).",
    ),
]


@app.command()
def update(
    db_url: DbUrl = None,
    workdir: Workdir = Path(),
    schema: Schemas = None,
    check: CheckOnly = False,
    narrow: Narrow = False,
    typescript_out: TypescriptOut = TYPESCRIPT_PATH,
    python_out: PythonOut = None,
) -> None:
    """Regenerate types/database.types.ts and the Python row models from the live schema.

    The TypeScript file is what `supabase gen types typescript` writes, so a frontend can
    import either. The Python module has a Pydantic model per table and Insert/Update
    TypedDicts, narrowed by the check constraints (written when the project has
    src/vidprompt/db_types.py, or with --python-out). An existing TypeScript file keeps its
    generator's style of the helper types (hosted `--project-id` or `--local`), so the diff
    shows only schema changes. Reads the catalog only.

    Example: vidprompt types update --check
    """
    from vidprompt.database import connect, resolve_target
    from vidprompt.schema import DEFAULT_SCHEMAS, generated_files, read_catalog

    target = resolve_target(db_url, workdir, checked_settings(), on_notice=say_notice)
    with connect(target.url) as conn:
        catalog = read_catalog(conn, schema or DEFAULT_SCHEMAS)
    if python_out is None and (workdir / PYTHON_PATH).exists():
        python_out = PYTHON_PATH
    files = generated_files(
        catalog,
        narrow=narrow,
        typescript_path=typescript_out,
        python_path=python_out,
        workdir=workdir,
    )
    _check_or_write(workdir, files, check=check)


def _check_or_write(workdir: Path, files: list[GeneratedFile], *, check: bool) -> None:
    from vidprompt.schema import StaleTypes, stale_files, write_files

    if check:
        stale = stale_files(workdir, files)
        if stale:
            names = ", ".join(str(path) for path in stale)
            raise StaleTypes(
                f"Out of date: {names}.", hint="Run `vidprompt types update` and commit the result."
            )
        console().print("Types are up to date.")
        return
    written = write_files(workdir, files)
    for path in written:
        say(f"Wrote {path}")
    if not written:
        console().print("Types are up to date.")
