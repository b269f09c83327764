"""The report's write-cost and data-set parts."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from bench._data import IMAGES_PER_USER, SCHEMAS, users_for
from bench._markdown import table
from bench._writes import OPERATIONS, VARIANTS, cost_us, relative
from bench.scale import size_label

if TYPE_CHECKING:
    from bench._writes import WriteRun
    from bench.scale import ScaleResult

_PARTS = (
    ("no_redundant_index", "the `(image_id, created_at, seq)` index"),
    ("no_trigger", "the `updated_at` trigger"),
    ("no_foreign_keys", "the two foreign keys"),
)


def _rate(run: WriteRun, variant: str, operation: str) -> float:
    return statistics.median(run.rates[variant][operation])


def writes_part(run: WriteRun, plots: str) -> str:
    rows = []
    for variant in VARIANTS:
        cells = [variant.name, variant.title]
        for op in OPERATIONS:
            rate = _rate(run, variant.name, op)
            if variant.name == "ours":
                cells.append(f"{rate:,.0f}")
                continue
            paired = relative(run, variant.name, op)
            cells.append(
                f"{rate:,.0f} ({statistics.median(paired) - 1:+.0%};"
                f" {min(paired) - 1:+.0%} to {max(paired) - 1:+.0%})"
            )
        rows.append(cells)
    costs = []
    for name, part in _PARTS:
        per_op = [f"{op} {cost_us(run, name, op):+.1f} µs" for op in OPERATIONS]
        costs.append(f"- {part}: " + ", ".join(per_op))
    ops = "\n".join(f"- `{op}`: {text}" for op, text in OPERATIONS.items())
    definition = "\n".join(f"- {line}" for line in run.definition)
    return f"""
## Write costs

Rows per second (median of {run.rounds} rounds after a warm-up round; every round opens new
connections). In brackets the
change against *ours*: the median of the per-round ratios (variants run side by side in
each round) and their range. Each variant is a copy of one database (this repository's
migrations, with users and images loaded) with one part of `video_prompts` removed.
Operations:

{ops}

*ours* is the table as migrated:

{definition}

{table(["variant", "what is removed", *OPERATIONS], rows)}

![Write throughput relative to ours]({plots}/writes.png)

What each part costs per row (time per row with it minus without it, median of the rounds;
a negative number means the table was faster *with* it: within noise, or because the part
serves a lookup):

{chr(10).join(costs)}

The `(image_id, created_at, seq)` index is the redundant one: `(image_id, user_id,
created_at, seq)` returns the same order for every lookup that names the user, as every
query under RLS does, and covers the composite foreign key; the former only spares a
ten-row sort to callers without a user filter (the service role). The trigger is
`BEFORE UPDATE`, so inserts never run it. Single-row inserts are dominated by the
transaction's round trips ({run.single_rows} per round); the bulk numbers show the table's
own cost. Without foreign keys the delete removes the prompts explicitly in the same
transaction, and nothing stops a prompt from naming another user's image.
"""


def data_sets_part(scale: ScaleResult) -> str:
    rows = [
        [
            size_label(step.size),
            f"{users_for(step.size):,}",
            f"{users_for(step.size) * IMAGES_PER_USER:,}",
            f"{step.load_seconds:.0f}",
            *(f"{step.table_mb[s]:,.0f}" for s in SCHEMAS),
        ]
        for step in scale.steps
    ]
    header = [
        "prompts",
        "users",
        "images",
        "load step (s)",
        *(f"{s}: video_prompts + indexes (MB)" for s in SCHEMAS),
    ]
    return f"""
## Data sets

{table(header, rows)}

A load step adds the rows since the previous size to *ours* and *plan* (with
`session_replication_role = replica`, so the rows, consistent by construction, skip the
foreign-key triggers), vacuums and analyses them, and copies *ours* as *floor*.
"""
