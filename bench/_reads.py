"""Read latency through row-level security, for the three schemas side by side.

Each query runs the way vidprompt's store runs a request: a transaction that first sets the
role, the JWT claims and the user id alone (transaction-local, with the store's own
statement), then the statement. Only
the statement is timed, from the client, including the round trip and, without prepared
statements, planning. Both connection modes vidprompt uses are measured: unprepared (behind
Supavisor's transaction mode every statement is planned anew) and prepared (psycopg's
default on a direct or session connection: prepared from the fifth execution on).

Besides the three schemas one diagnostic column, ``floor_uid``, runs the floor's queries
with ``(select auth.uid())`` in place of the user id the client passes: it separates what
row-level security costs from what reading the user out of the JWT costs.

A round asks every query for the same sampled users in every column, one after the other
in rotating order, so drift on a shared machine hits them alike; each round uses new
connections, several per database taking turns, so no column is tied to one server process.
"""

from __future__ import annotations

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench._data import IMAGES_PER_USER, SCHEMAS, image_id, user_id
from bench._server import connect
from bench._stats import percentile
from vidprompt.database import APPLY_SCOPE, Scope

if TYPE_CHECKING:
    import uuid
    from collections.abc import Iterator, Mapping

    from bench._server import Conn

PAGE = 20
POOL = 3  # connections per database, taking turns sample by sample
WARM_UP = 30  # samples per query and round, unrecorded: fresh connections prepare first
DEEP_OFFSET = 80  # the last page of a user's 100 prompts
# Measured columns and the database each runs on.
COLUMNS = {"ours": "ours", "plan": "plan", "floor": "floor", "floor_uid": "floor"}
_COLUMNS_SELECTED = (
    "id, image_id, prompt_text, user_instruction, model_name, camera_style, film_effects,"
    " status, is_primary, error_code, error_message, created_at, updated_at"
)
# Statements run without a time limit here: the store's own scope, with a large one.
_NO_LIMIT_MS = 600_000


@dataclass(frozen=True)
class Query:
    """One question the app asks, written for each schema.

    ``ours`` and ``plan`` leave the user to row-level security, as a Supabase client
    does; ``floor`` has no RLS and says ``user_id`` itself. ``plan`` has no ``seq``, so
    it orders by the plan's ``created_at`` (with ``id`` to make pages well defined).
    """

    name: str
    title: str
    ours: str
    plan: str
    floor: str

    def sql(self, column: str) -> str:
        if column == "floor_uid":
            return self.floor.replace("%(user)s", "(select auth.uid())")
        text: str = getattr(self, column)
        return text


_SELECT = f"select {_COLUMNS_SELECTED} from public.video_prompts"
_NEWEST_SEQ = "order by created_at desc, seq desc limit %(page)s"
_NEWEST_ID = "order by created_at desc, id desc limit %(page)s"
_AFTER_SEQ = "(created_at, seq) < (%(after_created)s, %(after_key)s)"
_AFTER_ID = "(created_at, id) < (%(after_created)s, %(after_key)s)"
_COUNT = "select count(*) from public.video_prompts"

QUERIES = (
    Query(
        "variants",
        "An image's variants in order",
        ours=f"{_SELECT} where image_id = %(image)s order by created_at, seq",
        plan=f"{_SELECT} where image_id = %(image)s order by created_at",
        floor=f"{_SELECT} where image_id = %(image)s and user_id = %(user)s"
        " order by created_at, seq",
    ),
    Query(
        "recent",
        f"A user's recent prompts, first page of {PAGE}",
        ours=f"{_SELECT} {_NEWEST_SEQ}",
        plan=f"{_SELECT} {_NEWEST_ID}",
        floor=f"{_SELECT} where user_id = %(user)s {_NEWEST_SEQ}",
    ),
    Query(
        "recent_deep",
        f"A user's recent prompts, keyset page after row {DEEP_OFFSET}",
        ours=f"{_SELECT} where {_AFTER_SEQ} {_NEWEST_SEQ}",
        plan=f"{_SELECT} where {_AFTER_ID} {_NEWEST_ID}",
        floor=f"{_SELECT} where user_id = %(user)s and {_AFTER_SEQ} {_NEWEST_SEQ}",
    ),
    Query(
        "count",
        "Count of a user's prompts",
        ours=_COUNT,
        plan=_COUNT,
        floor=f"{_COUNT} where user_id = %(user)s",
    ),
)


@dataclass
class ReadCell:
    """One query in one column at one size: p50 and p99 of each measured round, in ms."""

    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)


@dataclass
class ReadRun:
    """Everything measured at one size; ``cells[query][column]``, plans as EXPLAIN text.

    ``roundtrip`` is the p50 of ``select 1`` per round: the part of every latency that
    no schema can change (driver, protocol, the trip to the server and back).
    """

    size: int
    prepared: bool
    samples_per_round: int
    rounds: int
    cells: dict[str, dict[str, ReadCell]]
    plans: dict[str, dict[str, str]]
    roundtrip: list[float]


@dataclass(frozen=True)
class _Sample:
    user: uuid.UUID
    image: uuid.UUID
    after: dict[str, tuple[object, object]]  # the deep page's cursor, per database


def measure_reads(
    urls: Mapping[str, str],
    *,
    size: int,
    users: int,
    prepared: bool,
    rounds: int,
    samples: int,
    seed: int = 7,
) -> ReadRun:
    """Time every query in every column; one warm-up round first, then ``rounds``."""
    admin = {schema: connect(urls[schema]) for schema in SCHEMAS}
    try:
        picks = _pick(admin, users, samples, random.Random(seed))  # noqa: S311 (sampling)
        cells = {q.name: {c: ReadCell() for c in COLUMNS} for q in QUERIES}
        roundtrip = []
        for number in range(rounds + 1):
            with _connections(urls, prepared=prepared) as pools:
                baseline = [
                    _time_one(pools["floor"][i % POOL], "select 1", pick, "floor")
                    for i, pick in enumerate(picks)
                ]
                for query in QUERIES:
                    _round(pools, query, picks[:WARM_UP], rotate=number)  # new connections
                    latencies = _round(pools, query, picks, rotate=number)
                    if number == 0:
                        continue  # warm-up: caches, catalog lookups, the machine settling
                    for column, values in latencies.items():
                        cells[query.name][column].p50.append(percentile(values, 0.50))
                        cells[query.name][column].p99.append(percentile(values, 0.99))
            if number > 0:
                roundtrip.append(percentile(baseline, 0.50))
        plans = {
            q.name: {c: _explain(admin[COLUMNS[c]], q, c, picks[0]) for c in COLUMNS}
            for q in QUERIES
        }
    finally:
        for conn in admin.values():
            conn.close()
    return ReadRun(size, prepared, samples, rounds, cells, plans, roundtrip)


@contextmanager
def _connections(urls: Mapping[str, str], *, prepared: bool) -> Iterator[dict[str, list[Conn]]]:
    """:data:`POOL` fresh connections per database, for one round.

    On a small shared machine the same statement on two connections can differ
    noticeably in latency, for as long as the connections live (where the scheduler puts
    their server processes). Taking turns among several connections, new every round,
    keeps that from passing for a difference between the schemas.
    """
    pools = {
        schema: [connect(urls[schema], prepared=prepared) for _ in range(POOL)]
        for schema in SCHEMAS
    }
    try:
        yield pools
    finally:
        for pool in pools.values():
            for conn in pool:
                conn.close()


def _pick(conns: Mapping[str, Conn], users: int, count: int, rng: random.Random) -> list[_Sample]:
    """``count`` samples of (user, one of their images) and each schema's deep-page cursor."""
    picks = []
    for _ in range(count):
        number = rng.randrange(users)
        user = user_id(number)
        after = {schema: _cursor(conn, schema, user) for schema, conn in conns.items()}
        picks.append(_Sample(user, image_id(number, rng.randrange(IMAGES_PER_USER)), after))
    return picks


def _cursor(conn: Conn, schema: str, user: uuid.UUID) -> tuple[object, object]:
    key = "id" if schema == "plan" else "seq"
    row = conn.execute(
        f"select created_at, {key} from public.video_prompts where user_id = %s"
        f" order by created_at desc, {key} desc offset {DEEP_OFFSET - 1} limit 1",
        [user],
    ).fetchone()
    assert row is not None, "every user has 100 prompts"
    return row[0], row[1]


def _params(sample: _Sample, column: str) -> dict[str, object]:
    created, key = sample.after[COLUMNS[column]]
    return {
        "user": sample.user,
        "image": sample.image,
        "page": PAGE,
        "after_created": created,
        "after_key": key,
    }


def _scope(user: uuid.UUID) -> dict[str, str]:
    """The parameters of vidprompt's own scope statement for ``user``, as the store sets it."""
    return Scope.user(user).settings(_NO_LIMIT_MS)


def _round(
    pools: Mapping[str, list[Conn]], query: Query, picks: list[_Sample], *, rotate: int
) -> dict[str, list[float]]:
    columns = list(COLUMNS)
    shift = rotate % len(columns)
    order = columns[shift:] + columns[:shift]
    latencies: dict[str, list[float]] = {column: [] for column in columns}
    for index, sample in enumerate(picks):
        for column in order:
            conn = pools[COLUMNS[column]][index % POOL]
            latencies[column].append(_time_one(conn, query.sql(column), sample, column))
    return latencies


def _time_one(conn: Conn, statement: str, sample: _Sample, column: str) -> float:
    """Milliseconds for ``statement`` alone, inside a request-like transaction."""
    with conn.transaction():
        conn.execute(APPLY_SCOPE, _scope(sample.user))
        started = time.perf_counter_ns()
        conn.execute(statement, _params(sample, column)).fetchall()
        elapsed = time.perf_counter_ns() - started
    return elapsed / 1e6


def _explain(conn: Conn, query: Query, column: str, sample: _Sample) -> str:
    with conn.transaction(force_rollback=True):
        conn.execute(APPLY_SCOPE, _scope(sample.user))
        rows = conn.execute(
            "explain (analyze, buffers, costs off) " + query.sql(column), _params(sample, column)
        ).fetchall()
    return "\n".join(str(row[0]) for row in rows)
