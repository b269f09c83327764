"""The history stays the CLI's; fingerprints spare re-reading it and never hide an edit."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from tests.integration.push._project import cli, cli_push, history, project, query, said

if TYPE_CHECKING:
    from pathlib import Path


def _fingerprints(url: str) -> dict[str, str]:
    rows = query(url, "select version, fingerprint from supabase_migrations.vidprompt_fingerprints")
    return {str(version): str(fingerprint) for version, fingerprint in rows}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_history_table_keeps_exactly_the_cli_s_columns(bare_url: str, tmp_path: Path) -> None:
    workdir = project(tmp_path, {"1_a.sql": "create table a (x int);"})
    assert cli_push(bare_url, workdir).returncode == 0
    columns = query(
        bare_url,
        "select attname from pg_attribute where attrelid ="
        " 'supabase_migrations.schema_migrations'::regclass and attnum > 0 order by attnum",
    )
    assert columns == [("version",), ("statements",), ("name",)]
    assert _fingerprints(bare_url) == {"1": _sha256(workdir / "supabase/migrations/1_a.sql")}


def test_a_history_row_rewritten_by_another_tool_is_compared_again(
    bare_url: str, tmp_path: Path
) -> None:
    workdir = project(tmp_path, {"1_a.sql": "create table a (x int);"})
    assert cli_push(bare_url, workdir).returncode == 0
    # e.g. `supabase migration repair` recording other statements: the fingerprint is stale
    query(
        bare_url,
        "update supabase_migrations.schema_migrations"
        " set statements = '{create table a (x bigint)}' where version = '1'",
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 1
    assert "edited after they were applied" in said(result)
    assert "1_a.sql" in said(result)
    listing = cli(workdir, "migration", "list", "--db-url", bare_url)
    assert listing.returncode == 1
    assert "edited after push" in said(listing)


def test_an_edit_is_refused_and_a_layout_change_refreshes_the_fingerprint(
    bare_url: str, tmp_path: Path
) -> None:
    workdir = project(tmp_path, {"1_a.sql": "create table a (x int);"})
    path = workdir / "supabase/migrations/1_a.sql"
    assert cli_push(bare_url, workdir).returncode == 0
    path.write_text("create table a (x bigint);")
    edited = cli_push(bare_url, workdir)
    assert edited.returncode == 1
    assert "edited after they were applied" in said(edited)
    path.write_text("-- the first table\ncreate table a (\n  x int\n);\n")
    assert cli_push(bare_url, workdir).returncode == 0
    assert _fingerprints(bare_url) == {"1": _sha256(path)}
    assert history(bare_url) == [("1", "a")]


def test_a_history_written_by_the_supabase_cli_is_compared_then_fingerprinted(
    bare_url: str, tmp_path: Path
) -> None:
    query(
        bare_url,
        "create schema supabase_migrations;"
        " create table supabase_migrations.schema_migrations"
        " (version text primary key, statements text[], name text);"
        " create table a (x int);"
        " insert into supabase_migrations.schema_migrations"
        " values ('1', '{create table a (x int)}', 'a');",
    )
    workdir = project(
        tmp_path, {"1_a.sql": "create table a (x int);", "2_b.sql": "create table b (x int);"}
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 0, said(result)
    assert "Applying migration 2_b.sql" in said(result)
    assert "1_a.sql" not in said(result)
    assert set(_fingerprints(bare_url)) == {"1", "2"}


def test_migration_list_exits_0_with_pending_files_and_1_on_drift(
    bare_url: str, tmp_path: Path
) -> None:
    workdir = project(tmp_path, {"1_a.sql": "create table a (x int);"})
    assert cli_push(bare_url, workdir).returncode == 0
    project(tmp_path, {"2_b.sql": "create table b (x int);"})
    pending = cli(workdir, "migration", "list", "--db-url", bare_url)
    assert pending.returncode == 0, said(pending)
    assert "pending" in said(pending)
    (workdir / "supabase/migrations/1_a.sql").unlink()
    missing = cli(workdir, "migration", "list", "--db-url", bare_url)
    assert missing.returncode == 1
    assert "missing locally" in said(missing)
