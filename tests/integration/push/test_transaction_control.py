"""A file's own BEGIN/COMMIT/SAVEPOINT: one transaction with its history row, or refused."""

from __future__ import annotations

import signal
import time
from typing import TYPE_CHECKING

import pytest

from tests.integration.push._project import (
    cli_push,
    history,
    project,
    query,
    said,
    spawn_push,
    statements,
    tables,
)

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ("begin;", "commit;"),
        ("BEGIN TRANSACTION;", "COMMIT WORK;"),
        ("start transaction;", "end;"),
        ("begin work;", "end transaction;"),
    ],
)
def test_a_file_wrapped_in_begin_commit_runs_as_its_own_transaction(
    bare_url: str, tmp_path: Path, opening: str, closing: str
) -> None:
    body = "create table a (x int);\ncreate table b (x int);\n"
    workdir = project(tmp_path, {"1_wrapped.sql": f"-- a note\n{opening}\n{body}{closing}\n"})
    result = cli_push(bare_url, workdir)
    assert result.returncode == 0, said(result)
    assert "Finished: pushed 1 migration(s)" in said(result)
    assert tables(bare_url) == {"a", "b"}
    assert history(bare_url) == [("1", "wrapped")]
    # stored as the Supabase CLI stores the file: every statement, the wrapper included
    stored = statements(bare_url, "1")
    assert stored[-1] == closing.rstrip(";")
    assert stored[1:3] == ["create table a (x int)", "create table b (x int)"]
    assert cli_push(bare_url, workdir).returncode == 0
    assert history(bare_url) == [("1", "wrapped")]


def test_a_failing_wrapped_file_leaves_nothing_and_says_so_truthfully(
    bare_url: str, tmp_path: Path
) -> None:
    workdir = project(
        tmp_path,
        {
            "1_ok.sql": "create table kept (x int);",
            "2_wrapped.sql": "begin;\ncreate table lost (x int);\n"
            "insert into lost values ('not a number');\ncommit;\n",
        },
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 1
    assert "2_wrapped.sql: statement 3 of 4 failed (SQLSTATE 22P02)" in said(result)
    assert "Nothing of this file was applied" in said(result)
    assert "Traceback" not in said(result)
    assert tables(bare_url) == {"kept"}
    assert history(bare_url) == [("1", "ok")]


def test_savepoints_work_inside_a_file(bare_url: str, tmp_path: Path) -> None:
    workdir = project(
        tmp_path,
        {
            "1_wrapped.sql": "begin;\ncreate table a (x int);\nsavepoint s;\n"
            "insert into a values (1);\nrollback to savepoint s;\ninsert into a values (2);\n"
            "release savepoint s;\ncommit;",
            "2_bare.sql": "savepoint t;\ninsert into a values (3);\nrollback to t;\n"
            "insert into a values (4);",
        },
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 0, said(result)
    assert query(bare_url, "select x from a order by x") == [(2,), (4,)]
    assert history(bare_url) == [("1", "wrapped"), ("2", "bare")]


def test_begin_options_are_honoured(bare_url: str, tmp_path: Path) -> None:
    workdir = project(
        tmp_path,
        {
            "1_serial.sql": "begin isolation level serializable;\ncreate table a (level text);\n"
            "insert into a select current_setting('transaction_isolation');\ncommit;",
            "2_repeatable.sql": "set transaction isolation level repeatable read;\n"
            "insert into a select current_setting('transaction_isolation');",
        },
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 0, said(result)
    assert query(bare_url, "select level from a order by level") == [
        ("repeatable read",),
        ("serializable",),
    ]


@pytest.mark.parametrize(
    ("sql", "line", "advice"),
    [
        ("create table a (x int);\nrollback;\ncreate table b (x int);", 2, "SAVEPOINT"),
        ("begin;\ncreate table a (x int);\nrollback;", 3, "SAVEPOINT"),
        ("create table a (x int);\ncommit;\ncreate table b (x int);", 2, "Split the file"),
        (
            "alter table t add column y int;\ncommit;\nbegin;\nupdate t set y = 1;",
            2,
            "Split the file",
        ),
        ("begin;\ncreate table a (x int);\ncommit;\ncreate table b (x int);", 1, "Split the file"),
        ("begin;\ncreate table a (x int);", 1, "Split the file"),
        ("create table a (x int);\ncommit;", 2, "Split the file"),
        ("begin;\ncreate table a (x int);\ncommit and chain;", 1, "Split the file"),
        ("create table a (x int);\nprepare transaction 'p';", 2, "Remove it"),
    ],
)
def test_a_shape_that_cannot_be_atomic_is_refused_before_anything_runs(
    bare_url: str, tmp_path: Path, sql: str, line: int, advice: str
) -> None:
    workdir = project(tmp_path, {"1_first.sql": "create table t (x int);", "2_shape.sql": sql})
    result = cli_push(bare_url, workdir)
    assert result.returncode == 1
    message = said(result)
    assert f"2_shape.sql, line {line}:" in message
    assert advice in message
    assert "Nothing was pushed" in message
    assert "Traceback" not in message
    # refused before the first file ran, not half-way
    assert tables(bare_url) == set()
    assert history(bare_url) == []


def test_a_dry_run_refuses_the_same_files(bare_url: str, tmp_path: Path) -> None:
    workdir = project(tmp_path, {"1_a.sql": "create table a (x int);\nrollback;"})
    result = cli_push(bare_url, workdir, "--dry-run")
    assert result.returncode == 1
    assert "1_a.sql, line 2:" in said(result)


def test_a_new_enum_value_used_in_the_same_file_is_refused(bare_url: str, tmp_path: Path) -> None:
    workdir = project(
        tmp_path,
        {
            "1_enum.sql": "create type mood as enum ('ok');\ncreate table m (v mood);",
            "2_add.sql": "alter type mood add value 'sad';\ninsert into m values ('sad');",
        },
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 1
    assert "2_add.sql, line 2: uses the enum value 'sad' that line 1 adds" in said(result)
    assert "later migration" in said(result)
    assert history(bare_url) == []
    # the value alone is fine inside a transaction; its use belongs to the next file
    project(
        tmp_path,
        {
            "2_add.sql": "alter type mood add value 'sad';",
            "3_use.sql": "insert into m values ('sad');",
        },
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 0, said(result)
    assert query(bare_url, "select v::text from m") == [("sad",)]
    assert [version for version, _ in history(bare_url)] == ["1", "2", "3"]


def test_a_file_s_role_and_settings_do_not_leak_into_the_history_or_the_next_file(
    bare_url: str, tmp_path: Path
) -> None:
    workdir = project(
        tmp_path,
        {
            "1_role.sql": "create role app_reader nologin;\ncreate schema nowhere;\n"
            "set role app_reader;\nset search_path = nowhere;\nset statement_timeout = 1;",
            "2_wrapped.sql": "begin;\nset role app_reader;\ncommit;",
            "3_next.sql": "create table b (owner text default current_user, path text"
            " default current_setting('search_path'));\ninsert into b default values;\n"
            "select pg_sleep(0.01);",
        },
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 0, said(result)
    assert "Traceback" not in said(result)
    owner, path = query(bare_url, "select owner, path from public.b")[0]
    assert owner != "app_reader"
    assert "nowhere" not in str(path)
    assert query(bare_url, "select tableowner <> 'app_reader' from pg_tables where tablename = 'b'")
    assert [version for version, _ in history(bare_url)] == ["1", "2", "3"]


def test_five_concurrent_pushes_of_a_wrapped_file_apply_it_once(
    bare_url: str, tmp_path: Path
) -> None:
    workdir = project(
        tmp_path,
        {
            "1_wrapped.sql": "begin;\ncreate table w (x int);\nselect pg_sleep(0.3);\n"
            "insert into w values (1);\ncommit;",
        },
    )
    pushes = [spawn_push(bare_url, workdir) for _ in range(5)]
    outputs = [push.communicate(timeout=120) for push in pushes]
    assert [push.returncode for push in pushes] == [0] * 5, outputs
    applying = sum(out.count("Applying migration 1_wrapped.sql") for out, _ in outputs)
    assert applying == 1
    assert not any("Traceback" in err for _, err in outputs)
    assert query(bare_url, "select x from w") == [(1,)]
    assert history(bare_url) == [("1", "wrapped")]


def test_a_push_killed_mid_file_leaves_nothing_and_the_next_push_applies_it(
    bare_url: str, tmp_path: Path
) -> None:
    query(bare_url, "create table hold (x int); insert into hold values (1)")
    workdir = project(
        tmp_path,
        {
            "1_slow.sql": "create table a (x int);\n"
            "select pg_sleep(60) from hold;\ncreate table b ();"
        },
    )
    push = spawn_push(bare_url, workdir)
    backend = _wait_for(bare_url, "select pg_sleep(60)%")
    push.send_signal(signal.SIGKILL)
    push.wait(timeout=30)
    query(bare_url, f"select pg_terminate_backend({backend})")
    assert tables(bare_url) == {"hold"}
    assert history(bare_url) == []
    query(bare_url, "delete from hold")
    result = cli_push(bare_url, workdir)
    assert result.returncode == 0, said(result)
    assert tables(bare_url) == {"hold", "a", "b"}
    assert history(bare_url) == [("1", "slow")]


def _wait_for(url: str, pattern: str) -> int:
    """The pid of the backend running a statement like ``pattern``."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = query(
            url,
            "select pid from pg_stat_activity where query like"
            f" '{pattern}' and pid <> pg_backend_pid()",
        )
        if rows:
            return int(str(rows[0][0]))
        time.sleep(0.1)
    raise AssertionError(f"no backend ran {pattern!r}")
