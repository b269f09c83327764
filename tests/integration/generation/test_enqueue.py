"""Requesting generations: the pending variant and its job, the per-user cap, bad input."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from tests.integration.generation._world import (
    Owner,
    enqueue,
    make_settings,
    owner_with_image,
    rows,
)
from vidprompt.database import Database, Scope
from vidprompt.errors import AuthError, InvalidInput, NotFound, QuotaExceeded
from vidprompt.generation import KeyCipher, enqueue_generation, new_server_key

COUNTS = (
    "select (select count(*) from public.video_prompts),"
    " (select count(*) from public.generation_jobs)"
)


def test_a_request_is_a_pending_variant_with_a_queued_job(schema_url: str) -> None:
    settings = make_settings()
    owner = owner_with_image(schema_url)

    [variant] = asyncio.run(
        enqueue(
            schema_url,
            settings,
            owner,
            user_instruction="lächeln 😀",
            camera_style="dolly",
            film_effects=["golden_hour", "soft"],
        )
    )

    assert (variant.status, variant.user_id, variant.image_id) == (
        "pending",
        owner.user_id,
        owner.image_id,
    )
    assert (variant.user_instruction, variant.camera_style) == ("lächeln 😀", "dolly")
    assert variant.film_effects == ["golden_hour", "soft"]
    assert rows(
        schema_url, "select variant_id, user_id, state, attempts from public.generation_jobs"
    ) == [(variant.id, owner.user_id, "queued", 0)]


def test_the_cap_on_unfinished_jobs_refuses_and_writes_nothing(schema_url: str) -> None:
    settings = make_settings(max_unfinished_jobs_per_user=3)
    owner = owner_with_image(schema_url)
    asyncio.run(enqueue(schema_url, settings, owner, 3))

    with pytest.raises(QuotaExceeded) as refused:
        asyncio.run(enqueue(schema_url, settings, owner))
    assert "at most 3" in refused.value.message
    assert rows(schema_url, COUNTS) == [(3, 3)]

    # Another user is not affected; a finished job frees a place.
    asyncio.run(enqueue(schema_url, settings, owner_with_image(schema_url)))
    rows(
        schema_url,
        "update public.generation_jobs set state = 'succeeded' where id = "
        "(select min(id) from public.generation_jobs) returning id",
    )
    asyncio.run(enqueue(schema_url, settings, owner))
    assert rows(schema_url, COUNTS) == [(5, 5)]


def test_concurrent_requests_cannot_pass_the_cap_together(schema_url: str) -> None:
    settings = make_settings(max_unfinished_jobs_per_user=5, pool_max_size=12)
    owner = owner_with_image(schema_url)

    async def race() -> list[Any]:
        db = Database(schema_url, settings)
        await db.open()
        try:
            requests = [
                enqueue_generation(db, owner.scope, owner.image_id, settings=settings)
                for _ in range(12)
            ]
            return await asyncio.gather(*requests, return_exceptions=True)
        finally:
            await db.close()

    outcomes = asyncio.run(race())
    assert sum(isinstance(outcome, QuotaExceeded) for outcome in outcomes) == 7
    assert rows(schema_url, COUNTS) == [(5, 5)]


def test_another_users_image_is_not_found_like_a_missing_one(schema_url: str) -> None:
    settings = make_settings()
    owner = owner_with_image(schema_url)
    intruder = owner_with_image(schema_url)

    with pytest.raises(NotFound) as foreign:
        asyncio.run(enqueue(schema_url, settings, Owner(intruder.user_id, owner.image_id)))
    with pytest.raises(NotFound) as missing:
        asyncio.run(enqueue(schema_url, settings, Owner(intruder.user_id, uuid.uuid4())))

    assert foreign.value.message == missing.value.message
    assert rows(schema_url, COUNTS) == [(0, 0)]
    # The owner can.
    asyncio.run(enqueue(schema_url, settings, owner))
    assert rows(schema_url, COUNTS) == [(1, 1)]


@pytest.mark.parametrize("scope", [Scope.anonymous(), Scope.service()])
def test_only_a_signed_in_user_can_request(schema_url: str, scope: Scope) -> None:
    settings = make_settings()
    owner = owner_with_image(schema_url)

    async def request() -> None:
        db = Database(schema_url, settings)
        await db.open()
        try:
            await enqueue_generation(db, scope, owner.image_id, settings=settings)
        finally:
            await db.close()

    with pytest.raises(AuthError):
        asyncio.run(request())
    assert rows(schema_url, COUNTS) == [(0, 0)]


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"camera_style": "static"}, "camera_style"),
        ({"film_effects": ["noir", "noir"]}, "film_effects"),
        ({"film_effects": ["noir", "soft", "dreamy", "dramatic"]}, "film_effects"),
        ({"film_effects": ["sepia"]}, "film_effects"),
        ({"user_instruction": "x" * 501}, "user_instruction"),
    ],
)
def test_values_outside_the_vocabulary_are_refused(
    schema_url: str, inputs: dict[str, Any], field: str
) -> None:
    owner = owner_with_image(schema_url)
    with pytest.raises(InvalidInput) as refused:
        asyncio.run(enqueue(schema_url, make_settings(), owner, **inputs))
    assert refused.value.field == field
    assert rows(schema_url, COUNTS) == [(0, 0)]


def test_the_pending_variant_names_the_model_that_will_write_it(schema_url: str) -> None:
    owner = owner_with_image(schema_url)
    with_server_key = make_settings(gemini_api_key="k", gemini_model="gemini-2.5-pro")
    server_key = new_server_key()
    with_user_keys = make_settings(encryption_key=server_key)

    [template] = asyncio.run(enqueue(schema_url, make_settings(), owner))
    [gemini] = asyncio.run(enqueue(schema_url, with_server_key, owner))
    [no_user_key] = asyncio.run(enqueue(schema_url, with_user_keys, owner))
    stored = KeyCipher(server_key).encrypt("own", owner.user_id)
    rows(
        schema_url,
        "insert into public.profiles (id, gemini_api_key) values (%s, %s) returning id",
        [owner.user_id, stored],
    )
    [user_key] = asyncio.run(enqueue(schema_url, with_user_keys, owner))

    assert template.model_name == "vidprompt-template-1"
    assert gemini.model_name == "gemini-2.5-pro"
    assert no_user_key.model_name == "vidprompt-template-1"
    assert user_key.model_name == "gemini-2.5-flash"
