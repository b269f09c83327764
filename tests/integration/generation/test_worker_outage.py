"""A database the worker cannot use: stop when retrying cannot help, wait when it can; and
the job of a worker that died keeps its place at the front of the queue."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests.integration.generation._world import (
    ALL_DONE,
    CountingProvider,
    enqueue,
    make_settings,
    owner_with_image,
    rows,
    wait_for,
)
from vidprompt.errors import DatabaseError
from vidprompt.generation import (
    GeneratedPrompt,
    ProviderChoice,
    Worker,
    WorkerOptions,
    image_sources,
)

if TYPE_CHECKING:
    from pathlib import Path

    from vidprompt.generation import PromptRequest, Provider


def _worker(url: str, workdir: Path, provider: Provider | None = None, **options: Any) -> Worker:
    settings = make_settings()
    return Worker(
        url,
        settings=settings,
        choice=ProviderChoice(settings, fixed=provider or CountingProvider()),
        images=image_sources(settings, workdir),
        options=WorkerOptions(**({"poll_s": 0.2, "lease_s": 5.0} | options)),
    )


def _with(url: str, **changes: str) -> str:
    return make_conninfo("", **(conninfo_to_dict(url) | changes))


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"password": "not-the-password"}, "password authentication failed"),
        ({"user": "no_such_role"}, "no password supplied"),  # the password file has none
        ({"dbname": "no_such_database"}, "no_such_database"),
    ],
)
def test_a_worker_gives_up_on_credentials_that_will_never_work(
    schema_url: str, tmp_path: Path, change: dict[str, str], named: str
) -> None:
    worker = _worker(_with(schema_url, **change), tmp_path, db_retry_s=0.05)
    with pytest.raises(DatabaseError) as caught:
        asyncio.run(asyncio.wait_for(worker.run(), 30))
    assert named in caught.value.message
    assert caught.value.hint is not None


def test_a_worker_gives_up_at_once_on_a_url_that_does_not_parse(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError) as caught:
        asyncio.run(asyncio.wait_for(_worker("not a url", tmp_path).run(), 30))
    assert "connection info string" in caught.value.message


def test_the_worker_command_stops_with_one_line_and_a_failing_exit(tmp_path: Path) -> None:
    (tmp_path / "supabase").mkdir()  # a project folder, as every command but a few needs
    done = subprocess.run(
        [sys.executable, "-m", "vidprompt", "worker", "--db-url", "not a url"],
        cwd=tmp_path,
        env=_environment() | {"COLUMNS": "200"},  # one message line, however long
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert " started: " not in done.stdout + done.stderr
    assert "'not a url' is not a Postgres connection string" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 2  # what went wrong, and what to do


def _environment() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIDPROMPT_", "GEMINI_", "SUPABASE_")) and key != "DATABASE_URL"
    }


def test_an_outage_is_waited_out_and_logged_once_per_interval(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vidprompt.worker")
    worker = _worker("postgresql://postgres@127.0.0.1:1/postgres", tmp_path, db_retry_s=0.05)

    async def scenario() -> bool:
        await worker.start()
        await asyncio.sleep(1.5)  # refused again and again, but nothing is wrong with the URL
        still_waiting = worker._task is not None and not worker._task.done()
        await worker.close()
        return still_waiting

    assert asyncio.run(scenario())
    warnings = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(warnings) == 1


class _Order(CountingProvider):
    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []

    async def generate(self, request: PromptRequest) -> GeneratedPrompt:
        self.order.append(request.instruction or "")
        return await super().generate(request)


def test_the_job_of_a_dead_worker_keeps_its_place_at_the_front(
    schema_url: str, tmp_path: Path
) -> None:
    settings = make_settings()
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, settings, owner, user_instruction="first"))
    # A worker claimed the first job and died; its lease ran out after more were queued.
    rows(
        schema_url,
        "update public.generation_jobs set state = 'running', attempts = 1, locked_by = 'dead',"
        " run_after = now() + interval '0.3 seconds' returning id",
    )
    asyncio.run(enqueue(schema_url, settings, owner, 3, user_instruction="later"))
    asyncio.run(wait_for(schema_url, "select bool_and(run_after < now()) from"
                         " public.generation_jobs"))  # fmt: skip
    provider = _Order()
    worker = _worker(schema_url, tmp_path, provider, concurrency=1)

    async def scenario() -> None:
        await worker.start()
        try:
            await wait_for(schema_url, ALL_DONE)
        finally:
            await worker.close()

    asyncio.run(scenario())

    assert provider.order == ["first", "later", "later", "later"]
    assert rows(schema_url, "select attempts from public.generation_jobs order by id") == [
        (2,),
        (1,),
        (1,),
        (1,),
    ]
