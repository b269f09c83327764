"""``vidprompt verify``: the plan's must-haves, checked against a live database."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer

from vidprompt.cli._common import DbUrl, Workdir, checked_settings, console, say_notice
from vidprompt.cli._tables import plain, table


def verify(
    db_url: DbUrl = None,
    workdir: Workdir = Path(),
    as_json: bool = typer.Option(False, "--json", help="Print the checks as JSON."),
) -> None:
    """Check the database against the plan's must-haves for video_prompts.

    Columns, checks, keys, indexes, RLS, policies, trigger, migration history, generated
    types, and behaviour: cascade, isolation between users, ordered variants. Exits 1 if
    any check fails.

    Behavioural checks write test rows in a transaction that is always rolled back: the
    database is left unchanged.

    Example: vidprompt verify --db-url "$SUPABASE_DB_URL"
    """
    from vidprompt.database import connect, resolve_target
    from vidprompt.schema import verify as run_checks

    target = resolve_target(db_url, workdir, checked_settings(), on_notice=say_notice)
    with connect(target.url) as conn:
        checks = run_checks(conn, workdir)
    failed = [c for c in checks if not c.passed]
    if as_json:
        print(json.dumps({"passed": not failed, "checks": [asdict(c) for c in checks]}, indent=2))
    else:
        drawn = table("", "group", "check", "found", title="vidprompt verify")
        for check in checks:
            mark = "[green]PASS[/]" if check.passed else "[bold red]FAIL[/]"
            found = plain(check.found)
            if not check.passed:
                found += f"\n[dim]expected: {plain(check.expected)}[/]"
            drawn.add_row(mark, plain(check.group), plain(check.name), found)
        console().print(drawn)
        console().print(f"{len(checks) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)
