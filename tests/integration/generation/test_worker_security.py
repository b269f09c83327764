"""The worker under attack: every field a user writes is hostile (findings F1 to F5, F12).

Each test asserts both sides on what the stand-in storage and the stand-in Gemini received:
the owner's own image still generates; another user's object is never fetched.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

import psycopg

from tests._support import create_user
from tests.integration.generation._standins import Reply, StandIn, gemini_text
from tests.integration.generation._world import (
    ALL_DONE,
    CountingProvider,
    Owner,
    enqueue,
    make_settings,
    owner_with_image,
    rows,
    store_object,
    wait_for,
)
from tests.integration.generation.conftest import GOOD_PROMPT
from vidprompt.database import Database
from vidprompt.generation import (
    BUCKET,
    NOT_IN_STORAGE,
    JobEvent,
    ProviderChoice,
    RetryPolicy,
    Worker,
    WorkerOptions,
    image_sources,
)

if TYPE_CHECKING:
    import uuid
    from collections.abc import Callable
    from pathlib import Path

    from vidprompt.config import Settings
    from vidprompt.generation import GeneratedPrompt, PromptRequest, Provider

FAST_RETRIES = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)
PNG_HEADERS = {"Content-Type": "image/png"}


def _worker(
    url: str,
    settings: Settings,
    workdir: Path,
    *,
    provider: Provider | None = None,
    on_event: Callable[[JobEvent], None] | None = None,
    **options: Any,
) -> Worker:
    defaults: dict[str, Any] = {
        "concurrency": 2,
        "lease_s": settings.worker_lease_s,
        "poll_s": settings.worker_poll_s,
        "retry": FAST_RETRIES,
        "job_timeout_s": settings.job_timeout_s,
        "max_user_share": settings.worker_max_user_share,
    }
    return Worker(
        url,
        settings=settings,
        choice=ProviderChoice(settings, fixed=provider),
        images=image_sources(settings, workdir),
        options=WorkerOptions(**(defaults | options)),
        on_event=on_event,
    )


async def _run_until(worker: Worker, url: str, condition: str = ALL_DONE) -> None:
    await worker.start()
    try:
        await wait_for(url, condition)
    finally:
        await worker.close()


def _run(worker: Worker, url: str) -> None:
    asyncio.run(_run_until(worker, url))


def _image(url: str, user_id: uuid.UUID, storage_path: str, image_url: str = "none:") -> Owner:
    """An image row of ``user_id`` naming whatever object and URL the user chose to write."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "insert into public.images (user_id, url, storage_path, type)"
            " values (%s, %s, %s, 'generated') returning id",
            [user_id, image_url, storage_path],
        ).fetchone()
    assert row is not None
    return Owner(user_id, row[0])


def _user(url: str) -> uuid.UUID:
    with psycopg.connect(url, autocommit=True) as conn:
        return create_user(conn)


def _outcomes(url: str) -> dict[str, tuple[str, str | None, str | None]]:
    """Per instruction: status, error code, error message."""
    found = rows(
        url, "select user_instruction, status, error_code, error_message from public.video_prompts"
    )
    return {instruction: (status, code, message) for instruction, status, code, message in found}


def _until(predicate: Callable[[], bool], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# --- F1: another user's object, from local storage and from Supabase Storage --------------


def test_f1_local_storage_reads_only_objects_the_owner_may_read(
    schema_url: str, tmp_path: Path, gemini: StandIn, png: bytes
) -> None:
    settings = make_settings(gemini_api_key="server-key", gemini_base_url=gemini.url)
    victim = owner_with_image(schema_url, tmp_path)
    secret = b"\x89PNG\r\n\x1a\n" + b"victim's private bytes" * 8
    store_object(schema_url, tmp_path, f"{victim.user_id}/private.png", owner=victim.user_id,
                 content=secret)  # fmt: skip
    attacker = owner_with_image(schema_url, tmp_path)
    stolen = _image(schema_url, attacker.user_id, f"{victim.user_id}/private.png")
    missing = _image(schema_url, attacker.user_id, f"{attacker.user_id}/never-uploaded.png")
    asyncio.run(enqueue(schema_url, settings, stolen, user_instruction="stolen"))
    asyncio.run(enqueue(schema_url, settings, missing, user_instruction="missing"))
    asyncio.run(enqueue(schema_url, settings, attacker, user_instruction="own"))
    asyncio.run(enqueue(schema_url, settings, victim, user_instruction="victim's own"))

    _run(_worker(schema_url, settings, tmp_path), schema_url)

    outcomes = _outcomes(schema_url)
    assert outcomes["stolen"] == ("failed", "image_unavailable", NOT_IN_STORAGE)
    assert outcomes["missing"] == outcomes["stolen"]  # a foreign object reads like a missing one
    assert outcomes["own"] == ("completed", None, None)
    assert outcomes["victim's own"] == ("completed", None, None)
    sent = [str(seen.json()) for seen in gemini.requests()]
    assert len(sent) == 2  # only the two owners' own images reached the provider
    assert not any("victim's private bytes" in body for body in sent)
    assert not any(_b64(secret) in body for body in sent)
    assert all(_b64(png) in body for body in sent)


def _b64(content: bytes) -> str:
    """The start of the base64 the Gemini request carries the image bytes as."""
    return base64.b64encode(content).decode()[:40]


def test_f1_supabase_storage_is_never_asked_for_another_users_object(
    schema_url: str, tmp_path: Path, gemini: StandIn, png: bytes
) -> None:
    with StandIn(Reply(400, {"error": "not_found"})) as storage:
        settings = make_settings(
            gemini_api_key="server-key",
            gemini_base_url=gemini.url,
            supabase_url=storage.url,
            supabase_service_key="service-key",
        )
        victim, attacker = _user(schema_url), _user(schema_url)
        for user in (victim, attacker):
            store_object(schema_url, None, f"{user}/i.png", owner=user)
            storage.route(f"/storage/v1/object/{BUCKET}/{user}/i.png", Reply(body=png,
                          headers=PNG_HEADERS))  # fmt: skip
        stolen = _image(schema_url, attacker, f"{victim}/i.png")
        own = _image(schema_url, attacker, f"{attacker}/i.png")
        asyncio.run(enqueue(schema_url, settings, stolen, user_instruction="stolen"))
        asyncio.run(enqueue(schema_url, settings, own, user_instruction="own"))

        _run(_worker(schema_url, settings, tmp_path), schema_url)

        assert [seen.path for seen in storage.requests()] == [
            f"/storage/v1/object/{BUCKET}/{attacker}/i.png"
        ]
    outcomes = _outcomes(schema_url)
    assert outcomes["stolen"] == ("failed", "image_unavailable", NOT_IN_STORAGE)
    assert outcomes["own"] == ("completed", None, None)
    assert len(gemini.requests()) == 1


def test_f1_an_object_row_in_someone_elses_folder_does_not_make_it_yours(
    schema_url: str, tmp_path: Path, gemini: StandIn
) -> None:
    # The policies go by the name's first folder, as the app's do; the owner column (which a
    # client of Supabase Storage cannot choose anyway) does not override them.
    settings = make_settings(gemini_api_key="server-key", gemini_base_url=gemini.url)
    victim, attacker = _user(schema_url), _user(schema_url)
    store_object(schema_url, tmp_path, f"{victim}/planted.png", owner=attacker)
    planted = _image(schema_url, attacker, f"{victim}/planted.png")
    asyncio.run(enqueue(schema_url, settings, planted, user_instruction="planted"))

    _run(_worker(schema_url, settings, tmp_path), schema_url)

    assert _outcomes(schema_url)["planted"] == ("failed", "image_unavailable", NOT_IN_STORAGE)
    assert gemini.requests() == []


# --- F2 and F3: paths that escape, redirects that carry the service key --------------------


def test_f2_a_storage_path_that_climbs_out_sends_no_service_key_request(
    schema_url: str, tmp_path: Path, gemini: StandIn, png: bytes
) -> None:
    with StandIn(Reply(200, {"users": ["everyone"]})) as storage:
        settings = make_settings(
            gemini_api_key="server-key",
            gemini_base_url=gemini.url,
            supabase_url=storage.url,
            supabase_service_key="service-key",
        )
        attacker = _user(schema_url)
        store_object(schema_url, None, f"{attacker}/i.png", owner=attacker)
        storage.route(f"/storage/v1/object/{BUCKET}/{attacker}/i.png",
                      Reply(body=png, headers=PNG_HEADERS))  # fmt: skip
        climbs = [
            f"{attacker}/../../../../auth/v1/admin/users",
            f"{attacker}/%2e%2e/%2e%2e/%2e%2e/rest/v1/profiles",
            f"{attacker}/..%2f..%2f..%2fauth/v1/admin/users",
            f"{attacker}\\..\\..\\other_bucket\\x.png",
        ]
        for number, path in enumerate(climbs):
            image = _image(schema_url, attacker, path)
            asyncio.run(enqueue(schema_url, settings, image, user_instruction=f"climb {number}"))
        asyncio.run(enqueue(schema_url, settings, _image(schema_url, attacker, f"{attacker}/i.png"),
                            user_instruction="own"))  # fmt: skip

        _run(_worker(schema_url, settings, tmp_path, concurrency=4), schema_url)

        assert [seen.path for seen in storage.requests()] == [
            f"/storage/v1/object/{BUCKET}/{attacker}/i.png"
        ]
    outcomes = _outcomes(schema_url)
    for number in range(len(climbs)):
        status, code, message = outcomes[f"climb {number}"]
        assert (status, code) == ("failed", "image_unavailable")
        assert message is not None
        assert "users" not in message  # nothing of another endpoint's answer comes back
    assert outcomes["own"] == ("completed", None, None)
    assert len(gemini.requests()) == 1


def test_f3_a_redirect_from_storage_is_not_followed_and_the_key_stays_home(
    schema_url: str, tmp_path: Path, gemini: StandIn, png: bytes
) -> None:
    with StandIn(Reply(body=png, headers=PNG_HEADERS)) as elsewhere, StandIn() as storage:
        settings = make_settings(
            gemini_api_key="server-key",
            gemini_base_url=gemini.url,
            supabase_url=storage.url,
            supabase_service_key="service-key",
        )
        owner = _user(schema_url)
        for name in ("moved.png", "i.png"):
            store_object(schema_url, None, f"{owner}/{name}", owner=owner)
        storage.route(f"/storage/v1/object/{BUCKET}/{owner}/moved.png",
                      Reply(302, b"", {"Location": f"{elsewhere.url}/x.png"}))  # fmt: skip
        storage.route(f"/storage/v1/object/{BUCKET}/{owner}/i.png",
                      Reply(body=png, headers=PNG_HEADERS))  # fmt: skip
        moved = _image(schema_url, owner, f"{owner}/moved.png")
        asyncio.run(enqueue(schema_url, settings, moved, user_instruction="moved"))
        asyncio.run(enqueue(schema_url, settings, _image(schema_url, owner, f"{owner}/i.png"),
                            user_instruction="own"))  # fmt: skip

        _run(_worker(schema_url, settings, tmp_path), schema_url)

        assert elsewhere.requests() == []
        assert {seen.headers["apikey"] for seen in storage.requests()} == {"service-key"}
    outcomes = _outcomes(schema_url)
    assert outcomes["moved"][:2] == ("failed", "image_unavailable")
    assert outcomes["own"] == ("completed", None, None)


# --- F4: deleting a variant cancels its work; the cap cannot be emptied around it ---------


def test_f4_deleting_a_variant_cancels_its_provider_call(
    schema_url: str, tmp_path: Path, gemini: StandIn
) -> None:
    settings = make_settings(
        gemini_api_key="server-key", gemini_base_url=gemini.url, max_unfinished_jobs_per_user=2
    )
    gemini.script(*[Reply(delay_s=60, body=gemini_text(GOOD_PROMPT).body)] * 2)
    owner = owner_with_image(schema_url, tmp_path)
    events: list[JobEvent] = []
    worker = _worker(schema_url, settings, tmp_path, concurrency=4, max_user_share=1.0,
                     on_event=events.append)  # fmt: skip

    async def scenario() -> None:
        await worker.start()
        try:
            first = await enqueue(schema_url, settings, owner, 2)
            await asyncio.to_thread(_until, lambda: len(gemini.requests()) == 2)
            await _delete_as_owner(schema_url, settings, owner, [v.id for v in first])
            await asyncio.to_thread(
                _until, lambda: all(seen.disconnected for seen in gemini.requests()[:2])
            )
            await enqueue(schema_url, settings, owner, 2, user_instruction="after the delete")
            await wait_for(schema_url, ALL_DONE)
        finally:
            await worker.close()

    asyncio.run(scenario())

    first_two, later = gemini.requests()[:2], gemini.requests()[2:]
    assert all(seen.disconnected for seen in first_two)  # the worker hung up on both
    assert len(later) == 2
    assert not any(seen.disconnected for seen in later)
    assert sorted(event.kind for event in events) == ["completed", "completed", "lost", "lost"]
    assert rows(schema_url, "select status from public.video_prompts") == [("completed",)] * 2


async def _delete_as_owner(
    url: str, settings: Settings, owner: Owner, variant_ids: list[uuid.UUID]
) -> None:
    db = Database(url, settings)
    await db.open()
    try:
        async with db.transaction(owner.scope) as tx:
            await tx.queue(
                b"delete from public.video_prompts where id = any(%(ids)s)", {"ids": variant_ids}
            )
    finally:
        await db.close()


# --- F5: slow downloads, long jobs and one user's share of the slots -----------------------


def test_f5_a_dripping_image_url_cannot_hold_the_worker_from_another_user(
    schema_url: str, tmp_path: Path, gemini: StandIn, png: bytes
) -> None:
    settings = make_settings(
        gemini_api_key="server-key",
        gemini_base_url=gemini.url,
        image_allow_private_hosts=True,
        image_download_timeout_s=0.5,
        job_timeout_s=1.2,
    )
    with StandIn(Reply(body=png * 50, headers=PNG_HEADERS, drip_s=0.1)) as drip:
        attacker = _image(schema_url, _user(schema_url), "x/none.png", f"{drip.url}/slow.png")
        other = owner_with_image(schema_url, tmp_path)
        asyncio.run(enqueue(schema_url, settings, attacker, 4, user_instruction="slow"))
        asyncio.run(enqueue(schema_url, settings, other, user_instruction="other"))
        events: list[JobEvent] = []

        worker = _worker(schema_url, settings, tmp_path, concurrency=2, on_event=events.append)
        _run(worker, schema_url)

        assert drip.most_at_once == 1  # one user's jobs held one of the two slots, never both
    outcomes = _outcomes(schema_url)
    assert outcomes["other"] == ("completed", None, None)
    [sent] = gemini.requests()  # the other user's image; none of the dripping ones
    assert _b64(png) in str(sent.json())
    failed = [event for event in events if event.kind == "failed"]
    assert len(failed) == 4
    for event in failed:
        assert event.error is not None
        assert event.error.code.value == "timeout"
        assert "longer than 1.2 s" in event.error.message


def test_f5_one_user_holds_at_most_their_share_of_the_slots(
    schema_url: str, tmp_path: Path
) -> None:
    settings = make_settings(worker_max_user_share=0.5, max_unfinished_jobs_per_user=10)
    busy, quiet = owner_with_image(schema_url), owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, settings, busy, 6))
    provider = _ConcurrencyProbe(latency_s=0.3)
    worker = _worker(schema_url, settings, tmp_path, provider=provider, concurrency=4)

    async def scenario() -> None:
        await worker.start()
        try:
            await asyncio.to_thread(_until, lambda: provider.started >= 2)
            await enqueue(schema_url, settings, quiet, 2, user_instruction="quiet")
            await wait_for(schema_url, ALL_DONE)
        finally:
            await worker.close()

    asyncio.run(scenario())

    assert provider.most["busy"] == 2  # 4 slots x 0.5
    assert provider.most["quiet"] == 2
    assert provider.quiet_started_before_busy_finished


class _ConcurrencyProbe(CountingProvider):
    """Counts how many jobs of each user it works on at once (the quiet user's say "quiet")."""

    def __init__(self, *, latency_s: float) -> None:
        super().__init__(latency_s=latency_s)
        self.now: Counter[str] = Counter()
        self.most: Counter[str] = Counter()
        self.started = 0
        self.busy_done = 0
        self.quiet_started_before_busy_finished = False

    async def generate(self, request: PromptRequest) -> GeneratedPrompt:
        who = "quiet" if request.instruction == "quiet" else "busy"
        self.started += 1
        self.now[who] += 1
        self.most[who] = max(self.most[who], self.now[who])
        if who == "quiet" and self.busy_done < 6:
            self.quiet_started_before_busy_finished = True
        try:
            return await super().generate(request)
        finally:
            self.now[who] -= 1
            self.busy_done += who == "busy"


# --- F12: nothing secret in a log line -----------------------------------------------------


def test_f12_signed_url_tokens_and_keys_never_reach_the_log(
    schema_url: str, tmp_path: Path, gemini: StandIn, png: bytes, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        StandIn(Reply(body=png, headers=PNG_HEADERS)) as cdn,
        StandIn(Reply(400, {"error": "not_found"})) as storage,
    ):
        settings = make_settings(
            gemini_api_key="SERVER-KEY-SECRET",
            gemini_base_url=gemini.url,
            supabase_url=storage.url,
            supabase_service_key="SERVICE-KEY-SECRET",
            image_allow_private_hosts=True,
        )
        owner = _user(schema_url)
        store_object(schema_url, None, f"{owner}/i.png", owner=owner)
        signed = f"{cdn.url}/object/sign/i.png?token=SIGNED-TOKEN-SECRET"
        image = _image(schema_url, owner, f"{owner}/i.png", signed)
        asyncio.run(enqueue(schema_url, settings, image))

        _run(_worker(schema_url, settings, tmp_path), schema_url)

        assert storage.requests()[0].headers["apikey"] == "SERVICE-KEY-SECRET"
        assert cdn.requests()[0].path.endswith("?token=SIGNED-TOKEN-SECRET")
    assert gemini.requests()[0].headers["x-goog-api-key"] == "SERVER-KEY-SECRET"
    assert rows(schema_url, "select status from public.video_prompts") == [("completed",)]
    lines = [record.getMessage() for record in caplog.records]
    assert any("HTTP Request" in line for line in lines)  # httpx did log the requests
    assert not [line for line in lines if "SECRET" in line]
