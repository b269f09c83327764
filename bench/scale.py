"""The scale benchmark: read latency through RLS at growing sizes, and write costs.

``run_scale`` builds the data sets on one server, measures each size as it is reached,
then the write variants, and returns everything the report needs. It never touches the
user's own database: without ``db_url`` it runs on a throwaway cluster of its own.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bench._data import SCHEMAS, create_data_set, users_for
from bench._machine import Machine, describe, load_average
from bench._reads import ReadRun, measure_reads
from bench._server import bench_server, connect
from bench._writes import WriteRun, measure_writes

if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
_SIZE = re.compile(r"^(\d+)([km]?)$")


MODES = {"unprepared": False, "prepared": True}


@dataclass
class SizeStep:
    """One data-set size: how long its rows took to load, how big it is, its reads.

    ``reads`` holds one run per connection mode of :data:`MODES`.
    """

    size: int
    load_seconds: float
    table_mb: dict[str, float]
    reads: dict[str, ReadRun]


@dataclass
class ScaleResult:
    machine: Machine
    started: str
    seconds: float = 0.0
    steps: list[SizeStep] = field(default_factory=list)
    writes: WriteRun | None = None
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class ScaleOptions:
    """How much to measure; the defaults produce the committed report."""

    sizes: tuple[int, ...] = DEFAULT_SIZES
    read_rounds: int = 7
    samples: int = 250
    write_rounds: int = 5
    single_rows: int = 500


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1m`` -> 1000000, ``2500`` -> 2500 (prompts)."""
    found = _SIZE.match(text.strip().lower())
    if not found:
        raise ValueError(f"not a size: {text!r} (use e.g. 10k, 100k, 1m, 10m)")
    return int(found.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[found.group(2)]


def size_label(size: int) -> str:
    for unit, factor in (("M", 1_000_000), ("k", 1_000)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return str(size)


def run_scale(
    db_url: str | None, options: ScaleOptions, *, say: Callable[[str], None] = print
) -> ScaleResult:
    started = time.perf_counter()
    with bench_server(db_url) as server_url:
        result = ScaleResult(describe(server_url), datetime.now(UTC).isoformat(timespec="seconds"))
        data = create_data_set(server_url)
        try:
            for size in sorted(options.sizes):
                say(f"scale: loading {size_label(size)} prompts into {', '.join(SCHEMAS)}")
                loading = time.perf_counter()
                data.grow_to(size)
                load_seconds = time.perf_counter() - loading
                reads = {}
                for mode, prepared in MODES.items():
                    say(f"scale: timing reads at {size_label(size)}, {mode}")
                    reads[mode] = measure_reads(
                        data.urls,
                        size=size,
                        users=users_for(size),
                        prepared=prepared,
                        rounds=options.read_rounds,
                        samples=options.samples,
                    )
                say(f"scale: {size_label(size)} loaded in {load_seconds:.0f} s and measured")
                result.steps.append(SizeStep(size, load_seconds, _table_mb(data.urls), reads))
        finally:
            data.drop()
        say("scale: timing writes")
        result.writes = measure_writes(
            server_url, rounds=options.write_rounds, single_rows=options.single_rows
        )
    result.load_after = load_average()
    result.seconds = time.perf_counter() - started
    return result


def _table_mb(urls: dict[str, str]) -> dict[str, float]:
    """Size of ``video_prompts`` with its indexes, per schema, in MB."""
    sizes = {}
    for schema, url in urls.items():
        with connect(url) as conn:
            row = conn.execute(
                "select pg_total_relation_size('public.video_prompts') / 1e6"
            ).fetchone()
            sizes[schema] = round(float(row[0]), 1) if row else 0.0
    return sizes
