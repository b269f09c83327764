"""``verify`` passes on the pushed schema, fails loudly on the plan's original, and
changes neither database: catalog, sequences and rows are the same before and after."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import psycopg

from tests._cli import run_vidprompt
from tests.conftest import REPO
from tests.fixtures.databases import plan_original_project, push_project
from vidprompt.schema import read_catalog, verify

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


def _snapshot(url: str) -> tuple[Any, ...]:
    """What verify must not change: the catalog, every sequence, the rows of the tables."""
    with psycopg.connect(url, autocommit=True) as conn:
        catalog = read_catalog(conn, ["public", "auth"])
        sequences = conn.execute(
            "select schemaname, sequencename, last_value from pg_sequences order by 1, 2"
        ).fetchall()
        counts = conn.execute(
            "select (select count(*) from auth.users), (select count(*) from public.images),"
            " (select count(*) from public.video_prompts)"
        ).fetchone()
        history = conn.execute(
            "select version, name from supabase_migrations.schema_migrations order by 1"
        ).fetchall()
    return catalog, sequences, counts, history


def _failed(url: str, workdir: Path) -> dict[str, str]:
    with psycopg.connect(url, autocommit=True) as conn:
        return {c.name: c.found for c in verify(conn, workdir) if not c.passed}


def test_verify_passes_on_the_pushed_schema_and_changes_nothing(schema_url: str) -> None:
    before = _snapshot(schema_url)
    assert _failed(schema_url, REPO) == {}
    assert _snapshot(schema_url) == before


def test_verify_fails_on_the_plans_original_and_changes_nothing(
    database_factory: Callable[[str], str], tmp_path: Path
) -> None:
    url = database_factory("layer")
    project = plan_original_project(tmp_path)
    push_project(url, project)
    before = _snapshot(url)
    failed = _failed(url, project)
    assert _snapshot(url) == before
    assert "allowed" in failed["other user cannot attach a prompt to your image"]
    assert "image reference includes the owner (image_id, user_id)" in failed
    for command in ("SELECT", "INSERT", "UPDATE", "DELETE"):
        assert "to public" in failed[f"{command} policy: owner only"]
    assert "trigger function pins search_path" in failed
    # What the plan did get right still passes there.
    passed_too = {"deleting an image deletes its prompts", "other user cannot see it"}
    assert not passed_too & failed.keys()


def test_verify_command_prints_json_and_exits_nonzero_on_failure(
    database_factory: Callable[[str], str], tmp_path: Path
) -> None:
    url = database_factory("layer")
    project = plan_original_project(tmp_path)
    push_project(url, project)
    result = run_vidprompt(project, "verify", "--json", "--db-url", url, "--workdir", str(project))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["passed"] is False
    assert {"group", "name", "passed", "expected", "found"} <= report["checks"][0].keys()
