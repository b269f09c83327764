"""A variant's lifecycle as the product moves it: only the worker takes a variant out of
``pending``, to ``completed`` with its text or ``failed`` with a code, and only once."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

import psycopg
import pytest

from tests.integration.generation._world import (
    CountingProvider,
    enqueue,
    make_settings,
    owner_with_image,
    rows,
    run_until_done,
)
from vidprompt.database import Database
from vidprompt.generation import (
    ErrorCode,
    GeneratedPrompt,
    GenerationError,
    ProviderChoice,
    RetryPolicy,
    Worker,
    WorkerOptions,
    image_sources,
)
from vidprompt.generation._queue import JobQueue

if TYPE_CHECKING:
    import uuid
    from pathlib import Path

    from vidprompt.generation import PromptRequest, Provider

CALLS = 20
_VARIANT = (
    "select status, prompt_text, model_name, error_code, error_message from public.video_prompts"
)
# A variant in each status as a user's own writes can leave it (valid for the checks).
_AS_STATUS = {
    "draft": "update public.video_prompts set status = 'draft', prompt_text = 'Mine.'",
    "completed": "update public.video_prompts set status = 'completed', prompt_text = 'Mine.'",
    "failed": "update public.video_prompts set status = 'failed', error_code = 'blocked'",
}


def _generate(url: str, workdir: Path, provider: Provider) -> None:
    settings = make_settings()
    worker = Worker(
        url,
        settings=settings,
        choice=ProviderChoice(settings, fixed=provider),
        images=image_sources(settings, workdir),
        options=WorkerOptions(
            concurrency=1,
            lease_s=settings.worker_lease_s,
            poll_s=settings.worker_poll_s,
            retry=RetryPolicy(attempts=1, base_delay=0.01, max_delay=0.02),
        ),
    )
    run_until_done(url, worker)


def test_the_worker_completes_a_variant_with_the_text_and_the_model(
    schema_url: str, tmp_path: Path
) -> None:
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, make_settings(), owner))
    _generate(schema_url, tmp_path, CountingProvider(model_name="g-2"))
    [(status, text, model, code, message)] = rows(schema_url, _VARIANT)
    assert (status, model, code, message) == ("completed", "g-2", None, None)
    assert text.startswith("A stand-in prompt for job 0")


def test_the_worker_fails_a_variant_saying_why(schema_url: str, tmp_path: Path) -> None:
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, make_settings(), owner))
    refusal = GenerationError(ErrorCode.BLOCKED, "Safety.")
    _generate(schema_url, tmp_path, CountingProvider(error=refusal))
    [(status, text, _, code, message)] = rows(schema_url, _VARIANT)
    assert (status, text, code, message) == ("failed", "", "blocked", "Safety.")


@pytest.mark.parametrize("outcome", ["completed", "failed"])
@pytest.mark.parametrize("current", ["pending", "draft", "completed", "failed"])
def test_the_worker_moves_only_a_pending_variant(
    current: str, outcome: str, schema_url: str
) -> None:
    """A result for a variant that left ``pending`` meanwhile (here: written by its owner)
    changes nothing; a pending one moves to the outcome."""
    settings = make_settings()
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, settings, owner))

    async def finish() -> bool:
        db = Database(schema_url, settings)
        await db.open()
        try:
            queue = JobQueue(db, "worker-1", lease_s=30)
            job = await queue.claim()
            assert job is not None
            if current in _AS_STATUS:
                rows(schema_url, _AS_STATUS[current] + " returning id")
            before = rows(schema_url, _VARIANT)
            if outcome == "completed":
                stored, _ = await queue.finish(job, prompt=GeneratedPrompt("Done.", "g-2"))
            else:
                error = GenerationError(ErrorCode.TIMEOUT, "Later.")
                stored, _ = await queue.finish(job, error=error)
            if not stored:
                assert rows(schema_url, _VARIANT) == before
            return stored
        finally:
            await db.close()

    stored = asyncio.run(finish())
    [(status, *_)] = rows(schema_url, _VARIANT)
    assert (stored, status) == ((True, outcome) if current == "pending" else (False, current))


def test_of_concurrent_results_for_one_job_exactly_one_is_stored(schema_url: str) -> None:
    settings = make_settings(pool_max_size=8)
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, settings, owner))

    async def race() -> list[str]:
        db = Database(schema_url, settings)
        await db.open()
        try:
            queue = JobQueue(db, "worker-1", lease_s=30)
            job = await queue.claim()
            assert job is not None

            async def finish(succeed: bool) -> str:
                if succeed:
                    stored, _ = await queue.finish(job, prompt=GeneratedPrompt("Done.", "g"))
                else:
                    error = GenerationError(ErrorCode.TIMEOUT)
                    stored, _ = await queue.finish(job, error=error)
                return ("completed" if succeed else "failed") if stored else "refused"

            return list(await asyncio.gather(*(finish(n % 2 == 0) for n in range(CALLS))))
        finally:
            await db.close()

    outcomes = asyncio.run(race())
    assert outcomes.count("refused") == CALLS - 1
    winner = next(outcome for outcome in outcomes if outcome != "refused")
    assert rows(schema_url, "select status from public.video_prompts") == [(winner,)]
    assert rows(schema_url, "select state from public.generation_jobs") == [
        ("succeeded" if winner == "completed" else "failed",)
    ]


class _RecordingProvider(CountingProvider):
    """The stand-in provider, keeping every request it was sent."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[PromptRequest] = []

    async def generate(self, request: PromptRequest) -> GeneratedPrompt:
        self.requests.append(request)
        return await super().generate(request)


def _as_owner(url: str, owner_id: uuid.UUID, statement: str) -> None:
    """``statement`` as the owner writes it through the Data API: role authenticated, RLS
    and the column grants apply."""
    with psycopg.connect(url) as conn:
        claims = json.dumps({"sub": str(owner_id), "role": "authenticated"})
        conn.execute(
            "select set_config('role', 'authenticated', true),"
            " set_config('request.jwt.claims', %s, true)",
            (claims,),
        )
        assert conn.execute(statement.encode()).rowcount == 1


def test_a_pending_variant_whose_owner_repeated_a_film_effect_is_generated_with_it_once(
    schema_url: str, tmp_path: Path
) -> None:
    """The database lets a user store a film effect twice; the worker sends it once instead
    of refusing the job on every claim until its attempts run out."""
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, make_settings(), owner))
    _as_owner(
        schema_url, owner.user_id, "update public.video_prompts set film_effects = '{noir,noir}'"
    )
    provider = _RecordingProvider()
    _generate(schema_url, tmp_path, provider)
    [(status, _, _, code, _)] = rows(schema_url, _VARIANT)
    assert (status, code) == ("completed", None)
    assert [request.film_effects for request in provider.requests] == [("noir",)]


def test_a_pending_variant_whose_stored_inputs_cannot_be_read_fails_at_once_saying_so(
    schema_url: str, tmp_path: Path
) -> None:
    """A stored value the database allows but a generation cannot use (a two-dimensional
    array of film effects) fails the variant on its first claim, naming the field; the
    provider is never called and the worker goes on with other jobs."""
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, make_settings(), owner, 2))
    _as_owner(
        schema_url,
        owner.user_id,
        "update public.video_prompts set film_effects = '{{noir,soft}}'"
        " where user_instruction = 'job 0'",
    )
    provider = _RecordingProvider()
    _generate(schema_url, tmp_path, provider)
    by_job = {
        instruction: (status, code, message)
        for instruction, status, code, message in rows(
            schema_url,
            "select user_instruction, status, error_code, error_message from public.video_prompts",
        )
    }
    status, code, message = by_job["job 0"]
    assert (status, code) == ("failed", "invalid_inputs")
    assert "film_effects" in message
    assert by_job["job 1"][:2] == ("completed", None)
    assert [request.instruction for request in provider.requests] == ["job 1"]
    [(attempts,)] = rows(
        schema_url,
        "select j.attempts from public.generation_jobs j join public.video_prompts v"
        " on v.id = j.variant_id where v.user_instruction = 'job 0'",
    )
    assert attempts == 1
