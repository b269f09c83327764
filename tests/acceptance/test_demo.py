"""``vidprompt demo``, the README's first command, end to end as a subprocess."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.integration.generation._standins import StandIn, gemini_text

if TYPE_CHECKING:
    from tests.acceptance.conftest import Run

PROMPT = " ".join(["A silhouette turns toward the setting sun as the camera glides in."] * 6)


def _word_counts(output: str) -> list[int]:
    return [int(words) for words in re.findall(r"(\d+) Wörter", output)]


@pytest.fixture(autouse=True)
def wide_output(cli_env: dict[str, str]) -> None:
    """One line per message, so the assertions do not depend on where rich wraps."""
    cli_env["COLUMNS"] = "400"


def test_the_demo_runs_offline_from_scratch_and_leaves_nothing_behind(vidprompt: Run) -> None:
    out = vidprompt("demo", timeout=300).stdout

    assert "Local database running" in out
    assert re.search(r"Migrations: \d+ applied", out)
    assert "offline template, not AI" in out
    for number in (1, 2, 3):
        assert f"{number} von 3" in out
    assert out.count("vidprompt-template-1") >= 3
    counts = _word_counts(out)
    assert len(counts) == 3
    assert all(50 <= count <= 150 for count in counts)
    assert "Marked 2 von 3 as primary: is_primary = True" in out
    assert "images 0, variants 0, jobs 0, storage_objects 0, files 0" in out

    # Again, on the database the first run left: nothing to push, same result.
    again = vidprompt("demo", timeout=300).stdout
    assert "Migrations: up to date" in again
    assert "images 0, variants 0, jobs 0, storage_objects 0, files 0" in again


def test_the_demo_uses_gemini_when_a_key_is_configured(
    vidprompt: Run, cli_env: dict[str, str]
) -> None:
    with StandIn(gemini_text(PROMPT)) as gemini:
        cli_env["GEMINI_API_KEY"] = "demo-key"
        cli_env["VIDPROMPT_GEMINI_BASE_URL"] = gemini.url
        out = vidprompt("demo", timeout=300).stdout
        requests = gemini.requests(":generateContent")

    assert "Gemini gemini-2.5-flash (server API key)" in out
    assert out.count("gemini-2.5-flash") >= 4
    assert _word_counts(out) == [len(PROMPT.split())] * 3
    assert " ".join(out.split()).count(" ".join(PROMPT.split())) == 3  # whole, not cut off
    assert len(requests) == 3
    assert {seen.headers["x-goog-api-key"] for seen in requests} == {"demo-key"}
    labels = " ".join(str(seen.json()) for seen in requests)
    for label in ("Zoom-In", "Golden Hour", "Orbit", "Noir", "Dramatisch", "Statisch"):
        assert label in labels
