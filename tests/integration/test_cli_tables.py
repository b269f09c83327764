"""The command line shows database names, file names and paths as they are, whole, wherever they go.

Names come from the database (any role that may create a table, policy or migration file
writes them): Rich markup in them must print literally, never be parsed (a ``[/p]`` crashed
``db lint``; a ``[b]`` vanished), and a table read in a CI log (not a terminal) must not cut a
name or the fix SQL short with "…".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg
from typer.testing import CliRunner

from tests._cli import run_vidprompt
from vidprompt.cli import app

if TYPE_CHECKING:
    from pathlib import Path

LONG = "orders_with_a_rather_long_but_realistic_name_for_line_items"
HOSTILE = f"""
create table public.{LONG} (id bigint primary key, user_id uuid references auth.users (id));
create table public."evil [/] [b]bold[/b]" (id bigint primary key);
create table public.noted (id bigint primary key, user_id uuid);
alter table public.noted enable row level security;
create policy "[/p] extra [admin]" on public.noted for select to authenticated using (true);
create policy "[b]second" on public.noted for select to authenticated using (true);
"""


def _run(*args: str, cwd: Path) -> tuple[int, str]:
    (cwd / "supabase").mkdir(exist_ok=True)
    result = CliRunner().invoke(app, [*args, "--workdir", str(cwd)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.output


def _column(output: str, index: int) -> str:
    """What column ``index`` of a Rich table holds, its folded lines joined, spaces dropped."""
    cells = [line.split("│")[index] for line in output.splitlines() if line.count("│") > index]
    return "".join("".join(cells).split())


def test_db_lint_prints_hostile_and_long_names_literally_and_whole(
    layer_url: str, tmp_path: Path
) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute(HOSTILE)
    code, output = _run("db", "lint", "--db-url", layer_url, cwd=tmp_path)
    assert "Traceback" not in output, output
    assert "MarkupError" not in output, output
    assert code == 1, output  # an exposed table without RLS is an error
    objects, why = _column(output, 3), _column(output, 4)
    assert "evil[/][b]bold[/b]" in objects
    assert "[/p]extra[admin]" in objects + why
    assert "[b]second" in objects + why
    assert f"createindexonpublic.{LONG}(user_id);" in why
    assert "…" not in output


def test_migration_list_prints_a_name_with_brackets_literally(
    layer_url: str, tmp_path: Path
) -> None:
    migrations = tmp_path / "supabase" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "20260101000002_a[b]_and_a_rather_long_but_realistic_name.sql").write_text(
        "select 1;\n"
    )
    _, output = _run("migration", "list", "--db-url", layer_url, cwd=tmp_path)
    assert "Traceback" not in output, output
    assert "20260101000002" in output
    assert "a[b]_and_a_rather_long_but_realistic_name" in _column(output, 3)
    assert "…" not in output


def test_a_mistyped_schema_is_refused_and_the_types_file_kept(
    layer_url: str, tmp_path: Path
) -> None:
    """``types update --schema pubilc`` wrote an empty ``Database`` over the real types."""
    (tmp_path / "supabase").mkdir()
    types = tmp_path / "types" / "database.types.ts"
    types.parent.mkdir()
    types.write_text("// the team's types\n")
    for command in (
        ["types", "update", "--schema", "pubilc"],
        ["db", "lint", "--schema", "pubilc"],
    ):
        done = run_vidprompt(tmp_path, *command, "--db-url", layer_url)
        output = done.stdout + done.stderr
        assert done.returncode == 1, output
        assert "Traceback" not in output
        assert "pubilc" in output
        assert "public" in output  # the schemas there are, to pick from
    assert types.read_text() == "// the team's types\n"


def test_lint_fix_sql_quotes_the_names_that_need_it(layer_url: str) -> None:
    """The fix is meant to be pasted: ``alter table public.My Table ...`` was not SQL."""
    from vidprompt.schema import lint_catalog, read_catalog

    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute(
            'create table public."My Table" (id bigint primary key);'
            ' create table public."user" (id bigint primary key);'
            " create table public.plain_name (id bigint primary key)"
        )
        fixes = {f.object: f.fix for f in lint_catalog(read_catalog(conn))}
        assert fixes["table public.My Table"].startswith('alter table public."My Table" ')
        assert fixes["table public.user"].startswith('alter table public."user" ')
        assert fixes["table public.plain_name"].startswith("alter table public.plain_name ")
        for fix in fixes.values():
            if fix.startswith("alter table"):
                conn.execute(fix.removesuffix(" then add policies.").encode())


def test_file_names_and_paths_print_as_they_are(layer_url: str, tmp_path: Path) -> None:
    """``:fire:`` became an emoji and ``[b]`` vanished in push's list and in error lines."""
    project = tmp_path / "p[red]x[/red]:thumbsup:"
    migrations = project / "supabase" / "migrations"
    migrations.mkdir(parents=True)
    name = "20991231000000_add:fire:_[b]x.sql"
    (migrations / name).write_text("select 1;\n")
    listed = run_vidprompt(project, "db", "push", "--dry-run", "--db-url", layer_url)
    assert listed.returncode == 0, listed.stderr
    assert f"  • {name}\n" in listed.stdout
    refused = run_vidprompt(project, "migration", "new", ":fire:")
    assert refused.returncode == 1
    assert "':fire:'" in refused.stderr
    missing = run_vidprompt(tmp_path, "db", "url", "--workdir", str(project / "no[b]pe:fire:"))
    assert "no[b]pe:fire:" in missing.stderr, missing.stderr
