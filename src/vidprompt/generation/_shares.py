"""Which user's jobs hold a worker's slots, so one user cannot take more than their share.

Counted by the work the worker really runs: a job holds its slot from its claim until its
work has stopped, also when its variant (and with it the job row) was deleted meanwhile.
Slots claim concurrently; when two of them take jobs of a user with one slot left, the
later one finds it does not fit and hands its job back.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uuid

    from vidprompt.generation._queue import ClaimedJob


class SlotShares:
    """The owners of the jobs in a worker's slots; ``per_user`` slots at most for each."""

    def __init__(self, per_user: int) -> None:
        self.per_user = per_user
        self._held: dict[int, uuid.UUID] = {}
        self._over: set[int] = set()  # held jobs that came beyond their user's share

    def busy_users(self, finishing: ClaimedJob | None = None) -> list[uuid.UUID]:
        """Users at their share, not counting ``finishing`` (its slot is about to be free)."""
        held = Counter(self._held.values())
        if finishing is not None and finishing.id in self._held:
            held[finishing.user_id] -= 1
        return [user for user, count in held.items() if count >= self.per_user]

    def hold(self, job: ClaimedJob | None, finishing: ClaimedJob | None = None) -> None:
        """Count ``job`` as its user's, noting whether it came beyond their share."""
        if job is None:
            return
        if job.user_id in self.busy_users(finishing):
            self._over.add(job.id)
        self._held[job.id] = job.user_id

    def fits(self, job: ClaimedJob) -> bool:
        """False for a job that must be handed back: its user was at their share already."""
        return job.id not in self._over

    def let_go(self, job: ClaimedJob) -> bool:
        """The job's work has stopped; True if that gave its user a slot back from the limit."""
        if self._held.pop(job.id, None) is None:
            return False
        if job.id in self._over:
            self._over.discard(job.id)
            return False
        held = sum(1 for user in self._held.values() if user == job.user_id)
        return held == self.per_user - 1
