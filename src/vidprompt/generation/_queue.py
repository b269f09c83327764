"""The worker's side of the job queue: claim, renew the lease, complete, fail, release.

Every write is guarded by the claim (job id, worker id, attempt number), so a worker that
lost its lease to another can no longer touch the job or its variant: a variant gets
exactly one result however many workers run, die or restart around it. All of it runs as
``service_role``, in the store's scoped transactions (one round trip per operation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vidprompt.database import Scope, named_queries
from vidprompt.errors import ErrorCode, GenerationError, InvalidInput
from vidprompt.generation._provider import PromptRequest
from vidprompt.prompts._models import GenerationInputs, stored_inputs, with_columns
from vidprompt.storage._sources import ImageRef

if TYPE_CHECKING:
    import uuid
    from collections.abc import Collection, Mapping

    from vidprompt.database import Database
    from vidprompt.generation._provider import GeneratedPrompt

CHANNEL = "vidprompt_generation_jobs"
queries = named_queries("vidprompt.generation", "queries.sql")
_SERVICE = Scope.service()
_CLAIM = with_columns(queries()["claim"])


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker holds the lease on, with what it needs to do the work."""

    id: int
    variant_id: uuid.UUID
    user_id: uuid.UUID
    attempt: int
    max_attempts: int
    variant_pending: bool
    request: PromptRequest
    image: ImageRef
    stored_api_key: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ClaimedJob:
        metadata = row["metadata"]
        inputs = stored_inputs(GenerationInputs, row)
        return cls(
            id=row["id"],
            variant_id=row["variant_id"],
            user_id=row["user_id"],
            attempt=row["attempts"],
            max_attempts=row["max_attempts"],
            variant_pending=row["status"] == "pending",
            request=PromptRequest(
                camera_style=inputs.camera_style,
                film_effects=tuple(inputs.film_effects),
                instruction=inputs.user_instruction,
                image_metadata=metadata if isinstance(metadata, dict) else {},
            ),
            image=ImageRef(url=row["url"], storage_path=row["storage_path"], owner=row["user_id"]),
            stored_api_key=row["gemini_api_key"],
        )


class JobQueue:
    """Queue operations for one worker, identified by ``worker_id`` in the leases it holds."""

    def __init__(self, db: Database, worker_id: str, *, lease_s: float) -> None:
        self.db = db
        self.worker_id = worker_id
        self.lease_s = lease_s

    async def claim(self, *, busy_users: Collection[uuid.UUID] = ()) -> ClaimedJob | None:
        """The oldest due job, now leased to this worker, or None when nothing is due.

        Jobs of ``busy_users`` (who hold all the slots one user may have) are left for later.
        """
        async with self.db.transaction(_SERVICE) as tx:
            claimed = await tx.queue(_CLAIM, self._claim_params(busy_users))
        return await self._read(claimed.one())

    async def _read(self, row: Mapping[str, Any] | None) -> ClaimedJob | None:
        """The claimed job of ``row``; a job whose stored inputs no generation can use (its
        owner wrote them around vidprompt) is failed at once, saying why, instead of being
        claimed again until its attempts run out. None then, as when nothing was due."""
        if row is None:
            return None
        try:
            return ClaimedJob.from_row(row)
        except InvalidInput as exc:
            guard = {"id": row["id"], "worker": self.worker_id, "attempt": row["attempts"]}
            refused = GenerationError(ErrorCode.INVALID_INPUTS, f"{exc} Edit the variant.")
            await self._one("fail", **guard, code=refused.code.value, message=str(refused))
            return None

    def _claim_params(self, busy_users: Collection[uuid.UUID]) -> dict[str, object]:
        return {"worker": self.worker_id, "lease_s": self.lease_s, "busy_users": list(busy_users)}

    async def extend_lease(self, job: ClaimedJob) -> bool:
        """Renew the lease; False when it was lost (another worker has the job now)."""
        return await self._guarded("extend_lease", job, lease_s=self.lease_s)

    async def finish(
        self,
        job: ClaimedJob,
        *,
        prompt: GeneratedPrompt | None = None,
        error: GenerationError | None = None,
        claim_next: bool = False,
        busy_users: Collection[uuid.UUID] = (),
    ) -> tuple[bool, ClaimedJob | None]:
        """Complete (``prompt``) or fail (``error``) the job, and claim the next in the same
        transaction if asked: one round trip per job instead of two for a busy worker.

        Whether the result was stored (False: the lease was lost), and the next job.
        """
        guard = {"id": job.id, "worker": self.worker_id, "attempt": job.attempt}
        if prompt is not None:
            name, params = "complete", {"text": prompt.text, "model_name": prompt.model_name}
        else:
            assert error is not None
            name, params = "fail", {"code": error.code.value, "message": error.message}
        async with self.db.transaction(_SERVICE) as tx:
            finished = await tx.queue(queries()[name], guard | params)
            claimed = await tx.queue(_CLAIM, self._claim_params(busy_users)) if claim_next else None
        row = claimed.one() if claimed is not None else None
        return finished.one() is not None, await self._read(row)

    async def release(self, job: ClaimedJob) -> bool:
        """Hand the job back unfinished, due at once; the claim does not count as an attempt."""
        return await self._guarded("release", job)

    async def requeue_expired(self) -> int:
        """Queue again, at their original place, jobs whose worker's lease ran out; how many.

        The claim counted as an attempt. Without this a reclaimed job would sort by the end
        of its lost lease, behind every job queued meanwhile.
        """
        async with self.db.transaction(_SERVICE) as tx:
            requeued = await tx.queue(queries()["requeue_expired"], {})
        return len(requeued.all())

    async def fail_exhausted(self) -> int:
        """Fail jobs whose every allowed claim ended with a lost worker; how many."""
        async with self.db.transaction(_SERVICE) as tx:
            failed = await tx.queue(
                queries()["fail_exhausted"],
                {
                    "code": ErrorCode.WORKER_LOST.value,
                    "message": "Generation was interrupted too many times (its worker stopped).",
                },
            )
        return len(failed.all())

    async def _guarded(self, name: str, job: ClaimedJob, **params: object) -> bool:
        guard = {"id": job.id, "worker": self.worker_id, "attempt": job.attempt}
        return await self._one(name, **guard, **params) is not None

    async def _one(self, name: str, **params: object) -> Mapping[str, Any] | None:
        async with self.db.transaction(_SERVICE) as tx:
            result = await tx.queue(queries()[name], params)
        return result.one()
