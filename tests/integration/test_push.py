"""``db push`` against a real database: history, atomic files, refusals, dry runs."""

from __future__ import annotations

import shutil
import threading
from typing import TYPE_CHECKING

import psycopg
import pytest

from tests.conftest import REPO
from vidprompt.errors import HistoryConflict, MissingExtension, StatementFailed
from vidprompt.migrations import discover, push, read_history

if TYPE_CHECKING:
    from pathlib import Path


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    directory = tmp_path / "supabase" / "migrations"
    directory.mkdir(parents=True)
    for name, sql in files.items():
        (directory / name).write_text(sql)
    return tmp_path


def _push(
    url: str, workdir: Path, *, include_all: bool = False, dry_run: bool = False
) -> list[str]:
    with psycopg.connect(url, autocommit=True) as conn:
        result = push(conn, discover(workdir).migrations, include_all=include_all, dry_run=dry_run)
    return [m.version for m in result.pushed]


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select tablename from pg_tables where schemaname = 'public'"
        ).fetchall()
    return {row[0] for row in rows}


def test_the_repository_migrations_apply_and_a_second_push_is_a_no_op(
    layer_url: str, tmp_path: Path
) -> None:
    workdir = tmp_path / "project"
    shutil.copytree(REPO / "supabase", workdir / "supabase")
    versions = [m.version for m in discover(workdir).migrations]
    assert _push(layer_url, workdir) == versions
    assert _push(layer_url, workdir) == []
    assert {"collections", "images", "video_prompts"} <= _tables(layer_url)
    with psycopg.connect(layer_url) as conn:
        history = read_history(conn)
    assert [(row.version, row.name) for row in history][:2] == [
        ("20260105152700", "create_image_generation_tables"),
        ("20261124204044", "create_video_prompts_table"),
    ]
    assert history[1].statements
    assert history[1].statements[0].startswith("create table public.video_prompts")


def test_history_rows_store_statements_like_the_supabase_cli(bare_url: str, tmp_path: Path) -> None:
    workdir = _project(tmp_path, {"1_first.sql": "create table a (x text);\n\n  select ';' ;\n"})
    _push(bare_url, workdir)
    with psycopg.connect(bare_url) as conn:
        row = conn.execute(
            "select version, name, statements from supabase_migrations.schema_migrations"
        ).fetchone()
    assert row == ("1", "first", ["create table a (x text)", "select ';'"])


def test_a_failing_file_leaves_no_trace_and_earlier_files_stay(
    bare_url: str, tmp_path: Path
) -> None:
    workdir = _project(
        tmp_path,
        {
            "1_ok.sql": "create table kept (x int);",
            "2_bad.sql": "create table lost (x int);\ninsert into lost values ('not a number');",
            "3_later.sql": "create table never (x int);",
        },
    )
    with pytest.raises(StatementFailed) as caught:
        _push(bare_url, workdir)
    message = str(caught.value)
    assert "2_bad.sql: statement 2 of 2 failed (SQLSTATE 22P02)" in message
    assert "insert into lost values ('not a number')" in message
    assert "^" in message  # Postgres's error position, marked under the statement
    assert _tables(bare_url) == {"kept"}
    with psycopg.connect(bare_url) as conn:
        assert [row.version for row in read_history(conn)] == ["1"]


def test_concurrent_pushes_apply_each_file_once(bare_url: str, tmp_path: Path) -> None:
    # A file that is not idempotent: applying it twice would fail.
    workdir = _project(
        tmp_path,
        {
            f"{n}_t{n}.sql": f"create table t{n} (x int); select pg_sleep(0.05);"
            for n in range(1, 6)
        },
    )
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(_push(bare_url, workdir))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # each file ran exactly once (a second run of a file would fail: its table exists)
    assert sorted(version for pushed in results for version in pushed) == ["1", "2", "3", "4", "5"]


def test_an_edited_file_is_refused(bare_url: str, tmp_path: Path) -> None:
    workdir = _project(tmp_path, {"1_a.sql": "create table a (x int);"})
    _push(bare_url, workdir)
    (workdir / "supabase/migrations/1_a.sql").write_text("create table a (x bigint);")
    with pytest.raises(HistoryConflict, match=r"1_a\.sql"):
        _push(bare_url, workdir)
    # a comment or re-formatting is not an edit
    (workdir / "supabase/migrations/1_a.sql").write_text("-- note\ncreate table a (\n  x int\n);")
    assert _push(bare_url, workdir) == []


def test_a_missing_file_is_refused(bare_url: str, tmp_path: Path) -> None:
    workdir = _project(tmp_path, {"1_a.sql": "select 1;", "2_b.sql": "select 2;"})
    _push(bare_url, workdir)
    (workdir / "supabase/migrations/1_a.sql").unlink()
    with pytest.raises(HistoryConflict, match=r"(?s)not found in the local.*1_a\.sql"):
        _push(bare_url, workdir)


def test_an_out_of_order_file_needs_include_all(bare_url: str, tmp_path: Path) -> None:
    workdir = _project(tmp_path, {"1_a.sql": "select 1;", "3_c.sql": "select 3;"})
    _push(bare_url, workdir)
    (workdir / "supabase/migrations/2_b.sql").write_text("create table b (x int);")
    with pytest.raises(HistoryConflict, match=r"2_b\.sql"):
        _push(bare_url, workdir)
    assert "b" not in _tables(bare_url)
    assert _push(bare_url, workdir, include_all=True) == ["2"]
    assert "b" in _tables(bare_url)


def test_a_dry_run_changes_nothing(bare_url: str, tmp_path: Path) -> None:
    workdir = _project(tmp_path, {"1_a.sql": "create table a (x int);"})
    assert _push(bare_url, workdir, dry_run=True) == ["1"]
    assert _tables(bare_url) == set()
    with psycopg.connect(bare_url) as conn:
        schema = conn.execute("select to_regnamespace('supabase_migrations')").fetchone()
    assert schema == (None,)


def test_a_missing_extension_is_named_with_what_to_do(bare_url: str, tmp_path: Path) -> None:
    workdir = _project(tmp_path, {"1_ext.sql": 'create extension if not exists "no_such_ext";'})
    with pytest.raises(MissingExtension, match="no_such_ext") as caught:
        _push(bare_url, workdir)
    assert caught.value.hint
    assert "--db-url" in caught.value.hint


def test_a_migration_referencing_auth_on_plain_postgres_says_why(
    bare_url: str, tmp_path: Path
) -> None:
    workdir = _project(tmp_path, {"1_a.sql": "create table a (u uuid references auth.users);"})
    with pytest.raises(StatementFailed) as caught:
        _push(bare_url, workdir)
    assert caught.value.hint
    assert "auth layer" in caught.value.hint


def test_a_file_with_create_index_concurrently_is_pushed_outside_a_transaction(
    bare_url: str, tmp_path: Path
) -> None:
    workdir = _project(
        tmp_path,
        {
            "1_table.sql": "create table t (x int);",
            "2_index.sql": "create index concurrently t_x_idx on t (x);\nselect 1;",
        },
    )
    assert [m.transactional for m in discover(workdir).migrations] == [True, False]
    assert _push(bare_url, workdir) == ["1", "2"]
    with psycopg.connect(bare_url) as conn:
        valid = conn.execute(
            "select indisvalid from pg_index where indexrelid = 't_x_idx'::regclass"
        ).fetchone()
    assert valid == (True,)
    assert _push(bare_url, workdir) == []


def test_a_failure_outside_a_transaction_says_what_stayed_applied(
    bare_url: str, tmp_path: Path
) -> None:
    workdir = _project(
        tmp_path,
        {"1_index.sql": "create table t (x int);\ncreate index concurrently i on missing (x);"},
    )
    with pytest.raises(StatementFailed, match="statements 1 to 1 stay applied"):
        _push(bare_url, workdir)
    assert _tables(bare_url) == {"t"}
    with psycopg.connect(bare_url) as conn:
        assert read_history(conn) == []
