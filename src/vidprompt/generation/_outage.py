"""A database the worker cannot use: away for a while (wait), or never usable as given (stop).

A wrong or missing password, an unknown role or database, a host name that does not resolve or a
connection string that does not parse will not mend by retrying: after ``attempts`` tries,
spaced out, the worker stops with one clear message. Anything else (refused, timed out,
restarting) is an outage: retried with a growing pause, and logged once per interval rather
than by every slot on every try.
"""

from __future__ import annotations

import logging
import time
from dataclasses import KW_ONLY, dataclass, field

from vidprompt.database import reason
from vidprompt.errors import ConnectionStringInvalid, DatabaseError, DatabaseUnusable

log = logging.getLogger("vidprompt.worker")


@dataclass(eq=False)  # one per worker: compared by identity
class Outage:
    """One worker's view of its database being unusable, shared by all its slots.

    A pause starts at ``base_s`` and grows with the outage to ``max_s``; the outage is logged
    every ``log_every_s``; ``attempts`` tries that cannot succeed stop the worker.
    """

    worker_id: str
    _: KW_ONLY
    base_s: float = 1.0
    max_s: float = 30.0
    log_every_s: float = 30.0
    attempts: int = 3
    _since: float | None = field(default=None, init=False)
    _logged_at: float = field(default=float("-inf"), init=False)
    _permanent: int = field(default=0, init=False)
    _permanent_at: float = field(default=float("-inf"), init=False)

    @property
    def down(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException) -> float:
        """Note a failed try; the pause before the next, or :class:`DatabaseError` to stop."""
        now = time.monotonic()
        if self._since is None:
            self._since = now
        pause = min(self.max_s, max(self.base_s, (now - self._since) / 2))
        if isinstance(exc, DatabaseUnusable):
            self._count_permanent(exc, now)
        else:
            self._permanent = 0
        if now - self._logged_at >= self.log_every_s:
            self._logged_at = now
            log.warning(
                "worker %s: database unavailable for %.0f s (%s); retrying every %.0f s or less",
                self.worker_id,
                now - self._since,
                reason(exc),
                pause,
            )
        return pause

    def recovered(self) -> None:
        if self._since is not None:
            log.info("worker %s: the database is reachable again", self.worker_id)
        self._since, self._permanent, self._logged_at = None, 0, float("-inf")

    def _count_permanent(self, exc: BaseException, now: float) -> None:
        # Several slots fail at once; tries count once per pause, not once per slot.
        if now - self._permanent_at >= self.base_s:
            self._permanent += 1
            self._permanent_at = now
        if self._permanent >= self.attempts or isinstance(exc, ConnectionStringInvalid):
            raise DatabaseError(
                f"The worker cannot use the database: {reason(exc)}",
                hint="Check the database URL (--db-url or DATABASE_URL): host, user, password"
                " and database name. Retrying will not help.",
            ) from exc
