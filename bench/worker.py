"""The generation queue's benchmark: jobs per second against the ideal.

    uv run python -m bench.worker                                  # embedded PostgreSQL 18
    uv run python -m bench.worker --pg /usr/lib/postgresql/15/bin --seconds 10

A stand-in provider answers after a fixed latency (100 ms) and does nothing else, so every
other cost is the queue's: claiming with ``FOR UPDATE SKIP LOCKED``, the lease, and writing
the result in the transaction that finishes the job. W worker processes with C slots each
can at best finish W x C / latency jobs a second; measured / ideal is what the queue takes
away (goal: at least 0.8, so the queue is never the bottleneck).

Throughput is measured in steady state: once every worker has finished a job, completions
are counted over a fixed window while the queue never runs dry. It runs on a throwaway
cluster (fsync off) in a temporary folder, or on the server ``--db-url`` names (it creates
and drops the database ``vidprompt_bench_worker`` there).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from bench._server import bench_server, database_url, describe_client, server_version
from vidprompt.config import Settings
from vidprompt.database import install_supabase_layer
from vidprompt.generation import (
    FirstFound,
    GeneratedPrompt,
    ProviderChoice,
    Worker,
    WorkerOptions,
    run_worker,
)
from vidprompt.migrations import discover, push

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.synchronize import Event

    from vidprompt.generation import PromptRequest

REPO = Path(__file__).resolve().parents[1]
DATABASE = "vidprompt_bench_worker"
USERS = 100
# (workers, slots per worker); the report's rows.
CONFIGURATIONS = ((1, 8), (4, 8), (4, 16))
HEADLINE = (4, 8)


@dataclass(frozen=True)
class Run:
    workers: int
    concurrency: int
    latency_s: float
    seconds: float
    completed: int

    @property
    def ideal(self) -> float:
        return self.workers * self.concurrency / self.latency_s

    @property
    def rate(self) -> float:
        return self.completed / self.seconds

    @property
    def ratio(self) -> float:
        return self.rate / self.ideal

    @property
    def overhead_ms(self) -> float:
        """The queue's time per job and slot beyond the provider's latency."""
        return (self.workers * self.concurrency / self.rate - self.latency_s) * 1000


class FixedLatency:
    """A provider that takes ``latency_s`` and writes a fixed prompt: no network, no CPU."""

    needs_image = False
    model_name = "bench-fixed-latency"

    def __init__(self, latency_s: float) -> None:
        self.latency_s = latency_s

    async def generate(self, request: PromptRequest) -> GeneratedPrompt:
        await asyncio.sleep(self.latency_s)
        return GeneratedPrompt("A slow dolly-in on a calm face at golden hour.", self.model_name)


# --- the database ---------------------------------------------------------------------


def prepare(server_url: str) -> str:
    """A fresh database with the Supabase layer, the migrations, and users with an image."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(DATABASE))
        )
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE)))
    url = database_url(server_url, DATABASE)
    with psycopg.connect(url, autocommit=True) as conn:
        install_supabase_layer(conn)
        push(conn, discover(REPO).migrations)
        conn.execute(
            "insert into auth.users (id, aud, role) select gen_random_uuid(), 'authenticated',"
            " 'authenticated' from generate_series(1, %s)",
            [USERS],
        )
        conn.execute(
            "insert into public.images (user_id, url, storage_path, type)"
            " select id, 'https://example.test/i.png', id || '/i.png', 'generated'"
            " from auth.users"
        )
    return url


def enqueue(url: str, jobs: int) -> None:
    """``jobs`` pending variants and their queued jobs, spread over the users' images."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("truncate public.generation_jobs, public.video_prompts")
        conn.execute(
            """
            with images as (select id, user_id, row_number() over () - 1 as n from public.images),
            variants as (
              insert into public.video_prompts
                (image_id, user_id, prompt_text, model_name, camera_style, status)
              select i.id, i.user_id, '', 'bench-fixed-latency', 'dolly', 'pending'
              from generate_series(0, %(jobs)s - 1) as g
              join images i on i.n = g %% %(users)s
              returning id, user_id
            )
            insert into public.generation_jobs (variant_id, user_id)
            select id, user_id from variants
            """,
            {"jobs": jobs, "users": USERS},
        )
        conn.execute("vacuum analyze public.generation_jobs, public.video_prompts")


def completed(url: str) -> tuple[int, int]:
    """(completed, pending) variants now."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "select count(*) filter (where status = 'completed'),"
            " count(*) filter (where status = 'pending') from public.video_prompts"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


# --- the workers ------------------------------------------------------------------------


def _worker_process(url: str, concurrency: int, latency_s: float, ready: Event) -> None:
    """One ``vidprompt worker`` as production runs it, with the stand-in provider."""
    settings = Settings(_env_file=None, database_url=None, gemini_api_key=None)
    worker = Worker(
        url,
        settings=settings,
        choice=ProviderChoice(settings, fixed=FixedLatency(latency_s)),
        images=lambda db: FirstFound([]),
        options=WorkerOptions(concurrency=concurrency, lease_s=30, poll_s=0.5),
    )
    ready.set()
    run_worker(worker)


def measure(url: str, workers: int, concurrency: int, latency_s: float, seconds: float) -> Run:
    ideal = workers * concurrency / latency_s
    enqueue(url, int(ideal * (seconds + 15) * 1.2))
    context = multiprocessing.get_context("spawn")
    events = [context.Event() for _ in range(workers)]
    processes = [
        context.Process(target=_worker_process, args=(url, concurrency, latency_s, ready))
        for ready in events
    ]
    for process in processes:
        process.start()
    try:
        for ready in events:
            ready.wait(60)
        _wait_for(lambda: completed(url)[0] >= workers * concurrency * 2)
        time.sleep(1.0)  # every worker is up and has claimed work by now
        before, _ = completed(url)
        started = time.perf_counter()
        time.sleep(seconds)
        after, pending = completed(url)
        elapsed = time.perf_counter() - started
        if pending == 0:
            raise RuntimeError("The queue ran dry during the window; enqueue more jobs.")
    finally:
        for process in processes:
            if process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process in processes:
            process.join(60)
    return Run(workers, concurrency, latency_s, elapsed, after - before)


def _wait_for(condition: Callable[[], bool], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("The workers did not start working in time.")
        time.sleep(0.1)


# --- the report -------------------------------------------------------------------------


def table(runs: list[Run]) -> str:
    lines = [
        "| workers | slots each | provider latency | ideal jobs/s | measured jobs/s | ratio "
        "| queue time per job |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        lines.append(
            f"| {run.workers} | {run.concurrency} | {run.latency_s * 1000:.0f} ms "
            f"| {run.ideal:.0f} | {run.rate:.1f} | **{run.ratio:.2f}** | {run.overhead_ms:.1f} ms |"
        )
    return "\n".join(lines)


def run_all(
    db_url: str | None,
    *,
    bin_dir: Path | None,
    latency_s: float,
    seconds: float,
    configurations: tuple[tuple[int, int], ...] = CONFIGURATIONS,
    say: Callable[[str], object] = lambda text: print(text, file=sys.stderr),
) -> tuple[list[Run], str]:
    """Measure each configuration on one prepared database; the runs and the server version."""
    runs: list[Run] = []
    with bench_server(db_url, bin_dir=bin_dir) as server_url:
        url = prepare(server_url)
        version = server_version(url)
        for workers, concurrency in configurations:
            say(f"  {workers} worker(s) x {concurrency} slots ...")
            runs.append(measure(url, workers, concurrency, latency_s, seconds))
        if not db_url:
            return runs, version
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(DATABASE)))
    return runs, version


def report_section(db_url: str | None) -> tuple[str, str]:
    """The report's section (markdown) and its one-line headline."""
    runs, version = run_all(db_url, bin_dir=None, latency_s=0.1, seconds=5.0)
    headline = next(run for run in runs if (run.workers, run.concurrency) == HEADLINE)
    markdown = (
        f"PostgreSQL {version}, {describe_client()}. Stand-in provider with a fixed latency; each "
        "worker a process of its own. Command: `uv run python -m bench.worker`.\n\n" + table(runs)
    )
    return markdown, (
        f"{headline.workers} workers x {headline.concurrency} slots at 100 ms: "
        f"{headline.rate:.0f} jobs/s, {headline.ratio:.2f} of the ideal"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker", description=__doc__)
    parser.add_argument("--pg", type=Path, help="bin folder of another Postgres build")
    parser.add_argument("--db-url", help="superuser URL of a throwaway server to use instead")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring window per row")
    parser.add_argument(
        "--configurations",
        default=",".join(f"{w}x{c}" for w, c in CONFIGURATIONS),
        help="WORKERSxSLOTS, comma-separated",
    )
    args = parser.parse_args(argv)
    configurations = tuple(
        (int(w), int(c)) for w, c in (part.split("x") for part in args.configurations.split(","))
    )
    runs, version = run_all(
        args.db_url,
        bin_dir=args.pg,
        latency_s=args.latency_ms / 1000,
        seconds=args.seconds,
        configurations=configurations,
    )
    print(f"\nPostgreSQL {version}, {describe_client()}\n")
    print(table(runs))
    return 0 if all(run.ratio >= 0.8 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
