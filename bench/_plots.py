"""The report's PNG plots (matplotlib, no display needed)."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench._data import SCHEMAS
from bench._markdown import ratio as paired_ratio
from bench._reads import QUERIES
from bench._writes import OPERATIONS, VARIANTS, relative

if TYPE_CHECKING:
    from pathlib import Path

    from bench._writes import WriteRun
    from bench.scale import SizeStep

COLORS = {"ours": "#1b7837", "plan": "#c51b7d", "floor": "#4d4d4d", "floor_uid": "#4393c3"}
GOAL = 1.1


def _p50(step: SizeStep, mode: str, query: str, column: str) -> float:
    return statistics.median(step.reads[mode].cells[query][column].p50)


def read_latency(steps: list[SizeStep], mode: str, path: Path) -> None:
    """p50 (solid) and p99 (dashed) against table size, log-log, one panel per query."""
    sizes = [step.size for step in steps]
    figure, axes = plt.subplots(2, 2, figsize=(11, 8), sharex=True)
    for axis, query in zip(axes.flat, QUERIES, strict=True):
        for schema in SCHEMAS:
            cells = [step.reads[mode].cells[query.name][schema] for step in steps]
            p50 = [statistics.median(cell.p50) for cell in cells]
            p99 = [statistics.median(cell.p99) for cell in cells]
            axis.plot(sizes, p50, "o-", color=COLORS[schema], label=f"{schema} p50")
            axis.plot(sizes, p99, "s--", color=COLORS[schema], alpha=0.5, label=f"{schema} p99")
        uid = [_p50(step, mode, query.name, "floor_uid") for step in steps]
        axis.plot(sizes, uid, ":", color=COLORS["floor_uid"], label="floor + uid p50")
        axis.set_title(query.title, fontsize=10)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_ylabel("latency (ms)")
        axis.grid(True, which="both", alpha=0.3)
    for axis in axes[1]:
        axis.set_xlabel("video_prompts rows")
    axes[0][0].legend(fontsize=7, ncols=2)
    figure.suptitle(f"Read latency through RLS against table size, {mode} statements (log-log)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def ratio(steps: list[SizeStep], modes: list[str], path: Path) -> None:
    """ours ÷ floor (p50) per query against size, one line style per mode, with the goal."""
    sizes = [step.size for step in steps]
    figure, axis = plt.subplots(figsize=(12, 5))
    styles = ["o-", "s--"]
    for query, color in zip(
        QUERIES, plt.rcParams["axes.prop_cycle"].by_key()["color"], strict=False
    ):
        for mode, style in zip(modes, styles, strict=False):
            values = [paired_ratio(step.reads[mode], query.name) for step in steps]
            axis.plot(sizes, values, style, color=color, label=f"{query.title} ({mode})")
    axis.axhline(GOAL, color="red", linestyle=":", label=f"goal {GOAL}")
    axis.axhline(1.0, color="grey", linewidth=0.8)
    axis.set_xscale("log")
    axis.set_xlabel("video_prompts rows")
    axis.set_ylabel("ours ÷ floor (p50, median of paired rounds)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axis.set_title("Row-level security in our schema against no RLS")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def writes(run: WriteRun, path: Path) -> None:
    """Throughput of every write variant relative to ours, per operation."""
    operations = list(OPERATIONS)
    figure, axis = plt.subplots(figsize=(9, 4.5))
    width = 0.8 / len(VARIANTS)
    for offset, variant in enumerate(VARIANTS):
        heights = [statistics.median(relative(run, variant.name, op)) for op in operations]
        positions = [index + offset * width for index in range(len(operations))]
        axis.bar(positions, heights, width, label=f"{variant.name}: {variant.title}")
    axis.set_xticks([index + 0.4 - width / 2 for index in range(len(operations))], operations)
    axis.axhline(1.0, color="grey", linewidth=0.8)
    axis.set_ylabel("rows/s relative to ours (median of paired rounds)")
    axis.legend(fontsize=7)
    axis.set_title("Write throughput without each part of the table")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
