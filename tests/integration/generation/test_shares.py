"""Slot shares: a user's jobs beyond their share are handed back, whoever claimed first."""

from __future__ import annotations

import uuid

from vidprompt.generation import ImageRef, PromptRequest
from vidprompt.generation._queue import ClaimedJob
from vidprompt.generation._shares import SlotShares

BUSY, QUIET = uuid.uuid4(), uuid.uuid4()


def _job(number: int, user: uuid.UUID) -> ClaimedJob:
    return ClaimedJob(
        id=number,
        variant_id=uuid.uuid4(),
        user_id=user,
        attempt=1,
        max_attempts=5,
        variant_pending=True,
        request=PromptRequest(camera_style="statisch"),
        image=ImageRef("", f"{user}/i.png", owner=user),
        stored_api_key=None,
    )


def test_two_slots_racing_for_a_users_last_slot_keep_one_job() -> None:
    shares = SlotShares(per_user=2)
    first, second, third = _job(1, BUSY), _job(2, BUSY), _job(3, BUSY)
    shares.hold(first)
    assert shares.busy_users() == []
    shares.hold(second)  # both claims came back before either slot looked
    shares.hold(third)
    assert shares.busy_users() == [BUSY]
    assert (shares.fits(first), shares.fits(second), shares.fits(third)) == (True, True, False)
    other = _job(4, QUIET)
    shares.hold(other)
    assert shares.fits(other)

    assert shares.let_go(third) is False  # handed back: it never had a slot to free
    assert shares.busy_users() == [BUSY]
    assert shares.let_go(first) is True  # a slot of BUSY's is free again: wake the idle
    assert shares.busy_users() == []


def test_a_finishing_job_leaves_its_slot_to_the_next_job_of_its_user() -> None:
    shares = SlotShares(per_user=1)
    done, following = _job(1, BUSY), _job(2, BUSY)
    shares.hold(done)
    assert shares.busy_users() == [BUSY]
    assert shares.busy_users(finishing=done) == []
    shares.hold(following, finishing=done)
    assert shares.fits(following)
