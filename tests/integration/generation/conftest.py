"""Fixtures for generation tests: HTTP stand-ins and a small real image."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.integration.generation._standins import StandIn, gemini_text
from vidprompt.generation import sample_image

if TYPE_CHECKING:
    from collections.abc import Iterator

GOOD_PROMPT = " ".join(["A calm portrait slowly comes alive."] * 12)


@pytest.fixture
def gemini() -> Iterator[StandIn]:
    """A stand-in Gemini REST endpoint; answers a good prompt unless scripted otherwise."""
    with StandIn(gemini_text(f"  {GOOD_PROMPT}\n")) as standin:
        yield standin


@pytest.fixture
def png() -> bytes:
    return sample_image()
