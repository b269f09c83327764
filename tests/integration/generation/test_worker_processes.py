"""``vidprompt worker`` processes: killed, stopped, and many at once on one queue."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import TYPE_CHECKING

from tests.integration.generation._standins import Reply, StandIn
from tests.integration.generation._world import (
    ALL_DONE,
    enqueue,
    make_settings,
    owner_with_image,
    rows,
    wait_for,
)
from tests.integration.generation.conftest import GOOD_PROMPT

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

RUNNING = "select exists (select from public.generation_jobs where state = 'running')"


class WorkerProcess:
    """``vidprompt worker`` as a child process; its log goes to a file."""

    def __init__(self, url: str, workdir: Path, env: dict[str, str], *args: str) -> None:
        self.log = workdir / f"worker-{time.monotonic_ns()}.log"
        (workdir / "supabase").mkdir(exist_ok=True)  # a project folder, as every command needs
        inherited = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("VIDPROMPT_", "GEMINI_", "SUPABASE_")) and key != "DATABASE_URL"
        }
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "vidprompt", "worker", "--db-url", url, *args],
                cwd=workdir,
                env=inherited | {"VIDPROMPT_WORKER_POLL_S": "0.2"} | env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text()

    def wait_until_started(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while " started: " not in self.output():
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.05)

    def stop(self, timeout_s: float = 60) -> int:
        """SIGTERM, then the exit code (the test fails if it does not exit in time)."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout_s)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _wait(url: str, condition: str, timeout_s: float = 60) -> None:
    asyncio.run(wait_for(url, condition, timeout_s=timeout_s))


def _until(predicate: Callable[[], bool], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_job_of_a_killed_worker_is_completed_by_another_once(
    schema_url: str, tmp_path: Path
) -> None:
    settings = make_settings(gemini_api_key="k")
    owner = owner_with_image(schema_url, tmp_path)
    asyncio.run(enqueue(schema_url, settings, owner))
    with StandIn() as gemini:
        gemini.default = Reply(body=_gemini_body(GOOD_PROMPT))
        gemini.script(Reply(body=_gemini_body("never delivered"), delay_s=60))
        env = {
            "GEMINI_API_KEY": "k",
            "VIDPROMPT_GEMINI_BASE_URL": gemini.url,
            "VIDPROMPT_WORKER_LEASE_S": "2",
        }
        first = WorkerProcess(schema_url, tmp_path, env)
        second: WorkerProcess | None = None
        try:
            _until(lambda: len(gemini.requests()) == 1)  # mid-job: Gemini is "thinking"
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(timeout=30)
            assert rows(schema_url, "select state, attempts from public.generation_jobs") == [
                ("running", 1)
            ]
            second = WorkerProcess(schema_url, tmp_path, env)
            _wait(schema_url, ALL_DONE)
            assert second.stop() == 0
        finally:
            first.kill()
            if second is not None:
                second.kill()
        requests = len(gemini.requests())

    assert rows(schema_url, "select status, prompt_text, model_name from public.video_prompts") == [
        ("completed", GOOD_PROMPT, "gemini-2.5-flash")
    ]
    assert rows(schema_url, "select state, attempts from public.generation_jobs") == [
        ("succeeded", 2)
    ]
    assert requests == 2


def test_sigterm_lets_the_job_in_flight_finish(schema_url: str, tmp_path: Path) -> None:
    settings = make_settings(gemini_api_key="k")
    owner = owner_with_image(schema_url, tmp_path)
    asyncio.run(enqueue(schema_url, settings, owner))
    with StandIn(Reply(body=_gemini_body(GOOD_PROMPT), delay_s=1.5)) as gemini:
        worker = WorkerProcess(
            schema_url, tmp_path, {"GEMINI_API_KEY": "k", "VIDPROMPT_GEMINI_BASE_URL": gemini.url}
        )
        try:
            _until(lambda: len(gemini.requests()) == 1)
            assert worker.stop() == 0
        finally:
            worker.kill()

    assert rows(schema_url, "select status from public.video_prompts") == [("completed",)]
    assert rows(schema_url, "select state, attempts from public.generation_jobs") == [
        ("succeeded", 1)
    ]


def test_sigterm_hands_back_a_job_that_does_not_finish_in_the_grace_period(
    schema_url: str, tmp_path: Path
) -> None:
    settings = make_settings(gemini_api_key="k")
    owner = owner_with_image(schema_url, tmp_path)
    asyncio.run(enqueue(schema_url, settings, owner))
    with StandIn(Reply(body=_gemini_body(GOOD_PROMPT), delay_s=60)) as gemini:
        env = {"GEMINI_API_KEY": "k", "VIDPROMPT_GEMINI_BASE_URL": gemini.url}
        worker = WorkerProcess(schema_url, tmp_path, env, "--grace", "0.5")
        try:
            _until(lambda: len(gemini.requests()) == 1)
            assert worker.stop(timeout_s=20) == 0
        finally:
            worker.kill()

    assert "released" in worker.output()
    assert rows(schema_url, "select state, attempts, locked_by from public.generation_jobs") == [
        ("queued", 0, None)
    ]
    assert rows(schema_url, "select status from public.video_prompts") == [("pending",)]


JOBS, WORKERS, OWNERS = 1000, 4, 10


def test_a_thousand_jobs_across_four_workers_are_each_done_exactly_once(
    schema_url: str, tmp_path: Path
) -> None:
    settings = make_settings(max_unfinished_jobs_per_user=JOBS)
    owners = [owner_with_image(schema_url) for _ in range(OWNERS)]
    workers = [
        WorkerProcess(schema_url, tmp_path, {}, "--concurrency", "4") for _ in range(WORKERS)
    ]
    try:
        for worker in workers:
            worker.wait_until_started()

        async def enqueue_all() -> None:
            per_owner = JOBS // OWNERS
            await asyncio.gather(
                *(enqueue(schema_url, settings, owner, per_owner) for owner in owners)
            )

        asyncio.run(enqueue_all())
        _wait(schema_url, ALL_DONE, timeout_s=300)
        assert [worker.stop() for worker in workers] == [0] * WORKERS
    finally:
        for worker in workers:
            worker.kill()

    assert rows(schema_url, "select status, count(*) from public.video_prompts group by 1") == [
        ("completed", JOBS)
    ]
    # Each job was claimed once, and exactly one worker reported it done.
    assert rows(
        schema_url, "select state, attempts, count(*) from public.generation_jobs group by 1, 2"
    ) == [("succeeded", 1, JOBS)]
    done = Counter(
        job for worker in workers for job in re.findall(r"job (\d+) completed", worker.output())
    )
    assert len(done) == JOBS
    assert set(done.values()) == {1}
    busy = [len(re.findall(r"job \d+ completed", worker.output())) for worker in workers]
    assert sum(count > 0 for count in busy) >= 2, busy


def _gemini_body(text: str) -> dict[str, object]:
    return {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}}]}
