"""Files Postgres cannot run in one transaction: serialized, checked for INVALID indexes."""

from __future__ import annotations

import os
import signal
import time
from typing import TYPE_CHECKING

import psycopg

from tests.integration.push._project import (
    cli_push,
    history,
    index_valid,
    project,
    query,
    said,
    spawn_push,
)
from vidprompt.migrations._history import HISTORY, ensure_history
from vidprompt.migrations._push import PUSH_LOCK

if TYPE_CHECKING:
    from pathlib import Path


def _with_table(url: str, rows: str = "select generate_series(1, 1000)") -> None:
    query(url, f"create table t (x int); insert into t (x) {rows}")


def test_the_concurrently_family_runs_outside_a_transaction(bare_url: str, tmp_path: Path) -> None:
    query(
        bare_url,
        "create table t (x int); create index t_old on t (x);"
        " create table p (x int) partition by range (x);"
        " create table p1 partition of p for values from (0) to (10)",
    )
    workdir = project(
        tmp_path,
        {
            "1_drop.sql": "drop index concurrently t_old;",
            "2_reindex.sql": "create index t_x on t (x);\nreindex index concurrently t_x;",
            "3_detach.sql": "alter table p detach partition p1 concurrently;",
            "4_vacuum.sql": "vacuum (analyze) t;",
        },
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 0, said(result)
    assert "cannot run in a transaction" in said(result)
    assert index_valid(bare_url, "t_old") is None
    assert index_valid(bare_url, "t_x") is True
    assert query(bare_url, "select count(*) from pg_inherits") == [(0,)]
    assert [version for version, _ in history(bare_url)] == ["1", "2", "3", "4"]


def test_a_concurrent_statement_inside_the_file_s_own_begin_is_refused(
    bare_url: str, tmp_path: Path
) -> None:
    _with_table(bare_url)
    workdir = project(
        tmp_path, {"1_i.sql": "begin;\ncreate index concurrently i on t (x);\ncommit;"}
    )
    result = cli_push(bare_url, workdir)
    assert result.returncode == 1
    assert "1_i.sql, line 2: CREATE INDEX CONCURRENTLY cannot run inside the transaction" in (
        said(result)
    )
    assert "migration of its own" in said(result)
    assert index_valid(bare_url, "i") is None
    assert history(bare_url) == []


def test_five_concurrent_pushes_of_a_concurrent_index_file_apply_it_once(
    bare_url: str, tmp_path: Path
) -> None:
    _with_table(bare_url, "select generate_series(1, 200000)")
    workdir = project(
        tmp_path,
        {
            "1_table.sql": "create table other (x int);",
            "2_index.sql": "create index concurrently t_x on t (x);\n"
            "create index concurrently t_x2 on t ((x * 2));",
            "3_after.sql": "create table after_index (x int);",
        },
    )
    pushes = [spawn_push(bare_url, workdir) for _ in range(5)]
    outputs = [push.communicate(timeout=300) for push in pushes]
    assert [push.returncode for push in pushes] == [0] * 5, outputs
    for name in ("1_table.sql", "2_index.sql", "3_after.sql"):
        assert sum(out.count(f"Applying migration {name}") for out, _ in outputs) == 1
    assert not any("Traceback" in err or "deadlock" in err.lower() for _, err in outputs)
    assert index_valid(bare_url, "t_x") is True
    assert index_valid(bare_url, "t_x2") is True
    assert [version for version, _ in history(bare_url)] == ["1", "2", "3"]


def test_a_push_that_queued_to_create_the_history_never_stalls_another_push_s_index_build(
    bare_url: str, tmp_path: Path
) -> None:
    """Pushes started together on a new database all find the history missing and queue to
    create it. One that gets its turn after another push began a concurrent build must not
    wait for that push's lock with a snapshot open: the build would wait for it in turn."""
    _with_table(bare_url)
    workdir = project(tmp_path, {"1_after.sql": "create table after_index (x int);"})
    with (
        psycopg.connect(bare_url) as creator,
        psycopg.connect(bare_url) as holder,
        psycopg.connect(bare_url, autocommit=True) as builder,
    ):
        creator.execute("select pg_advisory_xact_lock(%s)", [PUSH_LOCK])
        late = spawn_push(bare_url, workdir)
        _wait_for(bare_url, "pg_advisory_xact_lock")
        with psycopg.connect(bare_url, autocommit=True) as first:
            ensure_history(first, lock=PUSH_LOCK + 1)  # the first push made the tables
        holder.execute(f"lock table {HISTORY} in share row exclusive mode")
        creator.rollback()  # the late push's turn, while the first one holds the push lock
        builder.execute("set statement_timeout = '60s'")
        builder.execute("create index concurrently t_x on t (x)")
        holder.rollback()
    out, err = late.communicate(timeout=60)
    assert late.returncode == 0, out + err
    assert index_valid(bare_url, "t_x") is True
    assert history(bare_url) == [("1", "after")]


def _wait_for(url: str, statement: str) -> None:
    """Until another backend waits for a lock while running ``statement``."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if query(
            url,
            "select from pg_stat_activity where wait_event_type = 'Lock'"
            f" and query like '%{statement}%' and pid <> pg_backend_pid()",
        ):
            return
        time.sleep(0.05)
    raise AssertionError(f"nothing came to wait in {statement}")


def test_if_not_exists_over_an_invalid_index_is_detected_not_skipped(
    bare_url: str, tmp_path: Path
) -> None:
    _with_table(bare_url, "values (1), (1)")  # duplicates: a unique build fails half-way
    workdir = project(
        tmp_path, {"1_unique.sql": "create unique index concurrently if not exists t_x on t (x);"}
    )
    failed = cli_push(bare_url, workdir)
    assert failed.returncode == 1
    assert "(SQLSTATE 23505)" in said(failed)
    assert "invalid index t_x (on t)" in said(failed)
    assert "DROP INDEX CONCURRENTLY t_x" in said(failed)
    assert index_valid(bare_url, "t_x") is False
    assert history(bare_url) == []
    # the data is fixed, but IF NOT EXISTS now skips the broken index: still not recorded
    query(bare_url, "delete from t where ctid = (select max(ctid) from t)")
    skipped = cli_push(bare_url, workdir)
    assert skipped.returncode == 1
    assert "every statement ran, but it left invalid index t_x (on t)" in said(skipped)
    assert "The file is not recorded" in said(skipped)
    assert history(bare_url) == []
    # the repair the message names, then the push goes through
    query(bare_url, "drop index concurrently t_x")
    repaired = cli_push(bare_url, workdir)
    assert repaired.returncode == 0, said(repaired)
    assert index_valid(bare_url, "t_x") is True
    assert history(bare_url) == [("1", "unique")]


def test_a_push_killed_mid_file_leaves_no_record_and_the_next_push_says_how_to_repair(
    bare_url: str, tmp_path: Path
) -> None:
    _with_table(bare_url)
    workdir = project(tmp_path, {"1_index.sql": "create index concurrently t_x on t (x);"})
    with psycopg.connect(bare_url) as blocker:
        blocker.execute("insert into t values (0)")  # an open writer: the build waits for it
        push = spawn_push(bare_url, workdir)
        backend = _wait_for_build(bare_url)
        push.send_signal(signal.SIGKILL)
        push.wait(timeout=30)
        # the server goes on until it notices; an operator (or a timeout) ends the build
        query(bare_url, f"select pg_terminate_backend({backend})")
        blocker.rollback()
    assert push.returncode == -signal.SIGKILL
    assert index_valid(bare_url, "t_x") is False
    assert history(bare_url) == []
    again = cli_push(bare_url, workdir)  # the lock died with the killed push: no hang
    assert again.returncode == 1
    assert "already exists" in said(again)
    assert "invalid index t_x (on t)" in said(again)
    assert "DROP INDEX CONCURRENTLY t_x" in said(again)
    assert history(bare_url) == []
    query(bare_url, "drop index concurrently t_x")
    repaired = cli_push(bare_url, workdir)
    assert repaired.returncode == 0, said(repaired)
    assert index_valid(bare_url, "t_x") is True
    assert history(bare_url) == [("1", "index")]


def _wait_for_build(url: str) -> int:
    """The pid of the backend running the push's index build, once it waits."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = query(
            url,
            "select pid from pg_stat_activity where query ilike 'create index concurrently%'"
            " and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
        )
        if rows and index_valid(url, "t_x") is False:
            return int(str(rows[0][0]))
        time.sleep(0.1)
    raise AssertionError(f"the push never started its index build (pid {os.getpid()})")
