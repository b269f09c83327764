"""A database restart in the middle of a run: no job is lost, none is done twice."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from tests.integration.generation._world import (
    ALL_DONE,
    CountingProvider,
    enqueue,
    make_settings,
    owner_with_image,
    rows,
    wait_for,
)
from vidprompt.generation import ProviderChoice, Worker, WorkerOptions, image_sources

if TYPE_CHECKING:
    from pathlib import Path

    from vidprompt.database import LocalServer

JOBS = 60


def _start_on_the_same_port(server: LocalServer) -> None:
    """Start the stopped server with pg_ctl directly, keeping its port.

    ``LocalServer.start`` moves to a new port when the old one still has connections in
    TIME_WAIT (its free-port probe binds without SO_REUSEADDR), and clients holding the
    old URL, like these workers, could then never reconnect.
    """
    log = str(server.log_file)
    server._run("pg_ctl", "-D", str(server.data_dir), "-l", log, "-w", "-t", "60", "start")


def test_a_database_restart_loses_no_job_and_does_none_twice(
    pg_server: LocalServer | None, schema_url: str, tmp_path: Path
) -> None:
    assert pg_server is not None, "this test restarts the server, so --pg must not be a URL"
    settings = make_settings(max_unfinished_jobs_per_user=JOBS, worker_lease_s=5.0)
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, settings, owner, JOBS))
    provider = CountingProvider(latency_s=0.05)
    options = WorkerOptions(concurrency=3, lease_s=5.0, poll_s=0.2, db_retry_s=0.2)
    workers = [
        Worker(
            schema_url,
            settings=settings,
            choice=ProviderChoice(settings, fixed=provider),
            images=image_sources(settings, tmp_path),
            options=options,
        )
        for _ in range(2)
    ]

    async def scenario() -> None:
        for worker in workers:
            await worker.start()
        try:
            await wait_for(
                schema_url,
                "select count(*) >= 10 from public.video_prompts where status = 'completed'",
            )
            await asyncio.to_thread(pg_server.stop)
            await asyncio.sleep(0.5)
            await asyncio.to_thread(_start_on_the_same_port, pg_server)
            await wait_for(schema_url, ALL_DONE, timeout_s=120)
        finally:
            for worker in workers:
                await worker.close()

    asyncio.run(scenario())

    # Restarted mid-run: some jobs were finished before, some after.
    assert rows(schema_url, "select status, count(*) from public.video_prompts group by 1") == [
        ("completed", JOBS)
    ]
    assert rows(schema_url, "select state, count(*) from public.generation_jobs group by 1") == [
        ("succeeded", JOBS)
    ]
    # Each job's prompt was generated once, and the stored text is that one generation's.
    assert sorted(provider.calls) == sorted(f"job {number}" for number in range(JOBS))
    assert set(provider.calls.values()) == {1}
    texts = rows(schema_url, "select prompt_text from public.video_prompts")
    assert all(", call 1," in text for (text,) in texts)
