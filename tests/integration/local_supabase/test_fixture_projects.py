"""Projects written the way real Supabase projects are push unchanged onto the local layer.

Each folder under tests/fixtures/projects exercises what broke real projects' migrations on
a plain Postgres (see docs/local-database.md). Every one is pushed and seeded in-process on
the server under test (embedded PostgreSQL 18, or --pg) with the calls ``db reset`` makes;
three of them, whose seeds need stand-ins, go through ``vidprompt db reset`` itself (a new
cluster each, so not all nine: that would add minutes to the suite).
"""

from __future__ import annotations

import os
import re
import shutil
from typing import TYPE_CHECKING

import psycopg
import pytest

from tests._cli import run_vidprompt
from tests.conftest import REPO
from vidprompt.migrations import apply_seed, discover, push

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

PROJECTS = REPO / "tests" / "fixtures" / "projects"
NAMES = sorted(path.name for path in PROJECTS.iterdir() if (path / "supabase").is_dir())

# What each project's migrations and seed leave behind, as a user would check it.
OUTCOMES: dict[str, list[tuple[str, object]]] = {
    "remote_schema_dump": [
        ("select count(*) from public.profiles", 1),  # the auth.users trigger ran
        ("select length(api_key) from public.profiles", 48),
        ("select count(*) from pg_publication_tables where tablename = 'notes'", 1),
        (
            "select obj_description(oid, 'pg_extension') from pg_extension"
            " where extname = 'pgcrypto'",
            "cryptographic functions",
        ),
    ],
    "saas_starter": [
        ("select full_name from public.profiles", "Team Owner"),
        ("select length(token) from public.invitations", 64),
        ("select email from auth.identities", "owner@example.test"),
        ("select public from storage.buckets where id = 'avatars'", True),
    ],
    "realtime_chat": [
        ("select count(*) from pg_publication_tables where pubname = 'supabase_realtime'", 2),
        ("select topic from realtime.messages", "room:general"),
        ("select payload -> 'record' ->> 'body' from realtime.messages", "hello"),
    ],
    "vault_secrets": [
        (
            "select string_agg(name || '=' || decrypted_secret, ',' order by name)"
            " from vault.decrypted_secrets",
            "stripe_secret_key=sk_test_rotated,stripe_webhook_secret=whsec_local_only",
        ),
    ],
    "auth_hooks": [
        ("select last_seen_at is not null from public.profiles", True),  # auth.sessions trigger
        (
            "select public.custom_access_token_hook(jsonb_build_object('user_id',"
            " 'e4d8b0f3-0000-4000-8000-000000000001', 'claims', '{}'::jsonb))"
            " -> 'claims' ->> 'user_role'",
            "admin",
        ),
    ],
    "transaction_wrapped": [
        ("select sum(price_cents + discount_cents) from public.products", 3700),
    ],
    "webhooks": [
        ("select count(*) from supabase_functions.hooks", 1),
        (
            "select convert_from(body, 'UTF8')::jsonb -> 'record' ->> 'customer_email'"
            " from net.http_request_queue",
            "buyer@example.test",
        ),
    ],
    "scheduled_jobs": [
        (
            "select string_agg(jobname || ' ' || schedule, ',') from cron.job",
            "purge-old-events 0 4 * * *",
        ),
        ("select message ->> 'template' from pgmq.read('emails', 30, 1)", "welcome"),
    ],
    "vector_search": [
        (
            "select string_agg(content, ',' order by similarity desc)"
            " from public.match_documents('[1,0,0]', 0.5, 5)",
            "cats purr,kittens purr softly",
        ),
    ],
}


def test_every_fixture_project_has_its_outcomes_listed() -> None:
    assert sorted(OUTCOMES) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_the_project_pushes_and_seeds_unchanged(layer_url: str, name: str) -> None:
    project = PROJECTS / name
    migrations = discover(project).migrations
    with psycopg.connect(layer_url, autocommit=True) as conn:
        pushed = push(conn, migrations, include_all=True).pushed
        assert [m.version for m in pushed] == [m.version for m in migrations]
        assert apply_seed(conn, project)
        # The history keeps each file's statements as written.
        recorded = conn.execute(
            "select statements from supabase_migrations.schema_migrations order by version"
        ).fetchall()
        assert [row[0] for row in recorded] == [m.statements for m in migrations]
        for query, expected in OUTCOMES[name]:
            row = conn.execute(query.encode()).fetchone()
            assert row is not None
            assert row[0] == expected, query


# Seeds that need the pre-installed stand-ins and those `create extension` stages.
RESET_THROUGH_THE_CLI = ["remote_schema_dump", "saas_starter", "scheduled_jobs"]


@pytest.mark.parametrize("name", RESET_THROUGH_THE_CLI)
def test_db_reset_rebuilds_the_project_with_its_seed(
    name: str, tmp_path: Path, pg_bin_dir: Path | None
) -> None:
    workdir = tmp_path / name
    shutil.copytree(PROJECTS / name, workdir)
    env = dict(os.environ)
    if pg_bin_dir is not None:
        env["VIDPROMPT_PG_BIN_DIR"] = str(pg_bin_dir)

    def vidprompt(*args: str) -> subprocess.CompletedProcess[str]:
        return run_vidprompt(workdir, *args, env=env)

    try:
        result = vidprompt("db", "reset")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Seeding data from supabase/seed.sql" in result.stdout
        status = vidprompt("db", "status").stdout
        assert re.search(r"^\s+auth\s+stand-in\s", status, re.MULTILINE), status
        url = vidprompt("db", "url").stdout.strip()
        with psycopg.connect(url) as conn:
            query, expected = OUTCOMES[name][0]
            row = conn.execute(query.encode()).fetchone()
            assert row is not None
            assert row[0] == expected
    finally:
        vidprompt("db", "stop")
