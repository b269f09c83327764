"""A connection's release runs to its end, in the caller unless the caller is cancelled."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, TypeAlias

import pytest
import uvloop

from vidprompt.config import Settings
from vidprompt.database import Database

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

# The event loops the API runs on: uvloop where installed, else asyncio's.
Run: TypeAlias = "Callable[[Coroutine[Any, Any, Any]], Any]"
RUNNERS = pytest.mark.parametrize("run", [asyncio.run, uvloop.run], ids=["asyncio", "uvloop"])


def _database() -> Database:
    return Database("postgresql://unused", Settings(_env_file=None))


@RUNNERS
def test_work_that_never_waits_runs_in_the_caller_without_a_task(run: Run) -> None:
    database, done = _database(), []

    async def release() -> None:
        done.append(asyncio.current_task())

    async def caller() -> asyncio.Task[object] | None:
        await database._shielded(release())
        return asyncio.current_task()

    caller_task = run(caller())
    assert done == [caller_task]
    assert not database._background


@RUNNERS
def test_work_that_waits_runs_in_the_caller_while_it_is_not_cancelled(run: Run) -> None:
    database, done = _database(), []

    async def release(gate: asyncio.Event) -> None:
        await gate.wait()
        await asyncio.sleep(0.001)
        done.append(asyncio.current_task())

    async def caller() -> asyncio.Task[object] | None:
        gate = asyncio.Event()
        asyncio.get_running_loop().call_later(0.01, gate.set)
        await database._shielded(release(gate))
        assert not database._background
        return asyncio.current_task()

    caller_task = run(caller())
    assert done == [caller_task]


@RUNNERS
def test_work_that_waits_ends_although_the_caller_is_cancelled(run: Run) -> None:
    database = _database()
    steps: list[str] = []

    async def release(gate: asyncio.Event) -> None:
        steps.append("started")
        await gate.wait()
        await asyncio.sleep(0)
        steps.append("returned")

    async def main() -> None:
        gate = asyncio.Event()
        caller = asyncio.ensure_future(database._shielded(release(gate)))
        await asyncio.sleep(0.01)
        assert steps == ["started"]
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        gate.set()
        await asyncio.gather(*database._background)
        assert steps == ["started", "returned"]

    run(main())


@RUNNERS
def test_a_caller_that_stays_waits_for_the_end_and_sees_its_error(run: Run) -> None:
    database = _database()

    async def release(gate: asyncio.Event) -> None:
        await gate.wait()
        raise RuntimeError("closing failed")

    async def main() -> None:
        gate = asyncio.Event()
        asyncio.get_running_loop().call_later(0.01, gate.set)
        with pytest.raises(RuntimeError, match="closing failed"):
            await database._shielded(release(gate))

    run(main())
