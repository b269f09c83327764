"""Test data and waiting for generation: users with images, settings, stand-in providers."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg

from tests._support import create_image, create_user
from vidprompt.config import Settings
from vidprompt.database import STATE_DIR, Database, Scope
from vidprompt.generation import (
    BUCKET,
    GeneratedPrompt,
    GenerationError,
    PromptRequest,
    enqueue_generation,
    sample_image,
)

if TYPE_CHECKING:
    import uuid
    from pathlib import Path

    from vidprompt.db_types import VideoPromptsRow
    from vidprompt.generation import Worker


def make_settings(**overrides: Any) -> Settings:
    """Settings for a test: nothing from the environment or a .env file, fast polling."""
    values: dict[str, Any] = {
        "database_url": None,
        "gemini_api_key": None,
        "encryption_key": None,
        "supabase_url": None,
        "supabase_service_key": None,
        "worker_lease_s": 5.0,
        "worker_poll_s": 0.2,
    }
    return Settings(_env_file=None, **(values | overrides))


@dataclass(frozen=True)
class Owner:
    user_id: uuid.UUID
    image_id: uuid.UUID

    @property
    def scope(self) -> Scope:
        return Scope.user(self.user_id)


def owner_with_image(url: str, workdir: Path | None = None) -> Owner:
    """A user with one image; with ``workdir``, the image is an object in its local storage."""
    with psycopg.connect(url, autocommit=True) as conn:
        user_id = create_user(conn)
        image_id = create_image(conn, user_id)
    if workdir is not None:
        store_object(url, workdir, f"{user_id}/i.png", owner=user_id)
    return Owner(user_id, image_id)


def store_object(
    url: str, workdir: Path | None, name: str, *, owner: uuid.UUID, content: bytes | None = None
) -> None:
    """An object of ``owner`` as Supabase Storage keeps one: its ``storage.objects`` row, and
    with ``workdir`` its file in local storage (without, the bytes are a stand-in's)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "insert into storage.buckets (id, name) values (%s, %s) on conflict do nothing",
            [BUCKET, BUCKET],
        )
        conn.execute(
            "insert into storage.objects (bucket_id, name, owner, owner_id) values (%s, %s, %s,"
            " %s::text)",
            [BUCKET, name, owner, owner],
        )
    if workdir is not None:
        file = workdir / STATE_DIR / "storage" / BUCKET / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(sample_image() if content is None else content)


async def enqueue(
    url: str, settings: Settings, owner: Owner, count: int = 1, **inputs: Any
) -> list[VideoPromptsRow]:
    """``count`` generation requests for the owner's image; the instruction numbers them."""
    db = Database(url, settings)
    await db.open()
    try:
        return [
            await enqueue_generation(
                db,
                owner.scope,
                owner.image_id,
                {"user_instruction": f"job {number}"} | inputs,
                settings=settings,
            )
            for number in range(count)
        ]
    finally:
        await db.close()


def rows(url: str, query: str, params: Any = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query.encode(), params).fetchall()


async def wait_for(url: str, query: str, *, timeout_s: float = 60.0) -> None:
    """Until ``query`` (one boolean) is true; fails the test when it never becomes so."""
    deadline = time.monotonic() + timeout_s
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        while True:
            row = await (await conn.execute(query.encode())).fetchone()
            if row and row[0]:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"still not true after {timeout_s} s: {query}")
            await asyncio.sleep(0.05)


ALL_DONE = "select not exists (select from public.video_prompts where status = 'pending')"


def run_until_done(url: str, worker: Worker, *, timeout_s: float = 60.0) -> None:
    """Run ``worker`` until no variant is pending, then stop it."""

    async def run() -> None:
        await worker.start()
        try:
            await wait_for(url, ALL_DONE, timeout_s=timeout_s)
        finally:
            await worker.close()

    asyncio.run(run())


class CountingProvider:
    """A stand-in provider: counts calls per instruction, waits ``latency_s``, may fail."""

    needs_image = False

    def __init__(
        self,
        *,
        latency_s: float = 0.0,
        error: GenerationError | None = None,
        model_name: str = "stand-in-1",
    ) -> None:
        self.latency_s = latency_s
        self.error = error
        self.model_name = model_name
        self.calls: Counter[str] = Counter()

    async def generate(self, request: PromptRequest) -> GeneratedPrompt:
        key = request.instruction or ""
        self.calls[key] += 1
        await asyncio.sleep(self.latency_s)
        if self.error is not None:
            raise self.error
        text = f"A stand-in prompt for {key}, call {self.calls[key]}, with a slow dolly-in."
        return GeneratedPrompt(text, self.model_name)
