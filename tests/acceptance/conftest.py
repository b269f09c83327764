"""Acceptance fixtures: the ``vidprompt`` command run as a subprocess in a project folder."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from tests.conftest import REPO, is_foreign
from vidprompt.database import STATE_DIR, LocalServer

if TYPE_CHECKING:
    from pathlib import Path

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def project(reachable_tmp: Path, pg_bin_dir: Path | None) -> Iterator[Path]:
    """A project folder with this repository's supabase/ directory; afterwards its local
    database is stopped and the folder deleted."""
    workdir = reachable_tmp / uuid.uuid4().hex[:12] / "project"
    shutil.copytree(REPO / "supabase", workdir / "supabase")
    yield workdir
    _discard(LocalServer(workdir / STATE_DIR / "pgdata", bin_dir=pg_bin_dir))
    shutil.rmtree(workdir.parent, ignore_errors=True)


def _discard(server: LocalServer) -> None:
    """Stop a test's cluster at once: nothing of it is kept, so no shutdown checkpoint."""
    if not server.running():
        return
    pid = int((server.data_dir / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGQUIT)  # PostgreSQL's immediate shutdown
    deadline = time.monotonic() + 60
    while server.running() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture(scope="session")
def _pushed_state(reachable_tmp: Path, pg_bin_dir: Path | None) -> Path:
    """The ``.vidprompt/`` folder ``vidprompt db push`` leaves in a new project, made once per
    worker and stopped cleanly, for ``local_database_pushed`` to copy."""
    workdir = reachable_tmp / "pushed" / "project"
    shutil.copytree(REPO / "supabase", workdir / "supabase")
    pushed = subprocess.run(
        [sys.executable, "-m", "vidprompt", "db", "push"],
        cwd=workdir,
        env=_command_env(pg_bin_dir),
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert pushed.returncode == 0, f"db push exited {pushed.returncode}:\n{pushed.stderr}"
    LocalServer(workdir / STATE_DIR / "pgdata", bin_dir=pg_bin_dir).stop()
    return workdir / STATE_DIR


@pytest.fixture
def local_database_pushed(project: Path, _pushed_state: Path, pg_bin_dir: Path | None) -> None:
    """The project's local database exists, with every migration pushed, and runs: a copy of
    one made once per worker, for tests about what comes after ``db push`` (a new project's
    first push is tested on its own). It runs on a port of its own, not the original's."""
    # cp -a keeps the owners: as root, the cluster's files belong to its system user.
    subprocess.run(["cp", "-a", str(_pushed_state), str(project / STATE_DIR)], check=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    LocalServer(project / STATE_DIR / "pgdata", bin_dir=pg_bin_dir).start(port=port)


def _command_env(pg_bin_dir: Path | None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not is_foreign(name)}
    if pg_bin_dir is not None:
        env["VIDPROMPT_PG_BIN_DIR"] = str(pg_bin_dir)
    return env


@pytest.fixture
def cli_env(pg_bin_dir: Path | None) -> dict[str, str]:
    """The environment commands run in: the test machine's, without anything that would
    configure vidprompt, a Supabase project or a provider (see ``is_foreign``)."""
    return _command_env(pg_bin_dir)


@pytest.fixture
def vidprompt(project: Path, cli_env: dict[str, str], pg_bin_dir: Path | None) -> Iterator[Run]:
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
    _discard(LocalServer(project / STATE_DIR / "pgdata", bin_dir=pg_bin_dir))
