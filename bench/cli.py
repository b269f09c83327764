"""The command line's start-up: ``vidprompt --help`` and ``vidprompt db url`` against a floor.

    uv run python -m bench cli                     # a section of docs/benchmarks.md
    uv run python -m bench.cli --rounds 31

Each command runs as a fresh process, as a script or a shell would run it, in a project folder
whose local database exists: wall time from spawn to exit, median of interleaved rounds (so
other load falls on all alike). Beside them, Python starting and exiting (``python -c pass``)
and the floor (``bench/_cli_floor.py``): a Typer command that reads one pydantic-settings
value, the libraries every vidprompt command starts with. Goal: both commands under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._server import describe_client

GOAL_S = 0.3
ROUNDS = 21
_VIDPROMPT = [sys.executable, "-m", "vidprompt"]
CONTENDERS: dict[str, list[str]] = {
    "Python alone (`python -c pass`)": [sys.executable, "-c", "pass"],
    "floor (Typer + one pydantic-settings value)": [
        sys.executable,
        "-m",
        "bench._cli_floor",
        "url",
    ],
    "`vidprompt --help`": [*_VIDPROMPT, "--help"],
    "`vidprompt db url`": [*_VIDPROMPT, "db", "url"],
}
MEASURED = ("`vidprompt --help`", "`vidprompt db url`")
FLOOR = "floor (Typer + one pydantic-settings value)"


def _environment() -> dict[str, str]:
    """The caller's environment without vidprompt's settings, and with this checkout's bench."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIDPROMPT_", "DATABASE_"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    # The warm-up run leaves the modules' bytecode, as an installed package has it (pip
    # compiles at install); a shell that forbids writing it would have every start compile
    # every module again, which measures the compiler rather than the start-up.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _wall(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def run(rounds: int = ROUNDS) -> dict[str, float]:
    """Median seconds of each contender, in a project folder with a local database."""
    env = _environment()
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        # As root, the local database runs as a system user that must pass through it.
        project.chmod(0o711)
        (project / "supabase" / "migrations").mkdir(parents=True)
        subprocess.run(
            [*_VIDPROMPT, "db", "start"], cwd=project, env=env, check=True, capture_output=True
        )
        try:
            times: dict[str, list[float]] = {name: [] for name in CONTENDERS}
            for command in CONTENDERS.values():  # warm: the files in the page cache
                _wall(command, project, env)
            for number in range(rounds):
                order = list(CONTENDERS.items())
                for name, command in order if number % 2 == 0 else reversed(order):
                    times[name].append(_wall(command, project, env))
        finally:
            subprocess.run(
                [*_VIDPROMPT, "db", "stop"], cwd=project, env=env, check=False, capture_output=True
            )
    return {name: statistics.median(values) for name, values in times.items()}


def table(medians: dict[str, float]) -> str:
    floor = medians[FLOOR]
    lines = ["| process | median wall time | ÷ floor |", "|---|---:|---:|"]
    for name, seconds in medians.items():
        lines.append(f"| {name} | {seconds * 1000:.0f} ms | {seconds / floor:.2f} |")
    return "\n".join(lines)


def verdict(medians: dict[str, float]) -> str:
    parts = []
    for name in MEASURED:
        seconds = medians[name]
        state = "meets" if seconds < GOAL_S else f"misses by {(seconds - GOAL_S) * 1000:.0f} ms"
        parts.append(f"{name} {seconds:.2f} s ({state})")
    floor = medians[FLOOR]
    text = f"Goal: under {GOAL_S} s. " + "; ".join(parts) + "."
    if floor >= GOAL_S:
        text += (
            f" The floor alone takes {floor:.2f} s on this machine: Typer and pydantic-settings"
            " cannot start in less, so the goal is out of reach for any command built on them"
            " here; what vidprompt adds is the difference to the floor."
        )
    return text


def headline(medians: dict[str, float]) -> str:
    floor = medians[FLOOR]
    return (
        ", ".join(
            f"{name} {medians[name]:.2f} s ({medians[name] / floor:.2f}x the floor)"
            for name in MEASURED
        )
        + f"; the floor (Typer + pydantic-settings) {floor:.2f} s"
    )


def describe(rounds: int) -> str:
    return (
        f"{describe_client(with_load=True)}. Each a fresh process in a project folder with a "
        f"local database, median of {rounds} interleaved rounds; command: "
        "`uv run python -m bench cli`."
    )


def report_section(db_url: str | None) -> tuple[str, str]:
    """The report's section (markdown) and its one-line headline; ``db_url`` is not used:
    ``db url`` reads the local database of its folder."""
    del db_url
    medians = run()
    markdown = f"{describe(ROUNDS)}\n\n{table(medians)}\n\n{verdict(medians)}\n"
    return markdown, headline(medians)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cli", description=__doc__)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    medians = run(args.rounds)
    print(describe(args.rounds), table(medians), verdict(medians), sep="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
