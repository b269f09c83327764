"""Acceptance fixtures: the ``vidprompt`` command run as a subprocess in a project folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from tests.conftest import REPO

if TYPE_CHECKING:
    from pathlib import Path

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with this repository's supabase/ directory."""
    workdir = tmp_path / "project"
    shutil.copytree(REPO / "supabase", workdir / "supabase")
    return workdir


@pytest.fixture
def cli_env(pg_bin_dir: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if pg_bin_dir is not None:
        env["VIDPROMPT_PG_BIN_DIR"] = str(pg_bin_dir)
    return env


@pytest.fixture
def vidprompt(project: Path, cli_env: dict[str, str]) -> Iterator[Run]:
    """Run ``vidprompt ARGS`` in the project folder; its local database is stopped afterwards."""

    def run(
        *args: str, check: bool = True, timeout: float = 180
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "vidprompt", *args],
            cwd=project,
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"vidprompt {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    yield run
    run("db", "stop", check=False)
