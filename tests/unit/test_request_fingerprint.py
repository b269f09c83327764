"""An Idempotency-Key's request stays the same request when the API gains an input."""

from __future__ import annotations

import uuid

from vidprompt.api._schemas import DraftCreate
from vidprompt.api.routes.variants import _fingerprint

IMAGE = uuid.UUID("6f1c0000-0000-4000-8000-000000000001")


class _DraftWithANewInput(DraftCreate):
    """The draft body after a release that adds an input, with its default."""

    an_input_added_later: str | None = None


def test_a_default_left_out_or_sent_is_one_request() -> None:
    left_out = DraftCreate(kind="draft", prompt_text="A slow push-in.")
    sent = DraftCreate(kind="draft", prompt_text="A slow push-in.", camera_style="statisch")
    assert _fingerprint(IMAGE, left_out) == _fingerprint(IMAGE, sent)


def test_a_stored_request_matches_its_retry_after_an_input_is_added() -> None:
    before = DraftCreate(kind="draft", prompt_text="A slow push-in.", camera_style="orbit")
    after = _DraftWithANewInput(kind="draft", prompt_text="A slow push-in.", camera_style="orbit")
    assert _fingerprint(IMAGE, before) == _fingerprint(IMAGE, after)


def test_a_different_value_is_a_different_request() -> None:
    orbit = DraftCreate(kind="draft", prompt_text="A slow push-in.", camera_style="orbit")
    dolly = DraftCreate(kind="draft", prompt_text="A slow push-in.", camera_style="dolly")
    assert _fingerprint(IMAGE, orbit) != _fingerprint(IMAGE, dolly)
    assert _fingerprint(IMAGE, orbit) != _fingerprint(uuid.uuid4(), orbit)
