"""A project folder, ``vidprompt db push`` run as a user runs it, and what the database holds."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import psycopg

from tests._cli import run_vidprompt

if TYPE_CHECKING:
    from pathlib import Path


def project(root: Path, files: dict[str, str | bytes]) -> Path:
    """``root`` with ``supabase/migrations/`` holding ``files``."""
    directory = root / "supabase" / "migrations"
    directory.mkdir(parents=True, exist_ok=True)
    for name, sql in files.items():
        path = directory / name
        if isinstance(sql, bytes):
            path.write_bytes(sql)
        else:
            path.write_text(sql)
    return root


def _command(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "vidprompt", "db", "push", "--db-url", url, *args]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"COLUMNS": "200"}


def cli(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``vidprompt ARGS`` in ``workdir``, in this process: the tests are about what the
    command does and says; the pushes that are killed or race run as processes."""
    return run_vidprompt(workdir, *args, env=_env())


def cli_push(url: str, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli(workdir, "db", "push", "--db-url", url, *args)


def spawn_push(url: str, workdir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        _command(url),
        cwd=workdir,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def said(result: subprocess.CompletedProcess[str]) -> str:
    """Everything the command printed, with rich's line wrapping undone."""
    return " ".join((result.stdout + result.stderr).split())


def history(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        exists = conn.execute("select to_regclass('supabase_migrations.schema_migrations')")
        if exists.fetchone() == (None,):
            return []
        rows = conn.execute(
            "select version, name from supabase_migrations.schema_migrations order by version"
        ).fetchall()
    return [(str(version), str(name)) for version, name in rows]


def statements(url: str, version: str) -> list[str]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select statements from supabase_migrations.schema_migrations where version = %s",
            [version],
        ).fetchone()
    assert row is not None
    return list(row[0])


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("select tablename from pg_tables where schemaname = 'public'")
        return {str(row[0]) for row in rows}


def index_valid(url: str, name: str) -> bool | None:
    """Whether index ``name`` is valid; None when it does not exist."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select indisvalid from pg_index where indexrelid = to_regclass(%s)", [name]
        ).fetchone()
    return None if row is None else bool(row[0])


def query(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql.encode())
        return list(cursor.fetchall()) if cursor.description is not None else []
