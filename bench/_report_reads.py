"""The report's read-latency part: tables per query, plots, and why the numbers are so."""

from __future__ import annotations

import re
import statistics
from typing import TYPE_CHECKING

from bench._data import PROMPTS_PER_USER, SCHEMAS
from bench._markdown import ms, p50, p99, paired_ratios, ratio, table
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

What the plans below show:

- *ours* and *floor* run the same index scans on the same indexes; the user filter is an
  index condition in both. *ours* adds an `InitPlan` that evaluates `(select auth.uid())`
  once per statement (inlining Supabase's SQL function and parsing the JWT claims JSON),
  and the planner expands the policy. Both costs are per statement, not per row, so the
  absolute difference (*ours - floor*) does not grow with the table. *floor + uid* pays the
  same `InitPlan` without any policy, which is why *ours ÷ floor + uid* stays near 1:
  row-level security as such costs next to nothing here; knowing the user inside the
  database costs a few tens of microseconds per statement. With prepared statements
  Postgres can reuse a plan instead of planning each statement; the *prepared* rows show
  what remains.
- *plan*: its policy calls `auth.uid()` directly. Where that expression is a filter, it is
  evaluated for every row the scan visits (the `Filter:` lines); as an index condition it is
  evaluated once. Its `(user_id)` index has no order, so a page of recent prompts reads and
  sorts all of the user's {PROMPTS_PER_USER} rows instead of reading {PAGE}.

{plans_text}
"""
