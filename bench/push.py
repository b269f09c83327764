"""A no-op ``db push`` on a long history against one on a single small file.

    uv run python -m bench.push                    # embedded PostgreSQL 18
    uv run python -m bench.push --files 200 --megabytes 10 --rounds 3

Two databases on one throwaway server: *small* has one small migration applied; *large*
has a history of ``--files`` files holding ``--megabytes`` MB in all (one of them 20 MB,
as real projects' data migrations can be). Each is pushed once, then measured doing a
no-op push over and over:

- **library**: a new connection and ``push()``, in this process (what ``db push`` does
  after Python has started), median of the rounds;
- **command**: ``vidprompt db push`` as a subprocess: wall time and peak memory (maximum
  resident set size) of the process, median of the rounds;
- **no fingerprints**: the library push on *large* after emptying
  ``vidprompt_fingerprints``, i.e. the first vidprompt push over a history the Supabase CLI
  wrote: every applied file is read, split and compared once, then fingerprinted.

Goal: a no-op push on the large history costs at most 2x the small one (library ratio).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench._server import bench_server, describe_client, recreate_database, server_version
from vidprompt.migrations import discover, push

GOAL = 2.0
BIG_FILE_MB = 20


@dataclass(frozen=True)
class Measure:
    seconds: float
    peak_mb: float | None = None


@dataclass(frozen=True)
class PushBench:
    files: int
    megabytes: float
    small_library: Measure
    large_library: Measure
    small_command: Measure
    large_command: Measure
    unfingerprinted: Measure

    @property
    def ratio(self) -> float:
        return self.large_library.seconds / self.small_library.seconds


def write_history(workdir: Path, *, files: int, megabytes: float) -> float:
    """``files`` migrations holding about ``megabytes`` MB; returns the MB written."""
    directory = workdir / "supabase" / "migrations"
    directory.mkdir(parents=True)
    big = min(BIG_FILE_MB, megabytes / 2) * 1_000_000
    rest = (megabytes * 1_000_000 - big) / max(files - 1, 1)
    written = 0
    for number in range(1, files + 1):
        size = int(big if number == files else rest)
        sql = (
            f"create table t{number} (id int primary key, body text);\n"
            f"insert into t{number} values (1, '{'x' * max(size - 80, 0)}');\n"
        )
        (directory / f"{number:014d}_file_{number}.sql").write_text(sql)
        written += len(sql)
    return written / 1_000_000


def _library_push(url: str, workdir: Path) -> float:
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
        result = push(conn, discover(workdir).migrations)
    seconds = time.perf_counter() - started
    assert not result.pushed, "a measured push must be a no-op"
    return seconds


def _command_push(url: str, workdir: Path) -> Measure:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "vidprompt", "db", "push", "--db-url", url],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"vidprompt db push exited {process.returncode}")
    return Measure(seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def _median(measures: list[Measure]) -> Measure:
    peaks = [m.peak_mb for m in measures if m.peak_mb is not None]
    return Measure(
        statistics.median(m.seconds for m in measures),
        statistics.median(peaks) if peaks else None,
    )


def run(
    db_url: str | None, *, files: int = 1000, megabytes: float = 50, rounds: int = 7
) -> tuple[PushBench, str]:
    with bench_server(db_url) as server, tempfile.TemporaryDirectory() as folder:
        small_dir, large_dir = Path(folder) / "small", Path(folder) / "large"
        write_history(small_dir, files=1, megabytes=0.001)
        written = write_history(large_dir, files=files, megabytes=megabytes)
        small = recreate_database(server, "vidprompt_bench_push_small")
        large = recreate_database(server, "vidprompt_bench_push_large")
        for url, workdir in ((small, small_dir), (large, large_dir)):
            with psycopg.connect(url, autocommit=True) as conn:
                push(conn, discover(workdir).migrations)
        version = server_version(server)
        library: dict[str, list[Measure]] = {"small": [], "large": []}
        command: dict[str, list[Measure]] = {"small": [], "large": []}
        for _ in range(rounds):  # interleaved, so drifting load hits both alike
            for key, url, workdir in (("small", small, small_dir), ("large", large, large_dir)):
                library[key].append(Measure(_library_push(url, workdir)))
                command[key].append(_command_push(url, workdir))
        unfingerprinted = []
        for _ in range(max(rounds // 2, 1)):
            with psycopg.connect(large, autocommit=True) as conn:
                conn.execute("truncate supabase_migrations.vidprompt_fingerprints")
            unfingerprinted.append(Measure(_library_push(large, large_dir)))
    result = PushBench(
        files,
        written,
        _median(library["small"]),
        _median(library["large"]),
        _median(command["small"]),
        _median(command["large"]),
        _median(unfingerprinted),
    )
    return result, version


def table(result: PushBench) -> str:
    def ms(measure: Measure) -> str:
        return f"{measure.seconds * 1000:.0f} ms"

    def peak(measure: Measure) -> str:
        return f"{measure.peak_mb:.0f} MB" if measure.peak_mb is not None else ""

    history = f"{result.files:,} files, {result.megabytes:.0f} MB"
    rows = [
        "| no-op push | 1 small file | " + history + " | ratio |",
        "|---|---|---|---|",
        f"| library (`push()`, new connection) | {ms(result.small_library)} "
        f"| {ms(result.large_library)} | {result.ratio:.2f} |",
        f"| command (`vidprompt db push`) | {ms(result.small_command)} "
        f"| {ms(result.large_command)} "
        f"| {result.large_command.seconds / result.small_command.seconds:.2f} |",
        f"| command, peak memory | {peak(result.small_command)} | {peak(result.large_command)} | |",
        f"| library, no fingerprints yet (first push over a CLI history) | "
        f"| {ms(result.unfingerprinted)} "
        f"| {result.unfingerprinted.seconds / result.small_library.seconds:.1f} |",
    ]
    return "\n".join(rows)


def report_section(db_url: str | None) -> tuple[str, str]:
    """The report's section (markdown) and its one-line headline."""
    result, version = run(db_url)
    command = result.large_command.seconds / result.small_command.seconds
    markdown = (
        f"PostgreSQL {version}, {describe_client()}. Median of 7 interleaved rounds; "
        "command: `uv run python -m bench.push`. A no-op push compares each local file's "
        "SHA-256 with the fingerprint stored when it was recorded (valid while the history "
        "row is unchanged) and reads statements only for files that differ. What is left "
        "grows with the bytes of the local files (reading and hashing them), not with the "
        "history table: the command, Python's start-up included, stays within the goal of "
        f"{GOAL:.0f}x; the library call alone does not, since hashing 50 MB takes longer "
        "than a one-file push. Hashing is kept over a cheaper check of sizes and "
        "modification times, which would miss an edit that keeps both.\n\n" + table(result)
    )
    headline = (
        f"on {result.files:,} files / {result.megabytes:.0f} MB of history, "
        f"{command:.2f}x a one-file push as a command, {result.ratio:.2f}x in the library "
        f"alone (goal {GOAL:.0f}x); {result.unfingerprinted.seconds:.1f} s without fingerprints"
    )
    return markdown, headline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.push", description=__doc__)
    parser.add_argument("--db-url", help="superuser URL of a throwaway server to use instead")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    result, version = run(
        args.db_url, files=args.files, megabytes=args.megabytes, rounds=args.rounds
    )
    print(f"\nPostgreSQL {version}, {describe_client()}\n")
    print(table(result))
    return 0 if result.ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
