"""Turns: a freed turn goes to the longest waiter; a wait that ends without one takes none."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, TypeAlias

import pytest
import uvloop

from vidprompt.database._turns import Turns

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

# The event loops the API runs on: uvloop where installed, else asyncio's.
Run: TypeAlias = "Callable[[Coroutine[Any, Any, Any]], Any]"
RUNNERS = pytest.mark.parametrize("run", [asyncio.run, uvloop.run], ids=["asyncio", "uvloop"])


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def _free(turns: Turns) -> int:
    """How many turns can be taken at once now (taken, then given back)."""
    taken = 0
    while turns.try_take():
        taken += 1
    for _ in range(taken):
        turns.give_back()
    return taken


@RUNNERS
def test_waiters_get_freed_turns_in_the_order_they_came(run: Run) -> None:
    async def main() -> list[int]:
        turns, served = Turns(2), []
        assert [turns.try_take() for _ in range(3)] == [True, True, False]

        async def wait(number: int) -> None:
            await turns.take(10)
            served.append(number)
            await asyncio.sleep(0)
            turns.give_back()

        waiting = [asyncio.ensure_future(wait(n)) for n in range(5)]
        await _settle()
        assert served == []
        turns.give_back()  # the two first holders are done
        turns.give_back()
        await asyncio.gather(*waiting)
        assert _free(turns) == 2
        return served

    assert run(main()) == [0, 1, 2, 3, 4]


@RUNNERS
def test_a_wait_that_times_out_raises_and_takes_no_turn(run: Run) -> None:
    async def main() -> None:
        turns = Turns(1)
        assert turns.try_take()
        with pytest.raises(TimeoutError):
            await turns.take(0.01)
        later = asyncio.ensure_future(turns.take(10))
        await _settle()
        turns.give_back()
        await later  # the turn went to the caller still waiting, not the one that left
        turns.give_back()
        assert _free(turns) == 1

    run(main())


async def _one_held_two_waiting() -> tuple[Turns, asyncio.Future[None], asyncio.Future[None]]:
    turns = Turns(1)
    assert turns.try_take()
    first = asyncio.ensure_future(turns.take(10))
    second = asyncio.ensure_future(turns.take(10))
    await _settle()
    return turns, first, second


async def _second_served_and_all_given_back(
    turns: Turns, first: asyncio.Future[None], second: asyncio.Future[None]
) -> None:
    await second  # the turn went on to the next waiter
    assert first.cancelled()
    turns.give_back()
    assert _free(turns) == 1


@RUNNERS
def test_a_caller_cancelled_while_waiting_takes_no_turn(run: Run) -> None:
    async def main() -> None:
        turns, first, second = await _one_held_two_waiting()
        first.cancel()
        await _settle()
        turns.give_back()
        await _second_served_and_all_given_back(turns, first, second)

    run(main())


@RUNNERS
def test_a_turn_handed_to_a_caller_cancelled_before_it_ran_goes_on(run: Run) -> None:
    async def main() -> None:
        turns, first, second = await _one_held_two_waiting()
        turns.give_back()  # to the first, which is cancelled before it resumes
        first.cancel()
        await _settle()
        await _second_served_and_all_given_back(turns, first, second)

    run(main())
