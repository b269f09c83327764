"""Write costs: what each index, trigger and foreign key of ``video_prompts`` costs.

Every variant is a copy of one template database (this repository's migrations, users
and images loaded), with one part of the table removed, so the difference to ``ours``
is that part's cost. Rounds interleave the variants, so a busy moment hits them alike.

Per round and variant:

- ``insert_single``: one pending variant per transaction, as the user through RLS, the
  way the API creates one (timed from BEGIN to COMMIT); the variants take turns row by
  row, so load on the machine hits them alike;
- ``insert_bulk``: 10 variants for each of 1,000 images in one statement;
- ``update_bulk``: those 10,000 rows completed by primary key, as the worker does;
- ``delete_cascade``: their 1,000 images deleted; the foreign key removes the prompts
  (without foreign keys the same transaction deletes the prompts first).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench import _sql
from bench._data import IMAGES_PER_USER, REPO, image_id, user_id
from bench._server import connect, drop_database, recreate_database
from vidprompt.database import APPLY_SCOPE, Scope, install_supabase_layer
from vidprompt.migrations import discover, push

if TYPE_CHECKING:
    import uuid

    from bench._server import Conn

TEMPLATE = "vidprompt_bench_writes"
USERS_PER_ROUND = 100  # 1,000 images, 10,000 variants
SINGLE_USERS = 100
# (image_id, created_at, seq) gives the variant order; (image_id, user_id, created_at, seq)
# gives the same order for every lookup that names the user, as every query under RLS does.
_DROP_REDUNDANT_INDEX = "drop index public.video_prompts_image_id_created_at_idx"
_DROP_TRIGGER = "drop trigger update_video_prompts_updated_at on public.video_prompts"
_DROP_FOREIGN_KEYS = (
    "alter table public.video_prompts drop constraint video_prompts_image_id_user_id_fkey,"
    " drop constraint video_prompts_user_id_fkey"
)


@dataclass(frozen=True)
class WriteVariant:
    name: str
    title: str
    changes: tuple[str, ...]

    @property
    def has_foreign_keys(self) -> bool:
        return _DROP_FOREIGN_KEYS not in self.changes


VARIANTS = (
    WriteVariant("ours", "as migrated", ()),
    WriteVariant(
        "no_redundant_index",
        "without the (image_id, created_at, seq) index",
        (_DROP_REDUNDANT_INDEX,),
    ),
    WriteVariant("no_trigger", "without the updated_at trigger", (_DROP_TRIGGER,)),
    WriteVariant("no_foreign_keys", "without the two foreign keys", (_DROP_FOREIGN_KEYS,)),
    WriteVariant(
        "bare",
        "primary key only: no other index, trigger, foreign key or RLS",
        (
            _DROP_REDUNDANT_INDEX,
            _DROP_TRIGGER,
            _DROP_FOREIGN_KEYS,
            "drop index public.video_prompts_user_id_idx",
            "drop index public.video_prompts_image_id_idx",
            "drop index public.video_prompts_one_primary_per_image",
            "alter table public.video_prompts disable row level security",
        ),
    ),
)
OPERATIONS = {
    "insert_single": "insert, one row per transaction, as the user (RLS)",
    "insert_bulk": "insert, 10,000 rows in one statement",
    "update_bulk": "update to completed by primary key, 10,000 rows",
    "delete_cascade": "delete 1,000 images with their 10,000 variants",
}


def relative(run: WriteRun, variant: str, operation: str) -> list[float]:
    """``variant``'s rate ÷ ours' rate, round by round (measured side by side)."""
    return [
        rate / ours
        for rate, ours in zip(
            run.rates[variant][operation], run.rates["ours"][operation], strict=True
        )
    ]


def cost_us(run: WriteRun, variant: str, operation: str) -> float:
    """Median per-round time per row of ours minus ``variant``'s, in µs: the removed part's cost."""
    return statistics.median(
        1e6 / ours - 1e6 / rate
        for rate, ours in zip(
            run.rates[variant][operation], run.rates["ours"][operation], strict=True
        )
    )


@dataclass
class WriteRun:
    """Rows per second of every operation, ``rates[variant][operation]``, one per round."""

    rounds: int
    single_rows: int
    rates: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    definition: list[str] = field(default_factory=list)  # ours' indexes, triggers, keys


def measure_writes(server_url: str, *, rounds: int, single_rows: int) -> WriteRun:
    """Build the template and one copy per variant, then time ``rounds`` rounds (+1 warm-up).

    Every round opens new connections: a connection's speed on a small shared machine
    depends on where its server process runs, and that should not pass for a variant's.
    """
    users = USERS_PER_ROUND * (rounds + 1) + SINGLE_USERS
    _build_template(server_url, users)
    urls = {}
    try:
        for variant in VARIANTS:
            urls[variant.name] = recreate_database(
                server_url, f"{TEMPLATE}_{variant.name}", template=TEMPLATE
            )
            with connect(urls[variant.name]) as conn:
                for change in variant.changes:
                    conn.execute(change)
        run = WriteRun(
            rounds, single_rows, {v.name: {op: [] for op in OPERATIONS} for v in VARIANTS}
        )
        with connect(urls["ours"]) as conn:
            run.definition = _definition(conn)
        for number in range(rounds + 1):
            rates = _round(urls, number, single_rows)
            if number > 0:
                for operation, by_variant in rates.items():
                    for name, rate in by_variant.items():
                        run.rates[name][operation].append(rate)
    finally:
        for variant in VARIANTS:
            drop_database(server_url, f"{TEMPLATE}_{variant.name}")
        drop_database(server_url, TEMPLATE)
    return run


def _round(urls: dict[str, str], number: int, single_rows: int) -> dict[str, dict[str, float]]:
    """Rows per second of every operation and variant in round ``number``."""
    first = SINGLE_USERS + number * USERS_PER_ROUND
    images = [
        image_id(user, index)
        for user in range(first, first + USERS_PER_ROUND)
        for index in range(IMAGES_PER_USER)
    ]
    rotation = VARIANTS[number % len(VARIANTS) :] + VARIANTS[: number % len(VARIANTS)]
    conns = {name: connect(url) for name, url in urls.items()}
    try:
        rates = {"insert_single": _insert_single(conns, rotation, single_rows)}
        for operation, measure in _BULK.items():
            rates[operation] = {v.name: measure(conns[v.name], v, images) for v in rotation}
    finally:
        for conn in conns.values():
            conn.close()
    return rates


def _build_template(server_url: str, users: int) -> None:
    url = recreate_database(server_url, TEMPLATE)
    with connect(url) as conn:
        install_supabase_layer(conn)
        push(conn, discover(REPO).migrations)
        params = {"first": 0, "last": users - 1, "n": users, "epoch": "2026-01-01T00:00:00Z"}
        for block in ("users", "images"):
            conn.execute(_sql.blocks("dataset.sql")[block], params)
        conn.execute("vacuum (analyze) auth.users, public.images")


def _definition(conn: Conn) -> list[str]:
    """What ``ours`` has that costs on writes, read from the catalog as pushed."""
    rows = conn.execute(_sql.blocks("writes.sql")["definition"])
    return [str(row[0]) for row in rows]


_INSERT_PENDING = (
    "insert into public.video_prompts (image_id, user_id, prompt_text, user_instruction,"
    " model_name, camera_style, film_effects, status)"
    " values (%s, %s, '', 'lächeln', 'gemini-2.5-flash', 'dolly', '{soft}', 'pending')"
)


def _insert_single(
    conns: dict[str, Conn], rotation: tuple[WriteVariant, ...], rows: int
) -> dict[str, float]:
    """Rows per second of one-row transactions, the variants taking turns row by row."""
    spent = dict.fromkeys(conns, 0)
    for number in range(rows):
        user = number % SINGLE_USERS
        scope = Scope.user(user_id(user)).settings(600_000)  # as the store sets it
        row = [image_id(user, number % IMAGES_PER_USER), user_id(user)]
        for variant in rotation:
            conn = conns[variant.name]
            started = time.perf_counter_ns()
            with conn.transaction():
                conn.execute(APPLY_SCOPE, scope)
                conn.execute(_INSERT_PENDING, row)
            spent[variant.name] += time.perf_counter_ns() - started
    return {name: rows / (nanoseconds / 1e9) for name, nanoseconds in spent.items()}


def _insert_bulk(conn: Conn, variant: WriteVariant, images: list[uuid.UUID]) -> float:
    return _timed_rows(
        conn,
        "insert into public.video_prompts (image_id, user_id, prompt_text, model_name, status,"
        " is_primary) select i.id, i.user_id, '', 'gemini-2.5-flash', 'pending', v = 0"
        " from public.images i, generate_series(0, 9) v where i.id = any(%s)",
        [images],
    )


def _update_bulk(conn: Conn, variant: WriteVariant, images: list[uuid.UUID]) -> float:
    ids = [
        row[0]
        for row in conn.execute(
            "select id from public.video_prompts where image_id = any(%s)", [images]
        )
    ]
    return _timed_rows(
        conn,
        "update public.video_prompts set status = 'completed', prompt_text ="
        " 'The camera glides slowly toward the window as soft light spills in.'"
        " where id = any(%s)",
        [ids],
    )


def _delete_cascade(conn: Conn, variant: WriteVariant, images: list[uuid.UUID]) -> float:
    started = time.perf_counter_ns()
    with conn.transaction():
        if not variant.has_foreign_keys:
            conn.execute("delete from public.video_prompts where image_id = any(%s)", [images])
        conn.execute("delete from public.images where id = any(%s)", [images])
    prompts = len(images) * 10
    return prompts / ((time.perf_counter_ns() - started) / 1e9)


def _timed_rows(conn: Conn, statement: str, params: list[object]) -> float:
    started = time.perf_counter_ns()
    count = conn.execute(statement, params).rowcount
    return count / ((time.perf_counter_ns() - started) / 1e9)


_BULK = {
    "insert_bulk": _insert_bulk,
    "update_bulk": _update_bulk,
    "delete_cascade": _delete_cascade,
}
