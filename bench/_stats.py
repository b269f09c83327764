"""Percentiles and spreads, kept deliberately plain (nearest-rank, no interpolation)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with ``fraction`` of values at or below."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Summary:
    """The median of repeated runs and how far the runs spread around it."""

    median: float
    low: float
    high: float

    @property
    def spread(self) -> float:
        """(highest - lowest run) / median: 0.05 means the runs lay within 5 % of each other."""
        return (self.high - self.low) / self.median if self.median else 0.0


def summarize(runs: list[float]) -> Summary:
    return Summary(statistics.median(runs), min(runs), max(runs))
