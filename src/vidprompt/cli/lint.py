"""``vidprompt db lint``: Supabase's advisor lints and ours, on the live schema."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from vidprompt.cli._common import DbUrl, Workdir, checked_settings, console, say_notice
from vidprompt.cli._tables import plain, table


class FailOn(StrEnum):
    WARN = "warn"
    ERROR = "error"


Schemas = Annotated[
    list[str] | None,
    typer.Option("--schema", "-s", help="Schema to lint (repeatable). Default: public."),
]
FailOnOption = Annotated[
    FailOn, typer.Option("--fail-on", help="Exit 1 on findings of this level or worse.")
]


def lint(
    db_url: DbUrl = None,
    workdir: Workdir = Path(),
    schema: Schemas = None,
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
    fail_on: FailOnOption = FailOn.WARN,
) -> None:
    """Lint the schema like Supabase's advisor: RLS gaps, per-row auth calls, mutable
    search paths, unindexed or duplicate indexes, definer views, user_metadata in
    policies, and foreign keys that let one user point at another user's rows.

    Each finding names the object, its level (ERROR, WARN, INFO), why it matters and the
    fix. Reads the catalog only.

    Example: vidprompt db lint --fail-on error
    """
    from vidprompt.database import connect, resolve_target
    from vidprompt.schema import DEFAULT_SCHEMAS, at_or_above, lint_catalog, read_catalog

    target = resolve_target(db_url, workdir, checked_settings(), on_notice=say_notice)
    with connect(target.url) as conn:
        findings = lint_catalog(read_catalog(conn, schema or DEFAULT_SCHEMAS))
    if as_json:
        print(json.dumps([asdict(f) for f in findings], indent=2))
    elif not findings:
        console().print("No findings.")
    else:
        drawn = table("level", "lint", "object", "why / fix", title="vidprompt db lint")
        for f in findings:
            style = {"ERROR": "bold red", "WARN": "yellow"}.get(f.level, "cyan")
            drawn.add_row(
                f"[{style}]{f.level}[/]",
                f.name,
                plain(f.object),
                f"{plain(f.why)}\n[dim]fix: {plain(f.fix)}[/]",
            )
        console().print(drawn)
    if at_or_above(findings, fail_on.value):
        raise typer.Exit(1)
