"""The database commands as a user runs them: start, push, list, reset, stop."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import psycopg
import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from tests.acceptance.conftest import Run


def test_push_on_a_fresh_local_database_then_nothing_to_push(vidprompt: Run, project: Path) -> None:
    first = vidprompt("db", "push")
    assert "Applying migration 20260105152700_create_image_generation_tables.sql" in first.stdout
    assert "Applying migration 20261124204044_create_video_prompts_table.sql" in first.stdout
    second = vidprompt("db", "push")
    assert "up to date" in second.stdout
    listing = vidprompt("migration", "list")
    assert listing.stdout.count("applied") >= 2
    assert "pending" not in listing.stdout


def test_start_status_url_stop_and_data_survives_a_restart(vidprompt: Run) -> None:
    vidprompt("db", "start")
    url = vidprompt("db", "url").stdout.strip()
    assert url.startswith("postgresql://")
    assert "running: yes" in vidprompt("db", "status").stdout
    vidprompt("db", "push")
    vidprompt("db", "stop")
    stopped = vidprompt("db", "status", check=False)
    assert stopped.returncode == 1
    assert "running: no" in stopped.stdout
    vidprompt("db", "start")
    with psycopg.connect(vidprompt("db", "url").stdout.strip()) as conn:
        assert conn.execute("select to_regclass('public.video_prompts')").fetchone() == (
            "video_prompts",
        )


@pytest.mark.usefixtures("local_database_pushed")
def test_reset_wipes_data_and_reapplies_migrations_and_seed(vidprompt: Run, project: Path) -> None:
    url = vidprompt("db", "url").stdout.strip()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table public.scratch (x int)")
    (project / "supabase" / "seed.sql").write_text(
        "insert into auth.users (id, email) values ('00000000-0000-0000-0000-00000000000a',"
        " 'seed@example.test');"
    )
    result = vidprompt("db", "reset")
    assert "seed.sql" in result.stdout
    with psycopg.connect(vidprompt("db", "url").stdout.strip()) as conn:
        assert conn.execute("select to_regclass('public.scratch')").fetchone() == (None,)
        assert conn.execute("select count(*) from public.video_prompts").fetchone() == (0,)
        assert conn.execute("select email from auth.users").fetchall() == [("seed@example.test",)]
        history = conn.execute("select count(*) from supabase_migrations.schema_migrations")
        assert history.fetchone() == (len(list((project / "supabase/migrations").glob("*.sql"))),)


def test_two_push_processes_at_once_apply_each_file_once(
    vidprompt: Run, project: Path, cli_env: dict[str, str]
) -> None:
    vidprompt("db", "start")
    pushes = [
        subprocess.Popen(
            [sys.executable, "-m", "vidprompt", "db", "push"],
            cwd=project,
            env=cli_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in pushes]
    assert [p.returncode for p in pushes] == [0, 0], outputs
    applied = sum(out.count("Applying migration") for out, _ in outputs)
    assert applied == len(list((project / "supabase/migrations").glob("*.sql")))


@pytest.mark.usefixtures("local_database_pushed")
def test_an_edited_migration_is_one_clear_error_without_a_traceback(
    vidprompt: Run, project: Path
) -> None:
    vidprompt("db", "push")
    path = next((project / "supabase/migrations").glob("*video_prompts*"))
    path.write_text(path.read_text().replace("<= 2000", "<= 3000"))
    result = vidprompt("db", "push", check=False)
    assert result.returncode == 1
    assert "error:" in result.stderr
    assert path.name in result.stderr
    assert "Traceback" not in result.stderr
    listing = vidprompt("migration", "list", check=False)
    assert listing.returncode == 1
    assert "edited after push" in listing.stdout


def test_dry_run_lists_and_changes_nothing(vidprompt: Run) -> None:
    result = vidprompt("db", "push", "--dry-run")
    assert "Would push" in result.stdout
    assert "create_video_prompts_table" in result.stdout
    assert "pending" in vidprompt("migration", "list").stdout


def test_migration_new_creates_a_stamped_file(vidprompt: Run, project: Path) -> None:
    result = vidprompt("migration", "new", "add_profiles")
    created = sorted((project / "supabase/migrations").glob("*_add_profiles.sql"))
    assert len(created) == 1
    assert created[0].name[:14].isdigit()
    assert created[0].name in result.stdout


def test_db_url_option_targets_another_database(vidprompt: Run, layer_url: str) -> None:
    vidprompt("db", "push", "--db-url", layer_url)
    with psycopg.connect(layer_url) as conn:
        assert conn.execute("select to_regclass('public.video_prompts')").fetchone() == (
            "video_prompts",
        )
