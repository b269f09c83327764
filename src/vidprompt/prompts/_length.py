"""Length feedback on a prompt: its word count and how the app rates it (FEED-01)."""

from __future__ import annotations

from typing import Literal

LengthFeedback = Literal["short", "optimal", "long", "too_long"]

# The app's bands: 50-150 words optimal (green), 151-200 long (yellow), above 200 too long
# (red); below 50 is short, for which the app shows no warning.
OPTIMAL_WORDS = (50, 150)
LONG_WORDS_MAX = 200


def word_count(text: str) -> int:
    """Words as the app counts them: runs of non-whitespace characters."""
    return len(text.split())


def length_feedback(count: int) -> LengthFeedback:
    """The rating of a prompt of ``count`` words."""
    low, high = OPTIMAL_WORDS
    if count < low:
        return "short"
    if count <= high:
        return "optimal"
    if count <= LONG_WORDS_MAX:
        return "long"
    return "too_long"
