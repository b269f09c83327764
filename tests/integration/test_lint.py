"""``db lint``: clean on our schema, flags the plan's original, and each lint fires on the
mistake it names. Migration files are also checked with squawk."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

from tests.conftest import REPO
from tests.fixtures.databases import plan_original_project, push_project
from vidprompt.schema import at_or_above, lint_catalog, read_catalog

if TYPE_CHECKING:
    from collections.abc import Callable

    from vidprompt.schema import Finding

MISTAKES = """
create table public.open_notes (id bigint primary key, body text);
create table public.guarded (id bigint primary key, user_id uuid references auth.users (id));
create policy "orphan" on public.guarded for select using (true);
create table public.sealed (id bigint primary key);
alter table public.sealed enable row level security;
create table public.notes (
  id bigint primary key,
  user_id uuid not null references auth.users (id),
  parent bigint references public.open_notes (id)
);
create index notes_a on public.notes (user_id);
create index notes_b on public.notes (user_id);
alter table public.notes enable row level security;
create policy "read 1" on public.notes for select to authenticated using (auth.uid() = user_id);
create policy "read 2" on public.notes for select to authenticated
  using ((auth.jwt() -> 'user_metadata' ->> 'admin') = 'true');
create view public.notes_view as select id from public.notes;
grant select on public.notes_view to anon;
create function public.loose() returns int language sql as $$ select 1 $$;
"""


def _lint(url: str) -> list[Finding]:
    with psycopg.connect(url, autocommit=True) as conn:
        return lint_catalog(read_catalog(conn))


def test_our_schema_has_no_findings(schema_url: str) -> None:
    assert _lint(schema_url) == []


def test_the_plans_original_sql_is_flagged(
    database_factory: Callable[[str], str], tmp_path: Path
) -> None:
    url = database_factory("layer")
    push_project(url, plan_original_project(tmp_path))
    found = {(f.name, f.object) for f in _lint(url)}
    table = "public.video_prompts"
    assert (
        "foreign_key_crosses_owners",
        f"foreign key video_prompts_image_id_fkey on {table}",
    ) in found
    for policy in ("view", "insert", "update", "delete"):
        assert (
            "auth_rls_initplan",
            f'policy "Users can {policy} own video prompts" on {table}',
        ) in found
    assert ("function_search_path_mutable", "function public.update_updated_at_column()") in found


def test_each_lint_fires_on_the_mistake_it_names(layer_url: str) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute(MISTAKES.encode())
    findings = _lint(layer_url)
    by_name = {f.name: f for f in findings}
    assert set(by_name) == {
        "auth_rls_initplan", "duplicate_index", "function_search_path_mutable",
        "multiple_permissive_policies", "policy_exists_rls_disabled", "rls_disabled_in_public",
        "rls_enabled_no_policy", "rls_references_user_metadata", "security_definer_view",
        "unindexed_foreign_keys",
    }  # fmt: skip
    for finding in findings:
        assert finding.why
        assert finding.fix
    assert by_name["rls_disabled_in_public"].level == "ERROR"
    assert by_name["unindexed_foreign_keys"].object.startswith("foreign key notes_parent_fkey")
    assert at_or_above(findings, "error")
    assert all(f.level == "ERROR" for f in at_or_above(findings, "error"))


def test_a_foreign_key_that_includes_the_owner_is_not_flagged(layer_url: str) -> None:
    with psycopg.connect(layer_url, autocommit=True) as conn:
        conn.execute(
            b"create table public.albums (id uuid primary key, user_id uuid not null"
            b" references auth.users (id), unique (id, user_id));"
            b"create table public.photos (id uuid primary key, album_id uuid not null,"
            b" user_id uuid not null references auth.users (id),"
            b" foreign key (album_id, user_id) references public.albums (id, user_id));"
            b"create table public.loose_photos (id uuid primary key, album_id uuid not null"
            b" references public.albums (id), user_id uuid not null references auth.users (id));"
        )
    crossing = [f.object for f in _lint(layer_url) if f.name == "foreign_key_crosses_owners"]
    assert crossing == ["foreign key loose_photos_album_id_fkey on public.loose_photos"]


def _squawk(*paths: str) -> subprocess.CompletedProcess[str]:
    squawk = shutil.which("squawk") or str(Path(__file__).resolve().parents[2] / ".venv/bin/squawk")
    return subprocess.run(
        [squawk, "--reporter", "gcc", *paths],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_squawk_finds_no_unsafe_ddl_in_the_migrations() -> None:
    migrations = sorted(
        str(p.relative_to(REPO)) for p in (REPO / "supabase/migrations").glob("*.sql")
    )
    result = _squawk(*migrations)
    assert result.returncode == 0, result.stdout + result.stderr


def test_squawk_flags_a_blocking_index_on_an_existing_table(tmp_path: Path) -> None:
    migration = tmp_path / "20270101000000_index_images.sql"
    migration.write_text("create index images_url_idx on public.images (url);\n")
    result = _squawk(str(migration))
    assert result.returncode != 0
    assert "require-concurrent-index-creation" in result.stdout
