"""The other subsystems' benchmarks (store, API, worker, push), gathered into report sections.

Each lives in its own module (``bench/store.py``, ``bench/api.py``, ``bench/worker.py``,
``bench/push.py``, ``bench/cli.py``),
owned by its subsystem, and exposes ``report_section(db_url) -> (markdown, headline)``:
the section's body and one line for the summary. A module missing from the checkout,
without that function, or failing, becomes a section saying so, so the report never
pretends to have measured it.
"""

from __future__ import annotations

import importlib
import time
import traceback
from typing import TYPE_CHECKING

from bench._report import Section

if TYPE_CHECKING:
    from collections.abc import Callable

SUBSYSTEMS = {
    "store": "Store against raw psycopg",
    "api": "HTTP API under load",
    "worker": "Generation queue throughput",
    "push": "No-op db push on a long history",
    "cli": "Command-line start-up",
}


def gather(key: str, db_url: str | None, *, say: Callable[[str], None] = print) -> Section:
    """Run one subsystem's benchmark and render it as a section of the report."""
    title = SUBSYSTEMS[key]
    try:
        module = importlib.import_module(f"bench.{key}")
    except ModuleNotFoundError as exc:
        if exc.name != f"bench.{key}":
            raise
        return Section(key, title, missing=f"bench/{key}.py is not in this checkout")
    render = getattr(module, "report_section", None)
    if render is None:
        return Section(key, title, missing=f"bench/{key}.py has no report_section()")
    say(f"{key}: running")
    started = time.perf_counter()
    try:
        markdown, headline = render(db_url)
    except Exception as exc:
        say(traceback.format_exc())
        return Section(key, title, missing=f"it failed: {type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - started
    say(f"{key}: done in {seconds:.0f} s")
    return Section(key, title, markdown=markdown, headline=headline, seconds=seconds)
