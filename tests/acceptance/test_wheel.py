"""The package is the product: the built wheel, installed outside the repository, runs the demo."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

from tests.conftest import REPO

if TYPE_CHECKING:
    from pathlib import Path


def _run(*args: str | Path, cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"{args} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def test_the_installed_wheel_runs_the_demo_in_an_empty_folder_and_cleans_up(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    uv = shutil.which("uv")
    assert uv, "the tests build the wheel with uv"
    env = {k: v for k, v in cli_env.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    _run(uv, "build", "--wheel", "--out-dir", tmp_path / "dist", REPO, cwd=tmp_path, env=env)
    [wheel] = (tmp_path / "dist").glob("vidprompt-*.whl")
    venv = tmp_path / "venv"
    _run(uv, "venv", "--python", sys.executable, venv, cwd=tmp_path, env=env)
    _run(uv, "pip", "install", "--python", venv / "bin" / "python", wheel, cwd=tmp_path, env=env)
    empty, temp = tmp_path / "empty", tmp_path / "temp"
    empty.mkdir()
    temp.mkdir()
    run_env = env | {"TMPDIR": str(temp), "COLUMNS": "400", "PATH": os.environ["PATH"]}
    vidprompt = venv / "bin" / "vidprompt"

    assert "init" in _run(vidprompt, "--help", cwd=empty, env=run_env)
    out = _run(vidprompt, "demo", cwd=empty, env=run_env)

    assert "vidprompt's example project in a temporary folder" in out
    assert re.search(r"Migrations: \d+ applied", out)
    assert "3 von 3" in out
    assert "images 0, variants 0, jobs 0, storage_objects 0, files 0" in out
    assert list(empty.iterdir()) == []  # nothing left in the user's folder
    assert list(temp.iterdir()) == []  # nor in the temporary one: database and storage removed
