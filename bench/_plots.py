"""The report's PNG plots (matplotlib, no display needed)."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench._data import SCHEMAS
from bench._reads import QUERIES
from bench._writes import OPERATIONS, VARIANTS

if TYPE_CHECKING:
    from pathlib import Path

    from bench._writes import WriteRun
    from bench.scale import SizeStep

COLORS = {"ours": "#1b7837", "plan": "#c51b7d", "floor": "#4d4d4d", "floor_uid": "#4393c3"}
GOAL = 1.1


def read_latency(steps: list[SizeStep], path: Path) -> None:
    """p50 (solid) and p99 (dashed) against table size, log-log, one panel per query."""
    sizes = [step.size for step in steps]
    figure, axes = plt.subplots(2, 2, figsize=(11, 8), sharex=True)
    for axis, query in zip(axes.flat, QUERIES, strict=True):
        for schema in SCHEMAS:
            cells = [step.reads.cells[query.name][schema] for step in steps]
            p50 = [statistics.median(cell.p50) for cell in cells]
            p99 = [statistics.median(cell.p99) for cell in cells]
            axis.plot(sizes, p50, "o-", color=COLORS[schema], label=f"{schema} p50")
            axis.plot(sizes, p99, "s--", color=COLORS[schema], alpha=0.5, label=f"{schema} p99")
        diagnostic = [statistics.median(s.reads.cells[query.name]["floor_uid"].p50) for s in steps]
        axis.plot(sizes, diagnostic, ":", color=COLORS["floor_uid"], label="floor + uid p50")
        axis.set_title(query.title, fontsize=10)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_ylabel("latency (ms)")
        axis.grid(True, which="both", alpha=0.3)
    for axis in axes[1]:
        axis.set_xlabel("video_prompts rows")
    axes[0][0].legend(fontsize=8, ncols=2)
    figure.suptitle("Read latency through RLS against table size (log-log)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def ratio(steps: list[SizeStep], path: Path) -> None:
    """ours ÷ floor (p50) per query against size, with the 1.1 goal."""
    sizes = [step.size for step in steps]
    figure, axis = plt.subplots(figsize=(8, 4.5))
    for query in QUERIES:
        values = [
            statistics.median(step.reads.cells[query.name]["ours"].p50)
            / statistics.median(step.reads.cells[query.name]["floor"].p50)
            for step in steps
        ]
        axis.plot(sizes, values, "o-", label=query.title)
    axis.axhline(GOAL, color="red", linestyle=":", label=f"goal {GOAL}")
    axis.axhline(1.0, color="grey", linewidth=0.8)
    axis.set_xscale("log")
    axis.set_xlabel("video_prompts rows")
    axis.set_ylabel("ours ÷ floor (p50)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8)
    axis.set_title("Cost of RLS in our schema relative to no RLS")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def writes(run: WriteRun, path: Path) -> None:
    """Throughput of every write variant relative to ours, per operation."""
    operations = list(OPERATIONS)
    figure, axis = plt.subplots(figsize=(9, 4.5))
    width = 0.8 / len(VARIANTS)
    for offset, variant in enumerate(VARIANTS):
        relative = [
            statistics.median(run.rates[variant.name][op])
            / statistics.median(run.rates["ours"][op])
            for op in operations
        ]
        positions = [index + offset * width for index in range(len(operations))]
        axis.bar(positions, relative, width, label=variant.title)
    axis.set_xticks([index + 0.4 - width / 2 for index in range(len(operations))], operations)
    axis.axhline(1.0, color="grey", linewidth=0.8)
    axis.set_ylabel("rows/s relative to ours")
    axis.legend(fontsize=8)
    axis.set_title("Write throughput without each part of the table")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
