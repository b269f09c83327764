"""Finding migration files the way the Supabase CLI does, and planning a push."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from vidprompt.errors import HistoryConflict, MigrationFileError
from vidprompt.migrations import AppliedMigration, State, compare, discover, new_migration, pending

if TYPE_CHECKING:
    from pathlib import Path


def _write(workdir: Path, name: str, sql: str = "select 1;") -> None:
    directory = workdir / "supabase" / "migrations"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(sql)


def test_files_sort_by_version_and_others_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "20240102000000_second.sql")
    _write(tmp_path, "20240101000000_first.sql")
    _write(tmp_path, "notes.sql")
    _write(tmp_path, "20240103000000_draft.sql.bak")
    found = discover(tmp_path)
    assert [(m.version, m.name) for m in found.migrations] == [
        ("20240101000000", "first"),
        ("20240102000000", "second"),
    ]
    assert sorted(p.name for p in found.skipped) == ["20240103000000_draft.sql.bak", "notes.sql"]


def test_two_files_with_one_version_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, "1_a.sql")
    _write(tmp_path, "1_b.sql")
    with pytest.raises(MigrationFileError, match="share version 1"):
        discover(tmp_path)


def test_new_migration_is_stamped_in_utc(tmp_path: Path) -> None:
    path = new_migration(tmp_path, "add_profiles", now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert path.name == "20260102030405_add_profiles.sql"
    assert path.read_text() == ""


@pytest.mark.parametrize("name", ["", "../evil", "with space", "a/b"])
def test_new_migration_refuses_unsafe_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(MigrationFileError):
        new_migration(tmp_path, name)


def _applied(version: str, statements: list[str] | None = None) -> AppliedMigration:
    return AppliedMigration(version, "x", ["select 1"] if statements is None else statements)


def test_the_plan_names_pending_missing_and_edited_versions(tmp_path: Path) -> None:
    _write(tmp_path, "1_a.sql")
    _write(tmp_path, "2_b.sql", "select 2;")
    _write(tmp_path, "4_d.sql")
    states = compare(discover(tmp_path).migrations, [_applied("1"), _applied("2"), _applied("3")])
    assert [(s.version, s.state) for s in states] == [
        ("1", State.APPLIED),
        ("2", State.EDITED),
        ("3", State.MISSING_LOCALLY),
        ("4", State.PENDING),
    ]


def test_missing_files_are_refused_before_anything_else(tmp_path: Path) -> None:
    _write(tmp_path, "2_b.sql")
    with pytest.raises(HistoryConflict, match=r"(?s)not found in the local.*1_x\.sql"):
        pending(compare(discover(tmp_path).migrations, [_applied("1")]), include_all=False)


def test_an_edited_file_is_refused_with_its_name(tmp_path: Path) -> None:
    _write(tmp_path, "1_a.sql", "select 42;")
    with pytest.raises(HistoryConflict, match=r"(?s)edited after.*1_a\.sql") as caught:
        pending(compare(discover(tmp_path).migrations, [_applied("1")]), include_all=False)
    assert caught.value.hint
    assert "migration new" in caught.value.hint


def test_older_files_need_include_all(tmp_path: Path) -> None:
    _write(tmp_path, "1_a.sql")
    _write(tmp_path, "2_b.sql")
    _write(tmp_path, "3_c.sql")
    states = compare(discover(tmp_path).migrations, [_applied("1"), _applied("3")])
    with pytest.raises(HistoryConflict, match=r"(?s)before the last migration.*2_b\.sql"):
        pending(states, include_all=False)
    assert [m.version for m in pending(states, include_all=True)] == ["2"]


def test_history_rows_without_statements_are_not_called_edited(tmp_path: Path) -> None:
    _write(tmp_path, "1_a.sql", "select 99;")
    states = compare(discover(tmp_path).migrations, [AppliedMigration("1", None, None)])
    assert states[0].state is State.APPLIED
