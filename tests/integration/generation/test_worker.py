"""The worker in-process on a real database: generation end to end, failures, leases, waking."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from tests.integration.generation._standins import Reply, gemini_error
from tests.integration.generation._world import (
    ALL_DONE,
    CountingProvider,
    enqueue,
    make_settings,
    owner_with_image,
    rows,
    wait_for,
)
from tests.integration.generation.conftest import GOOD_PROMPT
from vidprompt.database import Database, Scope
from vidprompt.errors import AuthError
from vidprompt.generation import (
    TEMPLATE_MODEL_NAME,
    ErrorCode,
    GeminiProvider,
    GeneratedPrompt,
    GenerationError,
    ProviderChoice,
    RetryPolicy,
    Worker,
    WorkerOptions,
    build_worker,
    image_sources,
    new_server_key,
    save_api_key,
    word_count,
)
from vidprompt.generation._queue import JobQueue

if TYPE_CHECKING:
    from pathlib import Path

    from tests.integration.generation._standins import StandIn
    from vidprompt.config import Settings
    from vidprompt.generation import PromptRequest, Provider

FAST_RETRIES = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


def _worker(
    url: str,
    settings: Settings,
    workdir: Path,
    *,
    provider: Provider | None = None,
    **options: object,
) -> Worker:
    defaults: dict[str, object] = {
        "concurrency": 2,
        "lease_s": settings.worker_lease_s,
        "poll_s": settings.worker_poll_s,
        "retry": FAST_RETRIES,
    }
    return Worker(
        url,
        settings=settings,
        choice=ProviderChoice(settings, fixed=provider),
        images=image_sources(settings, workdir),
        options=WorkerOptions(**(defaults | options)),  # type: ignore[arg-type]
    )


async def _run_until(worker: Worker, url: str, condition: str = ALL_DONE) -> None:
    await worker.start()
    try:
        await wait_for(url, condition)
    finally:
        await worker.close()


def test_the_template_writes_the_prompt_when_no_key_is_configured(
    schema_url: str, tmp_path: Path
) -> None:
    settings = make_settings()
    owner = owner_with_image(schema_url)
    [variant] = asyncio.run(
        enqueue(schema_url, settings, owner, camera_style="orbit", film_effects=["noir"])
    )
    assert variant.status == "pending"
    assert variant.model_name == TEMPLATE_MODEL_NAME

    asyncio.run(
        _run_until(build_worker(schema_url, settings=settings, workdir=tmp_path), schema_url)
    )

    [(status, text, model, error)] = rows(
        schema_url,
        "select status, prompt_text, model_name, error_code from public.video_prompts",
    )
    assert (status, model, error) == ("completed", TEMPLATE_MODEL_NAME, None)
    assert 50 <= word_count(text) <= 150
    assert "orbits" in text
    jobs = rows(schema_url, "select state, attempts, locked_by from public.generation_jobs")
    assert jobs == [("succeeded", 1, None)]


def test_gemini_with_the_server_key_reads_the_image_from_local_storage(
    schema_url: str, tmp_path: Path, gemini: StandIn, png: bytes
) -> None:
    settings = make_settings(gemini_api_key="server-key", gemini_base_url=gemini.url)
    owner = owner_with_image(schema_url, tmp_path)
    asyncio.run(enqueue(schema_url, settings, owner, camera_style="zoom_in"))

    asyncio.run(
        _run_until(build_worker(schema_url, settings=settings, workdir=tmp_path), schema_url)
    )

    [(status, text, model)] = rows(
        schema_url, "select status, prompt_text, model_name from public.video_prompts"
    )
    assert (status, text, model) == ("completed", GOOD_PROMPT, "gemini-2.5-flash")
    [seen] = gemini.requests()
    assert seen.headers["x-goog-api-key"] == "server-key"
    assert "Zoom-In" in str(seen.json())


def test_a_users_own_key_is_stored_encrypted_and_used(
    schema_url: str, tmp_path: Path, gemini: StandIn
) -> None:
    settings = make_settings(
        gemini_api_key="server-key", encryption_key=new_server_key(), gemini_base_url=gemini.url
    )
    owner = owner_with_image(schema_url, tmp_path)

    async def save(key: str | None) -> None:
        db = Database(schema_url, settings)
        await db.open()
        try:
            await save_api_key(db, owner.scope, key, settings=settings)
        finally:
            await db.close()

    asyncio.run(save("  users-own-key\n"))
    [(at_rest,)] = rows(schema_url, "select gemini_api_key from public.profiles")
    assert at_rest.startswith("v1.")
    assert "users-own-key" not in at_rest
    for _ in ("with the user's key", "after forgetting it"):
        asyncio.run(enqueue(schema_url, settings, owner))
        worker = build_worker(schema_url, settings=settings, workdir=tmp_path, concurrency=1)
        asyncio.run(_run_until(worker, schema_url))
        asyncio.run(save(None))  # the next request uses the server's key

    keys = [seen.headers["x-goog-api-key"] for seen in gemini.requests()]
    assert keys == ["users-own-key", "server-key"]
    assert rows(schema_url, "select gemini_api_key from public.profiles") == [(None,)]


def test_only_a_signed_in_user_saves_a_key(schema_url: str) -> None:
    settings = make_settings(encryption_key=new_server_key())

    async def save() -> None:
        db = Database(schema_url, settings)
        await db.open()
        try:
            await save_api_key(db, Scope.anonymous(), "key", settings=settings)
        finally:
            await db.close()

    with pytest.raises(AuthError):
        asyncio.run(save())
    assert rows(schema_url, "select count(*) from public.profiles") == [(0,)]


def test_behind_the_transaction_pooler_the_worker_does_not_listen(tmp_path: Path) -> None:
    pooled = build_worker(
        "postgresql://x/y", settings=make_settings(transaction_pooler=True), workdir=tmp_path
    )
    direct = build_worker("postgresql://x/y", settings=make_settings(), workdir=tmp_path)
    assert (pooled.options.listen, direct.options.listen) == (False, True)


def test_provider_timeouts_are_retried_then_the_variant_fails_with_the_code(
    schema_url: str, tmp_path: Path, gemini: StandIn, png: bytes
) -> None:
    settings = make_settings()
    gemini.script(*[Reply(body={}, delay_s=1.0)] * 5)
    owner = owner_with_image(schema_url, tmp_path)
    asyncio.run(enqueue(schema_url, settings, owner))
    provider = GeminiProvider("k", base_url=gemini.url, timeout_s=0.2)
    worker = _worker(schema_url, settings, tmp_path, provider=provider)

    asyncio.run(_run_until(worker, schema_url))

    [(status, code, message)] = rows(
        schema_url, "select status, error_code, error_message from public.video_prompts"
    )
    assert (status, code) == ("failed", "timeout")
    assert "in time" in message
    assert len(gemini.requests()) == FAST_RETRIES.attempts
    [(state, job_code)] = rows(schema_url, "select state, error_code from public.generation_jobs")
    assert (state, job_code) == ("failed", "timeout")


def test_a_refused_key_fails_at_once(schema_url: str, tmp_path: Path, gemini: StandIn) -> None:
    settings = make_settings()
    gemini.script(gemini_error(403, "PERMISSION_DENIED", "denied"))
    owner = owner_with_image(schema_url, tmp_path)
    asyncio.run(enqueue(schema_url, settings, owner))
    provider = GeminiProvider("k", base_url=gemini.url)

    asyncio.run(_run_until(_worker(schema_url, settings, tmp_path, provider=provider), schema_url))

    assert rows(schema_url, "select status, error_code from public.video_prompts") == [
        ("failed", "invalid_api_key")
    ]
    assert len(gemini.requests()) == 1


def test_a_missing_image_fails_with_its_code(
    schema_url: str, tmp_path: Path, gemini: StandIn
) -> None:
    settings = make_settings(gemini_api_key="k", gemini_base_url=gemini.url)
    owner = owner_with_image(schema_url)  # no file in local storage, and no http(s) URL
    asyncio.run(enqueue(schema_url, settings, owner))

    asyncio.run(
        _run_until(build_worker(schema_url, settings=settings, workdir=tmp_path), schema_url)
    )

    assert rows(schema_url, "select status, error_code from public.video_prompts") == [
        ("failed", "image_unavailable")
    ]
    assert gemini.requests() == []


def test_a_worker_that_lost_its_lease_cannot_store_its_result(schema_url: str) -> None:
    settings = make_settings()
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, settings, owner))

    async def scenario() -> tuple[bool, bool, bool, int]:
        db = Database(schema_url, settings)
        await db.open()
        try:
            slow = JobQueue(db, "slow-worker", lease_s=0.05)
            fast = JobQueue(db, "fast-worker", lease_s=30)
            first = await slow.claim()
            assert first is not None
            await asyncio.sleep(0.2)  # the lease runs out
            second = await fast.claim()
            assert second is not None
            assert second.id == first.id
            prompt = await CountingProvider().generate(second.request)
            late, _ = await slow.finish(first, prompt=GeneratedPrompt("too late", "stand-in-1"))
            released = await slow.release(first)
            done, _ = await fast.finish(second, prompt=prompt)
            return late, released, done, second.attempt
        finally:
            await db.close()

    late, released, done, attempt = asyncio.run(scenario())
    assert (late, released, done, attempt) == (False, False, True, 2)
    [(text,)] = rows(schema_url, "select prompt_text from public.video_prompts")
    assert text.startswith("A stand-in prompt")


def test_a_job_whose_workers_keep_dying_fails_as_worker_lost(
    schema_url: str, tmp_path: Path
) -> None:
    settings = make_settings()
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, settings, owner))
    rows(
        schema_url,
        "update public.generation_jobs set state = 'running', attempts = max_attempts,"
        " locked_by = 'dead', run_after = now() - interval '1 second' returning id",
    )
    provider = CountingProvider()

    asyncio.run(_run_until(_worker(schema_url, settings, tmp_path, provider=provider), schema_url))

    assert rows(schema_url, "select status, error_code from public.video_prompts") == [
        ("failed", ErrorCode.WORKER_LOST.value)
    ]
    assert sum(provider.calls.values()) == 0


def test_notify_wakes_an_idle_worker_that_would_not_poll_for_an_hour(
    schema_url: str, tmp_path: Path
) -> None:
    settings = make_settings()
    owner = owner_with_image(schema_url)
    worker = _worker(schema_url, settings, tmp_path, provider=CountingProvider(), poll_s=3600)

    async def scenario() -> None:
        await worker.start()
        try:
            await asyncio.sleep(0.5)  # idle, waiting for a notification
            await enqueue(schema_url, settings, owner)
            await wait_for(schema_url, ALL_DONE, timeout_s=30)
        finally:
            await worker.close()

    asyncio.run(scenario())


def test_an_idle_worker_stops_at_once_however_its_slots_interleave(
    schema_url: str, tmp_path: Path
) -> None:
    """Stopping wakes every idle slot: a slot that was mid-claim when another slot woke and
    reset the wake-up must not then sleep through the grace period (an hour here; the
    default 20 s was what Ctrl-C on an idle worker sometimes cost)."""
    settings = make_settings()
    owner = owner_with_image(schema_url)

    async def round_trip() -> None:
        worker = _worker(
            schema_url, settings, tmp_path, provider=CountingProvider(),
            poll_s=3600, shutdown_grace_s=3600,
        )  # fmt: skip
        await worker.start()
        await asyncio.sleep(0.3)  # both slots idle, then woken by the job's NOTIFY
        await enqueue(schema_url, settings, owner)
        await wait_for(schema_url, ALL_DONE, timeout_s=30)
        await asyncio.wait_for(worker.close(), timeout=30)

    for _ in range(12):
        asyncio.run(round_trip())


def test_without_listen_the_worker_finds_jobs_by_polling(schema_url: str, tmp_path: Path) -> None:
    settings = make_settings(transaction_pooler=True)
    owner = owner_with_image(schema_url)
    worker = _worker(schema_url, settings, tmp_path, provider=CountingProvider(), listen=False)

    async def scenario() -> None:
        await worker.start()
        try:
            await asyncio.sleep(0.5)
            await enqueue(schema_url, settings, owner)
            await wait_for(schema_url, ALL_DONE, timeout_s=30)
        finally:
            await worker.close()

    asyncio.run(scenario())


def test_stopping_releases_a_job_that_does_not_finish_in_the_grace_period(
    schema_url: str, tmp_path: Path
) -> None:
    settings = make_settings()
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, settings, owner))
    provider = CountingProvider(latency_s=60)
    worker = _worker(schema_url, settings, tmp_path, provider=provider, shutdown_grace_s=0.2)

    asyncio.run(
        _run_until(
            worker,
            schema_url,
            "select exists (select from public.generation_jobs where state = 'running')",
        )
    )

    assert rows(schema_url, "select state, attempts, locked_by from public.generation_jobs") == [
        ("queued", 0, None)
    ]
    assert rows(schema_url, "select status from public.video_prompts") == [("pending",)]


def test_stopping_lets_a_job_finish_within_the_grace_period(
    schema_url: str, tmp_path: Path
) -> None:
    settings = make_settings()
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, settings, owner))
    worker = _worker(schema_url, settings, tmp_path, provider=CountingProvider(latency_s=0.5))

    asyncio.run(
        _run_until(
            worker,
            schema_url,
            "select exists (select from public.generation_jobs where state = 'running')",
        )
    )

    assert rows(schema_url, "select state from public.generation_jobs") == [("succeeded",)]


def test_a_bug_in_a_provider_fails_the_variant_instead_of_leaving_it_pending(
    schema_url: str, tmp_path: Path
) -> None:
    class Broken(CountingProvider):
        async def generate(self, request: PromptRequest) -> GeneratedPrompt:
            raise ZeroDivisionError

    settings = make_settings()
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, settings, owner))

    asyncio.run(_run_until(_worker(schema_url, settings, tmp_path, provider=Broken()), schema_url))

    assert rows(schema_url, "select status, error_code from public.video_prompts") == [
        ("failed", "internal_error")
    ]


def test_generation_error_codes_are_stable() -> None:
    assert {code.value for code in ErrorCode} >= {
        "rate_limited",
        "provider_unavailable",
        "timeout",
        "invalid_api_key",
        "blocked",
        "empty_output",
        "too_long",
        "image_unavailable",
        "image_too_large",
        "image_unsupported",
    }
    assert GenerationError(ErrorCode.RATE_LIMITED).transient
    assert not GenerationError(ErrorCode.BLOCKED).transient
