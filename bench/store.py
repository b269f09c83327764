"""The store's benchmark: throughput against raw psycopg, and query plans at scale under RLS.

    uv run python -m bench.store                      # embedded PostgreSQL 18, ~4 minutes
    uv run python -m bench.store --pg /usr/lib/postgresql/15/bin

1. Round trips per operation, counted in libpq's protocol trace: the store, raw psycopg, and
   the same scoped work with each statement awaited on its own (BEGIN, set_config, query,
   COMMIT), which is what the store's pipelining avoids.
2. Throughput of "list an image's variants" and "create a variant" through the store (a user
   scope, row-level security, pydantic rows) against raw psycopg running the same SQL as the
   superuser without any scope, on the same database with the same pool size; the ratio is
   the store's cost. Measured on loopback and through a proxy that delays each direction
   (``--latency-ms``), as a network between an app server and its database would.
3. Plans at 1 M prompts / 100 k images: the store's read queries run under RLS as a user
   (custom and generic plans, EXPLAIN ANALYZE); each must use an index and have no Sort node.
   The list of an image's variants is also planned with the index docs/store.md proposes.

It runs on a throwaway cluster (fsync off) in a temporary folder, never on your database.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import json
import multiprocessing
import queue
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from bench._markdown import shortfall
from bench._server import (
    bench_server,
    describe_client,
    drop_database,
    recreate_database,
    server_version,
)
from vidprompt.config import Settings
from vidprompt.database import APPLY_SCOPE, install_supabase_layer
from vidprompt.database._transaction import ScopedTransaction
from vidprompt.migrations import discover, push
from vidprompt.prompts import Scope, Store
from vidprompt.prompts._models import VariantInputs, input_values, with_columns
from vidprompt.prompts._queries import queries

if TYPE_CHECKING:
    import uuid
    from collections.abc import Awaitable, Callable, Iterator, Mapping

REPO = Path(__file__).resolve().parents[1]
POOL_SIZE = 10
UNPIPELINED = "scope in its own round trips"
# The store's statements with nothing of the store around them: raw psycopg as the API role,
# the scope and the query in one pipeline. Store ÷ this is what the store's own code costs;
# this ÷ raw psycopg is what the scope statement and row-level security cost.
SCOPED_FLOOR = "scoped floor"
GOAL = 0.8


# --- the database -----------------------------------------------------------------------


THROUGHPUT_DATABASE = "vidprompt_bench_store"
PLANS_DATABASE = "vidprompt_bench_store_plans"
BENCH_INPUTS = VariantInputs(user_instruction="winken", camera_style="orbit", film_effects=["noir"])


def prepare_database(server_url: str, name: str) -> str:
    """A new database with the Supabase layer and this repository's migrations; its URL."""
    url = recreate_database(server_url, name)
    with psycopg.connect(url, autocommit=True) as conn:
        install_supabase_layer(conn)
        push(conn, discover(REPO).migrations)
    return url


def load(url: str, *, users: int, images_per_user: int, prompts_per_image: int) -> None:
    """Users, their images and prompts, written in bulk as the superuser.

    Foreign-key triggers are skipped while loading (the rows are consistent by
    construction); indexes are built as in production. Prompts of an image are spread over
    time, so the order keys are realistic rather than all equal.
    """
    images = users * images_per_user
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("set session_replication_role = replica")
        conn.execute(
            "insert into auth.users (id, email, aud, role, created_at)"
            " select gen_random_uuid(), 'user' || n || '@example.test', 'authenticated',"
            " 'authenticated', now() from generate_series(1, %s) n",
            [users],
        )
        conn.execute(
            "create temporary table numbered as"
            " select row_number() over (order by id) as n, id from auth.users"
        )
        conn.execute(
            "insert into public.images (user_id, url, storage_path, type, created_at)"
            " select u.id, 'https://example.test/' || i || '.png', u.id || '/' || i || '.png',"
            "   'generated', now() - (i || ' minutes')::interval"
            " from generate_series(1, %s) i join numbered u on u.n = 1 + i %% %s",
            [images, users],
        )
        conn.execute(
            "insert into public.video_prompts (image_id, user_id, prompt_text, model_name,"
            "   camera_style, film_effects, status, created_at)"
            " select i.id, i.user_id, 'A slow push-in on the subject, golden light.',"
            "   'gemini-2.5-flash', 'cinematic', array['golden_hour'], 'completed',"
            "   i.created_at + (p || ' seconds')::interval"
            " from public.images i, generate_series(1, %s) p",
            [prompts_per_image],
        )
        conn.execute("reset session_replication_role")
        conn.execute("vacuum analyze auth.users, public.images, public.video_prompts")


def sample(url: str, count: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(owner, image) pairs to work on, spread over the data."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select user_id, id from public.images order by id limit %s", [count]
        ).fetchall()
    return [(row[0], row[1]) for row in rows]


# --- throughput -------------------------------------------------------------------------


@dataclass
class Rate:
    network: str
    name: str
    concurrency: int
    per_second: float


ROUNDS = 5


async def measure(
    operation: Callable[[int], Awaitable[object]], *, seconds: float, concurrency: int
) -> tuple[int, float]:
    """(operations done, seconds taken) with ``concurrency`` callers for about ``seconds``."""
    count = 0

    async def caller(first: int, until: float) -> None:
        nonlocal count
        number = first
        while time.perf_counter() < until:
            await operation(number)
            number += concurrency
            count += 1

    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(caller(n, until) for n in range(concurrency)))
    return count, time.perf_counter() - started


async def compare(
    runs: Mapping[str, Callable[[int], Awaitable[object]]], *, seconds: float, concurrency: int
) -> dict[str, float]:
    """Rates of several ways to do the same work, measured in alternating rounds.

    Other load on the machine then slows every contender alike, so their ratio holds
    even when the absolute numbers drift.
    """
    for operation in runs.values():  # warm-up: connections, prepared statements, caches
        await measure(operation, seconds=min(0.5, seconds / ROUNDS), concurrency=concurrency)
    done = dict.fromkeys(runs, 0)
    spent = dict.fromkeys(runs, 0.0)
    for _ in range(ROUNDS):
        for name, operation in runs.items():
            count, elapsed = await measure(
                operation, seconds=seconds / ROUNDS, concurrency=concurrency
            )
            done[name] += count
            spent[name] += elapsed
    return {name: done[name] / spent[name] for name in runs}


def raw_pool(url: str) -> AsyncConnectionPool[Any]:
    return AsyncConnectionPool(
        url,
        kwargs={"autocommit": True},
        min_size=POOL_SIZE,
        max_size=POOL_SIZE,
        open=False,
    )


async def throughput(
    admin_url: str,
    pairs: list[tuple[uuid.UUID, uuid.UUID]],
    *,
    network: str,
    seconds: float,
    levels: tuple[int, ...],
    say: Callable[[str], object],
) -> list[Rate]:
    store_url = psycopg.conninfo.make_conninfo(admin_url, user="authenticator")
    settings = Settings(_env_file=None, pool_min_size=POOL_SIZE, pool_max_size=POOL_SIZE)
    list_sql, insert_sql = queries()["list_variants"], with_columns(queries()["insert_variant"])
    # Writes go to images no list reads: otherwise each list would grow with every variant
    # created before it, and later cells would compare longer lists than earlier ones.
    listed = [(Scope.user(owner), image) for owner, image in pairs[::2]]
    written = [(Scope.user(owner), image) for owner, image in pairs[1::2]]
    rates: list[Rate] = []

    def insert_params(image: uuid.UUID) -> dict[str, Any]:
        return {
            "image_id": image,
            "model_name": "bench",
            "status": "draft",
            "inputs": input_values(BENCH_INPUTS, VariantInputs),
        }

    async with (
        Store(store_url, settings=settings) as store,
        raw_pool(admin_url) as raw,
        raw_pool(store_url) as scoped,
    ):
        await raw.wait()
        await scoped.wait()

        async def store_list(n: int) -> object:
            scope, image = listed[n % len(listed)]
            return await store.list_variants(scope, image)

        async def store_create(n: int) -> object:
            scope, image = written[n % len(written)]
            return await store.create_variant(scope, image, BENCH_INPUTS, model_name="bench")

        async def raw_call(sql: bytes, params: dict[str, Any]) -> object:
            async with raw.connection() as conn:
                cursor = await conn.execute(sql, params)
                return await cursor.fetchall()

        async def raw_list(n: int) -> object:
            return await raw_call(list_sql, {"image_id": listed[n % len(listed)][1]})

        async def raw_create(n: int) -> object:
            return await raw_call(insert_sql, insert_params(written[n % len(written)][1]))

        async def unpipelined(sql: bytes, scope: Scope, params: dict[str, Any]) -> object:
            """The same scoped transaction, each statement awaited on its own."""
            async with raw.connection() as conn:
                await conn.execute(b"begin")
                await conn.execute(APPLY_SCOPE, scope.settings(settings.statement_timeout_ms))
                cursor = await conn.execute(sql, params)
                rows = await cursor.fetchall()
                await conn.execute(b"commit")
                return rows

        async def scoped_floor(sql: bytes, scope: Scope, params: dict[str, Any]) -> object:
            """The store's pipeline (scope, query, one Sync) written with psycopg alone."""
            async with scoped.connection() as conn:
                async with conn.pipeline():
                    await conn.execute(APPLY_SCOPE, scope.settings(settings.statement_timeout_ms))
                    cursor = await conn.execute(sql, params)
                return await cursor.fetchall()

        async def scoped_list(n: int) -> object:
            scope, image = listed[n % len(listed)]
            return await scoped_floor(list_sql, scope, {"image_id": image})

        async def scoped_create(n: int) -> object:
            scope, image = written[n % len(written)]
            return await scoped_floor(insert_sql, scope, insert_params(image))

        async def unpipelined_list(n: int) -> object:
            scope, image = listed[n % len(listed)]
            return await unpipelined(list_sql, scope, {"image_id": image})

        async def unpipelined_create(n: int) -> object:
            scope, image = written[n % len(written)]
            return await unpipelined(insert_sql, scope, insert_params(image))

        contenders = {
            "list variants": {
                "raw psycopg": raw_list,
                "store": store_list,
                SCOPED_FLOOR: scoped_list,
                UNPIPELINED: unpipelined_list,
            },
            "create variant": {
                "raw psycopg": raw_create,
                "store": store_create,
                SCOPED_FLOOR: scoped_create,
                UNPIPELINED: unpipelined_create,
            },
        }
        for concurrency in levels:
            for work, runs in contenders.items():
                measured = await compare(runs, seconds=seconds, concurrency=concurrency)
                for way, rate in measured.items():
                    rates.append(Rate(network, f"{work} · {way}", concurrency, rate))
                    say(f"  {work} · {way:30} x{concurrency:<3} {rate:8.0f}/s")
    return rates


def round_trip_ms(url: str) -> float:
    """The median time of an empty query: what one round trip costs on this connection."""
    with psycopg.connect(url, autocommit=True) as conn:
        times = []
        for _ in range(200):
            started = time.perf_counter()
            conn.execute("")
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def round_trips(admin_url: str, owner: uuid.UUID, image: uuid.UUID) -> dict[str, int]:
    """How often each way waits for the server while listing an image's variants."""
    store_url = psycopg.conninfo.make_conninfo(admin_url, user="authenticator")
    scope, params = Scope.user(owner), {"image_id": image}
    query = queries()["list_variants"]

    async def raw(conn: AsyncConnection[Any]) -> None:
        await (await conn.execute(query, params)).fetchall()

    async def store(conn: AsyncConnection[Any]) -> None:
        async with ScopedTransaction(conn, scope, statement_timeout_ms=1000) as tx:
            await tx.queue(query, params)

    async def unpipelined(conn: AsyncConnection[Any]) -> None:
        await conn.execute(b"begin")
        await conn.execute(APPLY_SCOPE, scope.settings(1000))
        await (await conn.execute(query, params)).fetchall()
        await conn.execute(b"commit")

    ways = {"raw psycopg": (admin_url, raw), "store": (store_url, store)}
    ways[UNPIPELINED] = (admin_url, unpipelined)
    counted: dict[str, int] = {}
    for way, (url, run) in ways.items():
        async with await AsyncConnection.connect(
            url, autocommit=True, row_factory=dict_row
        ) as conn:
            with tempfile.TemporaryFile("w+") as sink:
                conn.pgconn.trace(sink.fileno())
                await run(conn)
                conn.pgconn.untrace()
                sink.seek(0)
                directions = [line.split("\t")[1] for line in sink if "\t" in line]
        counted[way] = sum(1 for a, b in itertools.pairwise(directions) if (a, b) == ("F", "B"))
    return counted


# --- a network between the store and Postgres ------------------------------------------


@contextmanager
def delayed(upstream_port: int, one_way_ms: float) -> Iterator[int]:
    """A TCP proxy to ``upstream_port`` that delays every chunk by ``one_way_ms``, so a round
    trip costs what it costs between an app server and its database in one region. It runs
    in a process of its own; yields the port to connect to."""
    port = _free_port()
    process = multiprocessing.Process(
        target=_serve_proxy, args=(port, upstream_port, one_way_ms / 1000), daemon=True
    )
    process.start()
    try:
        for _ in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.02)
        yield port
    finally:
        process.terminate()
        process.join()


def _serve_proxy(port: int, upstream_port: int, delay: float) -> None:
    """Accept connections and relay both directions, each in threads of its own: a reader
    stamps every chunk on arrival, a writer sends it once its delay has passed."""
    listener = socket.create_server(("127.0.0.1", port))
    while True:
        client, _ = listener.accept()
        upstream = socket.create_connection(("127.0.0.1", upstream_port))
        for sock in (client, upstream):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _relay(client, upstream, delay)
        _relay(upstream, client, delay)


def _relay(source: socket.socket, target: socket.socket, delay: float) -> None:
    chunks: queue.SimpleQueue[tuple[float, bytes]] = queue.SimpleQueue()

    def read() -> None:
        with suppress(OSError):
            while chunk := source.recv(65536):
                chunks.put((time.perf_counter() + delay, chunk))
        chunks.put((0.0, b""))

    def write() -> None:
        with suppress(OSError):
            while (item := chunks.get())[1]:
                time.sleep(max(0.0, item[0] - time.perf_counter()))
                target.sendall(item[1])
        with suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    threading.Thread(target=read, daemon=True).start()
    threading.Thread(target=write, daemon=True).start()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- plans ------------------------------------------------------------------------------


@dataclass
class Plan:
    schema: str
    name: str
    kind: str
    text: str
    indexes: list[str]
    sorts: int
    milliseconds: float

    @property
    def ok(self) -> bool:
        return bool(self.indexes) and self.sorts == 0


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def plans(url: str, schema: str) -> list[Plan]:
    """The store's read queries as a user under RLS: custom and generic plans."""
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        busiest = conn.execute(
            "select user_id, count(*) as prompts from public.video_prompts"
            " group by user_id order by 2 desc limit 1"
        ).fetchone()
        assert busiest is not None
        user_id = busiest["user_id"]
        image = conn.execute(
            "select id from public.images where user_id = %s limit 1", [user_id]
        ).fetchone()
        assert image is not None
        variant = conn.execute(
            "select id from public.video_prompts where image_id = %s offset 4 limit 1",
            [image["id"]],
        ).fetchone()
        assert variant is not None
        cases = {
            "list_variants": {"image_id": image["id"]},
            "get_variant": {"id": variant["id"]},
            "list_images": {"user_id": user_id, "limit": 20},
        }
        found: list[Plan] = []
        scope = Scope.user(user_id)
        for name, params in cases.items():
            for kind in ("custom", "generic"):
                with conn.transaction(force_rollback=True):
                    conn.execute(APPLY_SCOPE, scope.settings(60_000))
                    conn.execute(f"set local plan_cache_mode = force_{kind}_plan".encode())
                    found.append(_explain(conn, schema, name, kind, params))
        return found


def _explain(
    conn: psycopg.Connection[Any], schema: str, name: str, kind: str, params: dict[str, Any]
) -> Plan:
    """EXPLAIN ANALYZE of a named query, prepared as the store's connections prepare it."""
    conn.execute(b"prepare bench_query as " + _positional(queries()[name], params))
    values = sql.SQL(", ").join(sql.Literal(value) for value in params.values())
    execute = sql.SQL("execute bench_query({})").format(values)
    analyzed = sql.SQL("explain (analyze, buffers, format json) {}").format(execute)
    row = conn.execute(analyzed).fetchone()
    shown = sql.SQL("explain (analyze, costs off, timing off, summary off) {}").format(execute)
    text_rows = conn.execute(shown).fetchall()
    conn.execute(b"deallocate bench_query")
    assert row is not None
    document = next(iter(row.values()))[0]
    nodes = list(_nodes(document["Plan"]))
    return Plan(
        schema=schema,
        name=name,
        kind=kind,
        text="\n".join(next(iter(r.values())) for r in text_rows),
        indexes=sorted({n["Index Name"] for n in nodes if "Index Name" in n}),
        sorts=sum(1 for n in nodes if "Sort" in n["Node Type"]),
        milliseconds=document["Execution Time"],
    )


def _positional(query: bytes, params: dict[str, Any]) -> bytes:
    """``%(name)s`` to ``$n`` in the order of ``params``, for PREPARE."""
    text = query.decode()
    for number, key in enumerate(params, start=1):
        text = text.replace(f"%({key})s", f"${number}")
    return text.encode()


# --- report -----------------------------------------------------------------------------


@dataclass
class Results:
    version: str
    rates: list[Rate]
    trips: dict[str, int]
    plans: list[Plan]
    images: int
    prompts: int


def run_all(
    db_url: str | None,
    *,
    bin_dir: Path | None = None,
    seconds: float = 5.0,
    levels: tuple[int, ...] = (1, 8),
    latency_ms: float = 0.5,
    images: int = 100_000,
    prompts_per_image: int = 10,
    say: Callable[[str], object] = lambda text: print(text, file=sys.stderr, flush=True),
) -> Results:
    """Everything the report shows, measured on a throwaway server (or ``db_url``'s)."""
    random.seed(4)
    with bench_server(db_url, bin_dir=bin_dir) as server_url:
        try:
            small = prepare_database(server_url, THROUGHPUT_DATABASE)
            version = server_version(small)
            say(f"PostgreSQL {version}; {seconds:g} s per measurement")
            load(small, users=200, images_per_user=5, prompts_per_image=3)
            pairs = sample(small, 1000)
            trips = asyncio.run(round_trips(small, *pairs[0]))
            say("loopback:")
            rates = asyncio.run(
                throughput(
                    small, pairs, network="loopback", seconds=seconds, levels=levels, say=say
                )
            )
            port = int(psycopg.conninfo.conninfo_to_dict(small).get("port") or 5432)
            with delayed(port, latency_ms) as proxy_port:
                far = psycopg.conninfo.make_conninfo(small, port=proxy_port)
                network = f"{round_trip_ms(far):.1f} ms round trip"
                say(f"{network} (through a delaying proxy):")
                rates += asyncio.run(
                    throughput(far, pairs, network=network, seconds=seconds, levels=levels, say=say)
                )
            say(f"loading {images:,} images and their prompts ...")
            large = prepare_database(server_url, PLANS_DATABASE)
            load(
                large,
                users=images // 10,
                images_per_user=10,
                prompts_per_image=prompts_per_image,
            )
            found = plans(large, "as migrated")
        finally:
            for name in (THROUGHPUT_DATABASE, PLANS_DATABASE):
                drop_database(server_url, name)
    return Results(version, rates, trips, found, images, images * prompts_per_image)


def render(results: Results, heading: str = "###") -> str:
    """The results as markdown, with headings at the given level."""
    lines = [f"{heading} Round trips per call (list variants, from libpq's protocol trace)", ""]
    lines += ["| way | round trips |", "|---|---:|"]
    lines += [f"| {way} | {count} |" for way, count in results.trips.items()]
    lines += ["", f"{heading} Throughput (calls per second; ratios to raw psycopg)", ""]
    lines += [
        "| network | operation | callers | raw psycopg | scoped floor | store | store ÷ raw | "
        "scoped floor ÷ raw | store ÷ scoped floor | scope unpipelined |"
    ]
    lines += ["|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for cell in cells(results):
        lines.append(
            f"| {cell.network} | {cell.operation} | {cell.concurrency} | {cell.raw:.0f} | "
            f"{cell.scoped:.0f} | {cell.store:.0f} | **{cell.store / cell.raw:.2f}** | "
            f"{cell.scoped / cell.raw:.2f} | {cell.store / cell.scoped:.2f} | "
            f"{cell.unpipelined:.0f} ({cell.unpipelined / cell.raw:.2f}) |"
        )
    lines += ["", verdict(results)]
    scale = f"{results.prompts:,} prompts / {results.images:,} images"
    lines += ["", f"{heading} Plans at {scale}, under RLS", ""]
    lines += ["| schema | query | plan | indexes | sort nodes | ms | ok |"]
    lines += ["|---|---|---|---|---:|---:|---|"]
    for plan in results.plans:
        lines.append(
            f"| {plan.schema} | {plan.name} | {plan.kind} | {', '.join(plan.indexes)} | "
            f"{plan.sorts} | {plan.milliseconds:.3f} | {'yes' if plan.ok else 'NO'} |"
        )
    for plan in results.plans:
        if plan.kind == "custom":
            lines += ["", f"`{plan.name}` ({plan.schema}):", "", "```", plan.text, "```"]
    return "\n".join(lines)


@dataclass(frozen=True)
class Cell:
    """One row of the throughput table: each contender's calls per second."""

    network: str
    operation: str
    concurrency: int
    raw: float
    scoped: float
    store: float
    unpipelined: float


def cells(results: Results) -> list[Cell]:
    by_key = {(r.network, r.name, r.concurrency): r.per_second for r in results.rates}
    found = []
    for network in dict.fromkeys(r.network for r in results.rates):
        for operation in ("list variants", "create variant"):
            levels = sorted({r.concurrency for r in results.rates if r.network == network})
            for concurrency in levels:
                rate = {
                    way: by_key[(network, f"{operation} · {way}", concurrency)]
                    for way in ("raw psycopg", SCOPED_FLOOR, "store", UNPIPELINED)
                }
                found.append(
                    Cell(
                        network,
                        operation,
                        concurrency,
                        rate["raw psycopg"],
                        rate[SCOPED_FLOOR],
                        rate["store"],
                        rate[UNPIPELINED],
                    )
                )
    return found


def verdict(results: Results) -> str:
    """Which cells miss the goal, by how much, and which part of the work takes it."""
    missed = [cell for cell in cells(results) if cell.store / cell.raw < GOAL]
    if not missed:
        return f"**Every cell meets the goal** (store ÷ raw psycopg ≥ {GOAL})."
    parts = []
    for cell in missed:
        value, miss = shortfall(cell.store / cell.raw, GOAL)
        parts.append(
            f"{cell.network} {cell.operation} x{cell.concurrency}: {value} "
            f"(misses by {miss}; the scoped floor alone "
            f"{cell.scoped / cell.raw:.2f}, the store {cell.store / cell.scoped:.2f} of it)"
        )
    return (
        f"**The goal of {GOAL} is missed in {len(missed)} of {len(cells(results))} cells**: "
        + "; ".join(parts)
        + ". *Scoped floor ÷ raw* is the price of row-level security itself: a second "
        "statement (the scope) in the same round trip and the policy's check, which raw "
        "psycopg, unscoped as the superuser, does not pay; no store can go below it. "
        "*Store ÷ scoped floor* is what the store's own code adds on top (connection checks, "
        "the shielded release, error translation, pydantic rows)."
    )


def headline(results: Results) -> str:
    """One line for the report's summary."""
    found = {(c.network, c.operation): c for c in cells(results) if c.concurrency == 1}

    def ratios(network: str) -> str:
        shown = []
        for operation in ("list variants", "create variant"):
            cell = found[(network, operation)]
            shown.append(
                f"{cell.store / cell.raw:.2f} {operation.split()[0]} "
                f"(RLS's floor {cell.scoped / cell.raw:.2f})"
            )
        return " / ".join(shown)

    far = next(c.network for c in cells(results) if c.network != "loopback")
    as_migrated = [plan for plan in results.plans if plan.schema == "as migrated"]
    good = sum(plan.ok for plan in as_migrated)
    return (
        f"{results.trips['store']} round trip per call, scope included; store ÷ raw psycopg "
        f"(1 caller) {ratios('loopback')} on loopback, {ratios(far)} at {far}; "
        f"{good} of {len(as_migrated)} plans sort-free on an index under RLS"
    )


def report_section(db_url: str | None) -> tuple[str, str]:
    """The report's section (markdown) and its one-line headline."""
    results = run_all(db_url)
    intro = (
        f"PostgreSQL {results.version}, {describe_client()}. "
        "The store (a user scope, RLS, pydantic rows) against raw psycopg running the same SQL "
        "unscoped as the superuser; see "
        "[the store's docs](store.md#benchmark). Command: `uv run python -m bench.store`.\n\n"
    )
    return intro + render(results), headline(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.store", description=__doc__)
    parser.add_argument("--pg", type=Path, help="bin folder of another Postgres build")
    parser.add_argument("--db-url", help="superuser URL of a throwaway server to use instead")
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    parser.add_argument("--concurrency", default="1,8", help="callers, comma-separated")
    parser.add_argument(
        "--latency-ms", type=float, default=0.5, help="one-way delay of the simulated network"
    )
    parser.add_argument("--images", type=int, default=100_000, help="images for the plans")
    parser.add_argument("--prompts-per-image", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = run_all(
        args.db_url,
        bin_dir=args.pg,
        seconds=args.seconds,
        levels=tuple(int(level) for level in args.concurrency.split(",")),
        latency_ms=args.latency_ms,
        images=args.images,
        prompts_per_image=args.prompts_per_image,
    )
    print(f"PostgreSQL {results.version}, {describe_client()}\n")
    print(render(results, heading="##"))
    print(f"\n{headline(results)}")
    if args.json:
        args.json.write_text(json.dumps(dataclasses.asdict(results), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
