"""Retrying transient provider failures: bounded attempts, exponential backoff with jitter."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from vidprompt.errors import GenerationError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` calls at most; waits grow from ``base_delay`` and never exceed ``max_delay``."""

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based).

        Equal jitter: half the exponential step is fixed, half random, so many workers hit by
        the same rate limit spread out instead of retrying in lockstep.
        """
        step = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return step / 2 + random.uniform(0, step / 2)  # noqa: S311 - jitter, not security


async def call_with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run ``call``; retry only :class:`GenerationError`\\ s marked transient."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return await call()
        except GenerationError as exc:
            if not exc.transient or attempt == policy.attempts:
                raise
        await sleep(policy.delay(attempt))
    raise AssertionError("unreachable: the last attempt returns or raises")
