"""Assembling a worker from the settings: image sources, provider choice, options."""

from __future__ import annotations

import asyncio
import signal
from importlib import resources
from typing import TYPE_CHECKING

from vidprompt.database import STATE_DIR
from vidprompt.generation._choice import ProviderChoice
from vidprompt.generation._worker import JobEvent, Worker, WorkerOptions
from vidprompt.storage._access import OwnersObjects
from vidprompt.storage._http import HttpSource, SupabaseStorage
from vidprompt.storage._sources import STORAGE_DIR, FirstFound, ImageSource, LocalStorage

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from vidprompt.config import Settings
    from vidprompt.database import Database
    from vidprompt.generation._provider import Provider


def run_worker(worker: Worker) -> None:
    """Run ``worker`` until SIGTERM or SIGINT (graceful); a second signal stops it at once."""

    async def main() -> None:
        loop = asyncio.get_running_loop()

        def on_signal() -> None:
            worker.stop(now=worker.stopping)

        for number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(number, on_signal)
        await worker.run()

    asyncio.run(main())


def sample_image() -> bytes:
    """The small PNG shipped with vidprompt, for the demo and for trying things out."""
    return resources.files(__package__).joinpath("assets", "sample.png").read_bytes()


def local_storage(workdir: Path) -> LocalStorage:
    """The embedded default's storage: ``<workdir>/.vidprompt/storage/<bucket>/<name>``."""
    return LocalStorage(workdir / STATE_DIR / STORAGE_DIR)


def image_sources(settings: Settings, workdir: Path) -> Callable[[Database], ImageSource]:
    """Supabase Storage when a project is configured, else local storage; then the URL.

    Storage is read only for objects the image's owner may read (:class:`OwnersObjects`,
    asked through the worker's database); the URL keeps its own guards.
    """
    deadline_s = settings.image_download_timeout_s
    if settings.supabase_url and settings.supabase_service_key:
        storage: ImageSource = SupabaseStorage(
            settings.supabase_url, settings.supabase_service_key, deadline_s=deadline_s
        )
    else:
        storage = local_storage(workdir)
    web = HttpSource(deadline_s=deadline_s, allow_private_hosts=settings.image_allow_private_hosts)

    def sources(db: Database) -> ImageSource:
        return FirstFound([OwnersObjects(storage, db), web])

    return sources


def build_worker(
    url: str,
    *,
    settings: Settings,
    workdir: Path,
    concurrency: int = 4,
    shutdown_grace_s: float = 20.0,
    provider: Provider | None = None,
    on_event: Callable[[JobEvent], None] | None = None,
) -> Worker:
    """A worker configured from ``settings``; ``provider`` replaces the per-user choice."""
    options = WorkerOptions(
        concurrency=concurrency,
        lease_s=settings.worker_lease_s,
        poll_s=settings.worker_poll_s,
        listen=not settings.transaction_pooler,
        shutdown_grace_s=shutdown_grace_s,
        job_timeout_s=settings.job_timeout_s,
        max_user_share=settings.worker_max_user_share,
    )
    return Worker(
        url,
        settings=settings,
        choice=ProviderChoice(settings, fixed=provider),
        images=image_sources(settings, workdir),
        options=options,
        on_event=on_event,
    )
