"""The report's read-latency part: tables per query, plots, and why the numbers are so."""

from __future__ import annotations

import re
import statistics
from typing import TYPE_CHECKING

from bench._data import PROMPTS_PER_USER, SCHEMAS
from bench._markdown import ms, p50, p99, paired_ratios, ratio, table
from bench._plots import GOAL
from bench._reads import COLUMNS, PAGE, QUERIES
from bench.scale import MODES, size_label

if TYPE_CHECKING:
    from bench.scale import ScaleResult

LABELS = {"ours": "ours", "plan": "plan", "floor": "floor", "floor_uid": "floor + uid"}
_TIMES = re.compile(r"(Planning|Execution) Time: ([\d.]+) ms")


def reads_part(scale: ScaleResult, plots: str) -> str:
    out = [
        "## Read latency through RLS",
        "",
        *(f"![Read latency, {mode}]({plots}/read-latency-{mode}.png)\n" for mode in MODES),
        f"![ours ÷ floor against table size]({plots}/ours-vs-floor.png)",
        "",
        "*floor + uid* is a diagnostic column: the floor's table and queries with "
        "`(select auth.uid())` where the floor passes the user id. *ours ÷ floor + uid* is "
        "what row-level security itself costs; the rest of *ours ÷ floor* is the cost of "
        "reading the user out of the JWT inside the database.",
    ]
    for query in QUERIES:
        out += ["", f"### {query.title} (ms)", "", _query_table(scale, query.name)]
    roundtrip = [
        [size_label(step.size), mode, ms(statistics.median(step.reads[mode].roundtrip))]
        for step in scale.steps
        for mode in MODES
    ]
    out += [
        "",
        "A `select 1` in the same kind of transaction, timed the same way, is the part of "
        "every latency above that no schema can change (driver, protocol, loopback):",
        "",
        table(["rows", "statements", "`select 1` p50 (ms)"], roundtrip),
        "",
        _why(scale),
    ]
    return "\n".join(out)


def _query_table(scale: ScaleResult, query: str) -> str:
    rows = []
    for step in scale.steps:
        for mode in MODES:
            reads = step.reads[mode]
            cells = reads.cells[query]
            ratios = paired_ratios(reads, query)
            rows.append(
                [size_label(step.size), mode]
                + [ms(p50(cells[c])) for c in COLUMNS]
                + [ms(p99(cells[s])) for s in SCHEMAS]
                + [
                    f"**{statistics.median(ratios):.2f}** ({min(ratios):.2f} to {max(ratios):.2f})",
                    f"{1000 * (p50(cells['ours']) - p50(cells['floor'])):+.0f} µs",
                    f"{ratio(reads, query, against='floor_uid'):.2f}",
                ]
            )
    header = (
        ["rows", "statements"]
        + [f"{LABELS[c]} p50" for c in COLUMNS]
        + [f"{s} p99" for s in SCHEMAS]
        + ["ours ÷ floor (round range)", "ours - floor", "ours ÷ floor + uid"]
    )
    return table(header, rows)


def _differences(scale: ScaleResult, mode: str, top: str, bottom: str) -> list[float]:
    """``top`` - ``bottom`` p50 in µs, for every query at every size."""
    return [
        1000
        * (p50(step.reads[mode].cells[q.name][top]) - p50(step.reads[mode].cells[q.name][bottom]))
        for step in scale.steps
        for q in QUERIES
    ]


def _at(scale: ScaleResult, index: int, mode: str) -> float:
    """Median ours - floor in µs over the queries at one size."""
    step = scale.steps[index]
    return statistics.median(
        1000
        * (
            p50(step.reads[mode].cells[q.name]["ours"])
            - p50(step.reads[mode].cells[q.name]["floor"])
        )
        for q in QUERIES
    )


def growth(scale: ScaleResult) -> str:
    """The median ours - floor (unprepared) at the smallest and largest size, and a verdict."""
    first, last = _at(scale, 0, "unprepared"), _at(scale, -1, "unprepared")
    verdict = "it does not grow with the table" if last <= first + 15 else "it grows with the table"
    return (
        f"the median over the queries is {first:+.0f} µs at {size_label(scale.steps[0].size)} "
        f"and {last:+.0f} µs at {size_label(scale.steps[-1].size)} (unprepared): {verdict}"
    )


def _missed(scale: ScaleResult) -> str:
    """Where ours ÷ floor is above the goal: how long the floor took and how much more ours."""
    cells = [
        (step.reads[mode].cells[q.name], ratio(step.reads[mode], q.name))
        for step in scale.steps
        for mode in MODES
        for q in QUERIES
    ]
    missed = [(cell, value) for cell, value in cells if value > GOAL]
    below_one = sum(value < 1 for _, value in cells)
    lines = []
    if missed:
        floors = [p50(cell["floor"]) for cell, _ in missed]
        extra = [1000 * (p50(cell["ours"]) - p50(cell["floor"])) for cell, _ in missed]
        lines.append(
            f"- Where the goal of {GOAL} is missed ({len(missed)} of {len(cells)} cells), the"
            f" floor's statement takes {min(floors):.2f} to {max(floors):.2f} ms, round trip"
            f" included, and ours {min(extra):+.0f} to {max(extra):+.0f} µs more: a cost per"
            " statement that is large only next to a sub-millisecond query. Behind a"
            " transaction pooler every statement is planned and pays it all; prepared"
            " statements (direct or session connections) leave the execution part. The floor"
            " avoids it only by trusting the caller with the user id, which a Supabase app that"
            " exposes its tables to clients cannot do."
        )
    if below_one:
        lines.append(
            f"- In {below_one} of {len(cells)} cells ours was faster than the floor. The"
            " differences are tens of microseconds either way, the size of the noise on this"
            " machine; they say the two cost about the same, not that RLS speeds anything up."
        )
    return "\n".join(lines)


def _findings(scale: ScaleResult) -> str:
    """What the numbers and plans show, with the numbers filled in from this run."""
    totals = {mode: _differences(scale, mode, "ours", "floor") for mode in MODES}
    jwt = {
        mode: statistics.median(_differences(scale, mode, "floor_uid", "floor")) for mode in MODES
    }
    policy = {
        mode: statistics.median(_differences(scale, mode, "ours", "floor_uid")) for mode in MODES
    }
    spans = "; ".join(
        f"{mode}: median {statistics.median(values):+.0f} µs, from {min(values):+.0f} to"
        f" {max(values):+.0f} µs"
        for mode, values in totals.items()
    )
    return f"""What the plans below and the tables above show:

- *ours*, *floor* and *floor + uid* run the same index scans on the same indexes, with the
  user as an index condition. *ours* and *floor + uid* add an `InitPlan` that evaluates
  `(select auth.uid())` once per statement; the planner also expands *ours*' policy.
- *ours - floor* over all queries and sizes: {spans}. It is paid per statement, not per
  row: {growth(scale)}.
- What *ours* does that *floor* does not: read the user out of the JWT inside the statement
  (Supabase's SQL function inlined, the `InitPlan` planned and run, the claims JSON parsed),
  and apply the policy. *floor + uid - floor* (the first alone) has a median of
  {jwt["unprepared"]:+.0f} µs unprepared and {jwt["prepared"]:+.0f} µs prepared;
  *ours - floor + uid* (the policy) of {policy["unprepared"]:+.0f} µs and
  {policy["prepared"]:+.0f} µs. Both are within the noise of this machine (see
  [Noise](#noise)).
{_missed(scale)}
- *plan*: its policy calls `auth.uid()` directly. Where that expression is a filter, it is
  evaluated for every row the scan visits (the `Filter:` lines); as an index condition it is
  evaluated once. Its `(user_id)` index has no order, so a page of recent prompts reads and
  sorts all of the user's {PROMPTS_PER_USER} rows instead of reading {PAGE}."""


def _times(plan: str) -> dict[str, float]:
    return {kind: float(value) for kind, value in _TIMES.findall(plan)}


def _why(scale: ScaleResult) -> str:
    last = scale.steps[-1]
    reads = last.reads["unprepared"]
    rows = []
    plans = []
    for query in QUERIES:
        for column in COLUMNS:
            times = _times(reads.plans[query.name][column])
            rows.append(
                [
                    query.title if column == "ours" else "",
                    LABELS[column],
                    ms(times.get("Planning", 0.0)),
                    ms(times.get("Execution", 0.0)),
                ]
            )
            plans.append(
                f"<details><summary>{query.title}: {LABELS[column]}</summary>\n\n```\n"
                f"{reads.plans[query.name][column]}\n```\n</details>"
            )
    plans_text = "\n".join(plans)
    return f"""
### Why ours costs what it costs

Server-side times of one `EXPLAIN (ANALYZE, BUFFERS)` per query at {size_label(last.size)}
prompts, as the same user (single runs: indicative, not medians):

{table(["query", "column", "planning (ms)", "execution (ms)"], rows)}

{_findings(scale)}

{plans_text}
"""
