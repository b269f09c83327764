"""init's versions follow the project's newest one; a newest no timestamp can follow is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vidprompt.adopt._init import _stamps
from vidprompt.errors import MigrationFileError

NOW = datetime(2026, 12, 2, 13, 0, 0, tzinfo=UTC)


def test_versions_come_after_the_newest_and_the_clock() -> None:
    assert _stamps("20270101000000", 2, NOW) == ["20270101000001", "20270101000002"]
    assert _stamps("20200101000000", 1, NOW) == ["20261202130000"]


@pytest.mark.parametrize("newest", ["3", "99991231235958", "20301399000000", "99999999999999"])
def test_a_newest_version_no_timestamp_can_follow_is_refused(newest: str) -> None:
    """The last two were an OverflowError and a ValueError: "Unexpected error" for the user."""
    with pytest.raises(MigrationFileError, match=f"newest migration version {newest} "):
        _stamps(newest, 5, NOW)
