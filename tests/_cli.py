"""The ``vidprompt`` command run inside the test's own process, as ``main`` runs it.

A new interpreter costs each command its start-up and imports (most of a quick command's
time); a test about what a command does and says, not about the process itself, runs it
here. The result has a subprocess's shape (exit status, stdout, stderr), so a test reads the
same either way. Tests about what only a process shows (signals, exit codes of a killed
command, the environment it inherits, start-up) keep running ``python -m vidprompt``.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from typing import TYPE_CHECKING

from vidprompt.cli import main

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path


@contextlib.contextmanager
def _environment(changes: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _arguments(argv: list[str]) -> Iterator[None]:
    saved = sys.argv
    sys.argv = argv  # the callback reads the command line, as it does in a real process
    try:
        yield
    finally:
        sys.argv = saved


def run_vidprompt(
    cwd: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``vidprompt ARGS`` in ``cwd``, with ``env`` added to this process's environment.

    The suite's environment already holds nothing that configures vidprompt (see
    ``pytest_configure``), as a command's own environment does in the acceptance tests.
    """
    argv = ["vidprompt", *args]
    stdout, stderr = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with (
        contextlib.chdir(cwd),
        _environment(env or {}),
        _arguments(argv),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        try:
            main()
        except SystemExit as exit_:
            code = exit_.code
    if isinstance(code, str):  # SystemExit("message"): Python prints it and exits 1
        stderr.write(f"{code}\n")
        code = 1
    return subprocess.CompletedProcess(argv, code or 0, stdout.getvalue(), stderr.getvalue())
