"""Acceptance fixtures: the ``vidprompt`` command run as a subprocess in a project folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from tests.conftest import REPO
from vidprompt.database import STATE_DIR, LocalServer

if TYPE_CHECKING:
    from pathlib import Path

Run = Callable[..., subprocess.CompletedProcess[str]]


# What the user's own environment must not bring into a test: vidprompt's settings, a
# project's keys, provider keys, and libpq's defaults (PGPASSWORD would hide a missing
# credential).
_FOREIGN_PREFIXES = ("VIDPROMPT_", "SUPABASE_", "GEMINI_", "GOOGLE_", "OPENAI_", "PG")
_FOREIGN_NAMES = ("DATABASE_URL",)


@pytest.fixture
def project(reachable_tmp: Path, pg_bin_dir: Path | None) -> Iterator[Path]:
    """A project folder with this repository's supabase/ directory; afterwards its local
    database is stopped and the folder deleted."""
    workdir = reachable_tmp / uuid.uuid4().hex[:12] / "project"
    shutil.copytree(REPO / "supabase", workdir / "supabase")
    yield workdir
    LocalServer(workdir / STATE_DIR / "pgdata", bin_dir=pg_bin_dir).stop()
    shutil.rmtree(workdir.parent, ignore_errors=True)


@pytest.fixture
def cli_env(pg_bin_dir: Path | None) -> dict[str, str]:
    """The environment commands run in: the test machine's, without any of the above."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_FOREIGN_PREFIXES)
        and name not in _FOREIGN_NAMES
        and not name.endswith("_API_KEY")
    }
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
