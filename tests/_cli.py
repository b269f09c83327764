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
def _environment(environment: Mapping[str, str]) -> Iterator[None]:
    saved, wanted = dict(os.environ), dict(environment)
    os.environ.clear()
    os.environ.update(wanted)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


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
    """``vidprompt ARGS`` in ``cwd`` with the environment ``env`` (default: this process's).

    Like a subprocess's, ``env`` is the command's whole environment while it runs. The
    suite's own already holds nothing that configures vidprompt (see ``pytest_configure``).
    """
    argv = ["vidprompt", *args]
    stdout, stderr = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with (
        contextlib.chdir(cwd),
        _environment(os.environ if env is None else env),
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
