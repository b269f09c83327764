"""The generation worker: claims jobs from Postgres and writes each variant's prompt.

``concurrency`` slots share one connection pool. An idle slot sleeps until a NOTIFY on
the jobs channel (one extra connection LISTENs, unless LISTEN is off, as behind Supabase's
transaction pooler) or the polling interval, whichever comes first. A busy slot renews its
job's lease while the provider works; if the lease was lost, the work is abandoned.

Fair, bounded work: one user's jobs hold at most ``max_user_share`` of the slots (at least
one), counted by what this worker really runs (:mod:`._shares`), so a job keeps its slot
until its work has stopped even if its variant was deleted; deleting the variant cancels
the work at the next lease check (every ``poll_s``). Each job has ``job_timeout_s`` for
everything, retries included.

Stopping (SIGTERM) is graceful: no new claims, in-flight jobs get ``shutdown_grace_s`` to
finish, the rest are released (due at once for another worker, not counted as an attempt).
A worker killed outright leaves its leases to run out; the jobs are then claimed again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from vidprompt.database import Database, notifications, reach, reason
from vidprompt.errors import DatabaseError, DatabaseUnavailable, ErrorCode, GenerationError
from vidprompt.generation._logs import redact_http_logs
from vidprompt.generation._outage import Outage
from vidprompt.generation._queue import CHANNEL, JobQueue
from vidprompt.generation._retry import RetryPolicy, call_with_retries
from vidprompt.generation._shares import SlotShares

if TYPE_CHECKING:
    import uuid
    from collections.abc import Awaitable, Callable

    from vidprompt.config import Settings
    from vidprompt.generation._choice import ProviderChoice
    from vidprompt.generation._provider import GeneratedPrompt
    from vidprompt.generation._queue import ClaimedJob
    from vidprompt.storage._sources import ImageSource

log = logging.getLogger("vidprompt.worker")
T = TypeVar("T")

_CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int = 4
    lease_s: float = 60.0
    poll_s: float = 2.0
    listen: bool = True
    shutdown_grace_s: float = 20.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    db_retry_s: float = 1.0  # pause after a database error before trying again
    job_timeout_s: float = 120.0  # everything one job may take, retries included
    max_user_share: float = 0.5  # of the slots, for one user's jobs

    @property
    def slots_per_user(self) -> int:
        """How many slots one user's jobs may hold at the same time."""
        return max(1, math.floor(self.concurrency * self.max_user_share))


@dataclass(frozen=True)
class JobEvent:
    """What happened to a job, for progress displays and logs."""

    kind: Literal["completed", "failed", "released", "lost"]
    job_id: int
    variant_id: uuid.UUID
    attempt: int
    seconds: float
    model_name: str | None = None
    error: GenerationError | None = None


class Worker:
    """One worker process's share of the queue; ``run`` until ``stop``."""

    def __init__(
        self,
        url: str,
        *,
        settings: Settings,
        choice: ProviderChoice,
        images: Callable[[Database], ImageSource],
        options: WorkerOptions | None = None,
        on_event: Callable[[JobEvent], None] | None = None,
    ) -> None:
        self.options = options or WorkerOptions()
        self.id = secrets.token_hex(6)
        self._url = url
        self._choice = choice
        self._on_event = on_event
        # One connection per slot, one for the reaper; LISTEN has its own.
        pool = {"pool_min_size": 1, "pool_max_size": self.options.concurrency + 1}
        self._db = Database(url, settings.model_copy(update=pool))
        self._images = images(self._db)  # storage reads ask the database as the owner first
        self._shares = SlotShares(self.options.slots_per_user)
        self._queue = JobQueue(self._db, self.id, lease_s=self.options.lease_s)
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._hurry = asyncio.Event()
        self._outage = Outage(self.id, base_s=self.options.db_retry_s)
        self._fatal: DatabaseError | None = None
        self._task: asyncio.Task[None] | None = None

    # --- lifecycle -----------------------------------------------------------------

    async def run(self) -> None:
        """Work until :meth:`stop`; then finish or release in-flight jobs and return.

        Raises :class:`DatabaseError` when the database cannot be used as configured (wrong
        password, unknown host or database, a URL that does not parse).
        """
        redact_http_logs()
        try:
            await self._wait_for_database()
            if self._fatal is None and not self._stopping.is_set():
                await self._work()
        finally:
            await self._choice.aclose()
        if self._fatal is not None:
            raise self._fatal

    async def _wait_for_database(self) -> None:
        """Connect once before any work: wait out an outage, give up on what will not mend."""
        while not self._stopping.is_set():
            try:
                await reach(self._url, connect_timeout=_CONNECT_TIMEOUT_S)
            except DatabaseError as exc:
                try:
                    pause = self._outage.failed(exc)
                except DatabaseError as fatal:
                    self._fatal = fatal
                    return
                await self._sleep(pause)
                continue
            self._outage.recovered()
            return

    async def _work(self) -> None:
        await self._db.open()
        await self._requeue_expired()  # jobs of workers that died keep their place in line
        log.info(
            "worker %s started: %d slots, %s; prompts by %s unless a user has their own key",
            self.id,
            self.options.concurrency,
            "LISTEN and polling" if self.options.listen else "polling only",
            self._choice.describe(),
        )
        slots = [asyncio.create_task(self._slot()) for _ in range(self.options.concurrency)]
        helpers = [asyncio.create_task(self._reap())]
        if self.options.listen:
            helpers.append(asyncio.create_task(self._listen()))
        try:
            await self._stopping.wait()
            await self._let_slots_finish(slots)
            for slot in slots:
                slot.cancel()  # still busy after the grace period: release their jobs
            await asyncio.gather(*slots, return_exceptions=True)
        finally:
            for task in [*slots, *helpers]:
                task.cancel()
            await asyncio.gather(*slots, *helpers, return_exceptions=True)
            await self._db.close()
            log.info("worker %s stopped", self.id)

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self, *, now: bool = False) -> None:
        """Stop claiming; in-flight jobs finish within the grace period or are released.

        ``now`` skips what is left of the grace period (a second Ctrl-C).
        """
        self._stopping.set()
        self._wake.set()
        if now:
            self._hurry.set()

    async def _let_slots_finish(self, slots: list[asyncio.Task[None]]) -> None:
        hurry = asyncio.create_task(self._hurry.wait())
        deadline = time.monotonic() + self.options.shutdown_grace_s
        busy: set[asyncio.Task[Any]] = set(slots)
        try:
            while busy and not hurry.done() and (left := deadline - time.monotonic()) > 0:
                _, busy = await asyncio.wait(
                    busy | {hurry}, timeout=left, return_when=asyncio.FIRST_COMPLETED
                )
                busy.discard(hurry)
        finally:
            hurry.cancel()

    async def start(self) -> None:
        """Run in the background of the current event loop (e.g. inside ``serve``)."""
        self._task = asyncio.create_task(self.run())

    async def close(self) -> None:
        """Stop a worker begun with :meth:`start` and wait until it has let go of its jobs."""
        self.stop()
        if self._task is not None:
            await self._task

    # --- one slot --------------------------------------------------------------------

    async def _slot(self) -> None:
        job: ClaimedJob | None = None
        while not self._stopping.is_set() or job is not None:
            try:
                job = await self._turn(job)
            except DatabaseUnavailable as exc:
                await self._sleep(self._database_down(exc))
            except Exception:  # a bug must not silently cost the worker a slot
                log.exception("worker %s: unexpected error; the slot carries on", self.id)
                await self._sleep(self.options.db_retry_s)

    async def _turn(self, job: ClaimedJob | None) -> ClaimedJob | None:
        """Do ``job``, or claim one (else wait for work); the next job, if one came with it."""
        if job is None:
            job = await self._claim()
            if self._outage.down:
                self._outage.recovered()
            if job is None:
                await self._pause(self.options.poll_s)
                self._wake.clear()
                return None
        try:
            if self._stopping.is_set() or not self._shares.fits(job):
                await self._write(job, self._queue.release)
                return None
            return await self._process(job)
        finally:
            self._let_go(job)

    async def _claim(self) -> ClaimedJob | None:
        job = await self._queue.claim(busy_users=self._shares.busy_users())
        self._shares.hold(job)
        return job

    def _let_go(self, job: ClaimedJob) -> None:
        """The job's work has stopped; if that frees a slot for its user, wake idle slots."""
        if self._shares.let_go(job):
            self._wake.set()

    async def _process(self, job: ClaimedJob) -> ClaimedJob | None:
        """Do the job and store its outcome; the next job, claimed with the outcome."""
        started = time.monotonic()
        work = asyncio.create_task(self._generate(job))
        try:
            kept = await self._hold_lease(job, work)
        except asyncio.CancelledError:
            work.cancel()
            await _finish_even_if_cancelled(self._write(job, self._queue.release))
            self._emit("released", job, started)
            raise
        if not kept:
            self._emit("lost", job, started)
            return None
        try:
            prompt = work.result()
        except GenerationError as error:
            outcome = self._finish(job, started, error=error)
        except Exception:  # a bug must fail the variant, not leave it pending
            log.exception("worker %s: job %d crashed", self.id, job.id)
            outcome = self._finish(job, started, error=GenerationError(ErrorCode.INTERNAL_ERROR))
        else:
            outcome = self._finish(job, started, prompt=prompt)
        finishing = asyncio.ensure_future(outcome)
        try:
            return await _finish_even_if_cancelled(finishing)
        except asyncio.CancelledError:
            if (claimed := finishing.result()) is not None:
                await _finish_even_if_cancelled(self._write(claimed, self._queue.release))
                self._let_go(claimed)
            raise

    async def _generate(self, job: ClaimedJob) -> GeneratedPrompt:
        """The job's prompt within ``job_timeout_s``, however many retries it takes."""
        try:
            async with asyncio.timeout(self.options.job_timeout_s):
                return await self._generate_now(job)
        except TimeoutError:
            raise GenerationError(
                ErrorCode.TIMEOUT,
                f"Generation took longer than {self.options.job_timeout_s:g} s "
                "(loading the image and the AI provider together).",
                transient=False,
            ) from None

    async def _generate_now(self, job: ClaimedJob) -> GeneratedPrompt:
        if not job.variant_pending:
            raise GenerationError(ErrorCode.INVALID_REQUEST, "The variant is no longer pending.")
        provider = await self._choice.for_user(job.user_id, job.stored_api_key)
        request = job.request
        if provider.needs_image:
            image = await call_with_retries(
                lambda: self._images.fetch(job.image), self.options.retry
            )
            request = replace(request, image=image)
        return await call_with_retries(lambda: provider.generate(request), self.options.retry)

    async def _hold_lease(self, job: ClaimedJob, work: asyncio.Task[GeneratedPrompt]) -> bool:
        """Renew the lease until ``work`` is done; False (and ``work`` cancelled) if it was lost.

        Renewed every ``poll_s`` (at most a third of the lease): a job deleted with its
        variant is found gone, and its work cancelled, that soon.
        """
        every = min(self.options.lease_s / 3, self.options.poll_s)
        while True:
            done, _ = await asyncio.wait({work}, timeout=every)
            if done:
                return True
            if await self._write(job, self._queue.extend_lease) is False:
                work.cancel()
                await asyncio.gather(work, return_exceptions=True)
                return False

    async def _finish(
        self,
        job: ClaimedJob,
        started: float,
        *,
        prompt: GeneratedPrompt | None = None,
        error: GenerationError | None = None,
    ) -> ClaimedJob | None:
        """Store the outcome and, unless stopping, claim the next job in the same round trip."""
        claim_next = not self._stopping.is_set()
        outcome = await self._write(
            job,
            lambda job: self._queue.finish(
                job,
                prompt=prompt,
                error=error,
                claim_next=claim_next,
                busy_users=self._shares.busy_users(finishing=job),
            ),
        )
        stored, claimed = outcome or (False, None)
        self._shares.hold(claimed, finishing=job)
        if not stored:
            self._emit("lost", job, started)
        elif prompt is not None:
            self._emit("completed", job, started, model_name=prompt.model_name)
        else:
            self._emit("failed", job, started, error=error)
        return claimed

    async def _write(
        self,
        job: ClaimedJob,
        operation: Callable[[ClaimedJob], Awaitable[T]],
    ) -> T | None:
        """Run a guarded write, retrying through a database outage while the lease may hold.

        None when the database stayed unreachable: the lease then runs out and another claim
        redoes the job, so nothing is lost, and the guard keeps it from being stored twice.
        """
        deadline = time.monotonic() + self.options.lease_s
        while True:
            try:
                return await operation(job)
            except DatabaseUnavailable as exc:
                if time.monotonic() > deadline:
                    log.warning("worker %s: gave up on job %d (%s)", self.id, job.id, reason(exc))
                    return None
                await asyncio.sleep(self.options.db_retry_s)

    # --- helpers ---------------------------------------------------------------------

    async def _pause(self, seconds: float) -> None:
        """Sleep until woken (NOTIFY, stop) or ``seconds`` pass; not at all once stopping.

        It waits on the stop itself as well as the wake-up: the wake-up is shared and reset by
        whichever slot wakes first, so a slot that starts waiting just after stop() set it
        could otherwise find it reset and sleep through the grace period."""
        if self._stopping.is_set():
            return
        waits = {
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(self._stopping.wait()),
        }
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    async def _sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` unless stopped meanwhile (a NOTIFY does not cut it short)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _database_down(self, exc: BaseException) -> float:
        """The pause before trying again; stops the worker when retrying cannot help."""
        try:
            return self._outage.failed(exc)
        except DatabaseError as fatal:
            if self._fatal is None:
                self._fatal = fatal
                self.stop(now=True)
            return 0.0

    async def _listen(self) -> None:
        while True:
            try:
                # The first wake-up: notifications may have been missed while away.
                async for _ in notifications(self._url, CHANNEL):
                    self._wake.set()
            except DatabaseError as exc:
                log.debug("worker %s: LISTEN connection lost (%s)", self.id, reason(exc))
            await asyncio.sleep(self.options.db_retry_s)

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(self.options.poll_s)
            with contextlib.suppress(DatabaseUnavailable):
                failed = await self._queue.fail_exhausted()
                if failed:
                    log.warning("worker %s: %d job(s) failed after lost workers", self.id, failed)
            await self._requeue_expired()

    async def _requeue_expired(self) -> None:
        """Jobs whose worker's lease ran out go back to their original place in the queue."""
        with contextlib.suppress(DatabaseUnavailable):
            requeued = await self._queue.requeue_expired()
            if requeued:
                log.info("worker %s: %d job(s) of lost workers queued again", self.id, requeued)

    def _emit(
        self,
        kind: Literal["completed", "failed", "released", "lost"],
        job: ClaimedJob,
        started: float,
        *,
        model_name: str | None = None,
        error: GenerationError | None = None,
    ) -> None:
        event = JobEvent(
            kind, job.id, job.variant_id, job.attempt, time.monotonic() - started, model_name, error
        )
        detail = model_name or (f"{error.code.value}: {error.message}" if error else "")
        log.info(
            "job %d %s (variant %s, attempt %d, %.2f s) %s",
            job.id,
            kind,
            job.variant_id,
            job.attempt,
            event.seconds,
            detail,
        )
        if self._on_event is not None:
            self._on_event(event)


async def _finish_even_if_cancelled(write: Awaitable[T]) -> T:
    """Let a short database write finish even if the slot is cancelled meanwhile.

    Shutdown cancels slots still busy after the grace period; a half-done completion or
    release would leave the job to wait for its lease, so the write completes first.
    """
    task = asyncio.ensure_future(write)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise
