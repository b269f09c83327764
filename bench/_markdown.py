"""Small formatting helpers the report's parts share."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench._reads import ReadCell, ReadRun


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ms(value: float) -> str:
    return f"{value:.3f}"


def p50(cell: ReadCell) -> float:
    return statistics.median(cell.p50)


def p99(cell: ReadCell) -> float:
    return statistics.median(cell.p99)


def paired_ratios(reads: ReadRun, query: str, *, against: str = "floor") -> list[float]:
    """ours ÷ ``against`` per round: both measured in the same round, so drift cancels."""
    cells = reads.cells[query]
    return [o / f for o, f in zip(cells["ours"].p50, cells[against].p50, strict=True)]


def ratio(reads: ReadRun, query: str, *, against: str = "floor") -> float:
    """The headline ratio: the median of the paired per-round ratios."""
    return statistics.median(paired_ratios(reads, query, against=against))


def lower_first(text: str) -> str:
    return text[0].lower() + text[1:]


def shortfall(value: float, goal: float, *, above: bool = True) -> tuple[str, str]:
    """``value`` and how far it misses ``goal`` (reached from below when ``above``), in two
    decimals, or three where two would show a miss as the goal itself (0.795 against 0.8)."""
    miss = goal - value if above else value - goal
    digits = 3 if miss > 0 and f"{value:.2f}" == f"{goal:.2f}" else 2
    return f"{value:.{digits}f}", f"{miss:.{digits}f}"
