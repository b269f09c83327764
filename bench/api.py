"""The HTTP API under load: "list an image's variants" over loopback, against the store alone.

    uv run python -m bench.api                        # embedded PostgreSQL 18, about a minute
    uv run python -m bench.api --pg /usr/lib/postgresql/15/bin --requests 1000

``vidprompt serve`` runs as its own process (uvicorn, one worker, JSON access logs) on a
throwaway cluster; a Python load client (httpx, asyncio) sends ``GET
/images/{id}/variants`` with valid HS256 tokens of 64 users at concurrency 1, 16 and 64:
a fixed number of requests per level, cut short by a time limit. Beside each level the same
call through the store (``Store.list_variants`` in the caller's scope, same pool size), with
no HTTP, no JSON and no token check; the ratio of the two throughputs is what HTTP and auth
cost. Server, client and Postgres share the machine's cores, as they would on one small box.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from bench._server import (
    bench_server,
    describe_client,
    drop_database,
    recreate_database,
    server_version,
)
from bench._stats import percentile
from vidprompt.auth import AuthUser, access_token_claims, sign_access_token
from vidprompt.config import Settings
from vidprompt.database import install_supabase_layer
from vidprompt.migrations import discover, push
from vidprompt.prompts import Scope, Store

REPO = Path(__file__).resolve().parents[1]
DATABASE = "vidprompt_bench_api"
CONCURRENCY = (1, 16, 64)
USERS = 64
IMAGES_PER_USER = 4
VARIANTS_PER_IMAGE = 5
POOL_SIZE = 10
WARMUP_REQUESTS = 200


@dataclass(frozen=True)
class Target:
    """One user's image to list, and the caller's token and scope for it."""

    image_id: uuid.UUID
    token: str
    scope: Scope


@dataclass(frozen=True)
class Level:
    """One measured run: how many calls, in how long, and their latencies (seconds)."""

    concurrency: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) * 1000 if self.latencies else float("nan")


@dataclass(frozen=True)
class Row:
    http: Level
    store: Level

    @property
    def ratio(self) -> float:
        """Store throughput / HTTP throughput: 2.0 means HTTP and auth halve it."""
        return self.store.rate / self.http.rate if self.http.rate else float("inf")


# --- the data ---------------------------------------------------------------------------


def prepare(server_url: str, secret: str) -> tuple[str, list[Target]]:
    """A database with the schema and 64 users' images and variants; its URL and targets."""
    url = recreate_database(server_url, DATABASE)
    with psycopg.connect(url, autocommit=True) as conn:
        install_supabase_layer(conn)
        push(conn, discover(REPO).migrations)
        targets = [_user_with_images(conn, number, secret) for number in range(USERS)]
    return url, targets


def _user_with_images(
    conn: psycopg.Connection[tuple[object, ...]], number: int, secret: str
) -> Target:
    user = AuthUser(uuid.uuid4(), f"bench-{number}@example.test", {"provider": "email"}, {})
    conn.execute(
        "insert into auth.users (id, email, aud, role) values (%s, %s, 'authenticated',"
        " 'authenticated')",
        [user.id, user.email],
    )
    images = [uuid.uuid4() for _ in range(IMAGES_PER_USER)]
    for image in images:
        conn.execute(
            "insert into public.images (id, user_id, url, storage_path, type)"
            " values (%s, %s, 'https://cdn.example.test/i.png', %s, 'generated')",
            [image, user.id, f"{user.id}/{image}.png"],
        )
        conn.execute(
            "insert into public.video_prompts (image_id, user_id, prompt_text, model_name)"
            " select %s, %s, 'A slow push-in on the face, golden light.', 'bench'"
            " from generate_series(1, %s)",
            [image, user.id, VARIANTS_PER_IMAGE],
        )
    return Target(
        image_id=images[0],
        token=sign_access_token(user, secret),
        scope=Scope.from_claims(access_token_claims(user)),
    )


# --- the server -------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]


def start_server(db_url: str, secret: str) -> Server:
    """``vidprompt serve`` on a free port, as a user runs it against a remote database."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIDPROMPT_", "DATABASE_"))}
    env |= {"VIDPROMPT_JWT_SECRET": secret, "VIDPROMPT_POOL_MAX_SIZE": str(POOL_SIZE)}
    process = subprocess.Popen(
        [sys.executable, "-m", "vidprompt", "serve", "--port", str(port), "--db-url", db_url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"vidprompt serve exited {process.returncode}")
        try:
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                return Server(url, process)
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("vidprompt serve did not become ready")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- the load ---------------------------------------------------------------------------


Call = Callable[[Target], Awaitable[bool]]


async def run_level(
    calls: list[Call], targets: list[Target], *, requests: int, seconds: float
) -> Level:
    """``requests`` calls by one task per entry of ``calls``, each target in turn, stopped
    early at ``seconds``; a call that fails counts as an error, not as a latency."""
    latencies: list[float] = []
    errors = 0
    issued = 0
    started = time.perf_counter()
    deadline = started + seconds

    async def client(number: int, call: Call) -> None:
        nonlocal issued, errors
        while issued < requests and time.perf_counter() < deadline:
            target = targets[(number + issued) % len(targets)]
            issued += 1
            before = time.perf_counter()
            try:
                succeeded = await call(target)
            except httpx.HTTPError:
                succeeded = False
            if succeeded:
                latencies.append(time.perf_counter() - before)
            else:
                errors += 1

    await asyncio.gather(*(client(number, call) for number, call in enumerate(calls)))
    return Level(len(calls), time.perf_counter() - started, latencies, errors)


async def measure(
    server: Server, db_url: str, targets: list[Target], *, requests: int, seconds: float
) -> list[Row]:
    settings = Settings(_env_file=None, pool_min_size=POOL_SIZE, pool_max_size=POOL_SIZE)
    rows = []
    async with Store(db_url, settings=settings) as store:

        async def through_store(target: Target) -> bool:
            variants = await store.list_variants(target.scope, target.image_id)
            return len(variants) == VARIANTS_PER_IMAGE

        for concurrency in CONCURRENCY:
            # One client with one keep-alive connection per task, like that many browsers
            # (a shared httpx pool of 64 connections costs the client more than the server).
            clients = [
                httpx.AsyncClient(
                    base_url=server.url, limits=httpx.Limits(max_connections=1), timeout=30
                )
                for _ in range(concurrency)
            ]
            try:
                over_http = [_caller(client) for client in clients]
                http_level = await _warm_then_measure(over_http, targets, requests, seconds)
            finally:
                await asyncio.gather(*(client.aclose() for client in clients))
            in_store: list[Call] = [through_store] * concurrency
            store_level = await _warm_then_measure(in_store, targets, requests, seconds)
            rows.append(Row(http_level, store_level))
    return rows


def _caller(http: httpx.AsyncClient) -> Call:
    async def over_http(target: Target) -> bool:
        response = await http.get(
            f"/images/{target.image_id}/variants",
            headers={"Authorization": f"Bearer {target.token}"},
        )
        return response.status_code == 200 and response.json()["total"] == VARIANTS_PER_IMAGE

    return over_http


async def _warm_then_measure(
    calls: list[Call], targets: list[Target], requests: int, seconds: float
) -> Level:
    """Warm up first (pool connections, keep-alive, caches), then measure."""
    await run_level(calls, targets, requests=WARMUP_REQUESTS, seconds=10)
    return await run_level(calls, targets, requests=requests, seconds=seconds)


def run_all(
    db_url: str | None, *, bin_dir: Path | None, requests: int, seconds: float
) -> tuple[list[Row], str]:
    """The whole run on a throwaway cluster (or the server ``db_url`` names); rows, version."""
    secret = secrets.token_urlsafe(48)
    with bench_server(db_url, bin_dir=bin_dir) as server_url:
        url, targets = prepare(server_url, secret)
        version = server_version(url)
        api_url = psycopg.conninfo.make_conninfo(url, user="authenticator") if not db_url else url
        server = start_server(api_url, secret)
        try:
            rows = asyncio.run(
                measure(server, api_url, targets, requests=requests, seconds=seconds)
            )
        finally:
            _stop(server)
            drop_database(server_url, DATABASE)
    return rows, version


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()


# --- the report -------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    lines = [
        "| concurrency | HTTP req/s | HTTP p50 | HTTP p99 | store calls/s | store p50 "
        "| store p99 | store/HTTP | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        http, store = row.http, row.store
        lines.append(
            f"| {http.concurrency} | {http.rate:.0f} | {http.p(0.5):.1f} ms "
            f"| {http.p(0.99):.1f} ms | {store.rate:.0f} | {store.p(0.5):.1f} ms "
            f"| {store.p(0.99):.1f} ms "
            f"| {row.ratio:.1f}x | {http.errors + store.errors} |"
        )
    return "\n".join(lines)


def report_section(db_url: str | None) -> tuple[str, str]:
    """The report's section (markdown) and its one-line headline."""
    rows, version = run_all(db_url, bin_dir=None, requests=2000, seconds=15.0)
    busiest = rows[-1]
    markdown = (
        f"PostgreSQL {version}, {describe_client(with_load=True)}. "
        f"`GET /images/{{id}}/variants` ({VARIANTS_PER_IMAGE} variants) with valid tokens of "
        f"{USERS} users; the store column is the same call "
        "without HTTP. Command: `uv run python -m bench.api`.\n\n" + table(rows)
    )
    return markdown, (
        f"{busiest.http.rate:.0f} req/s at concurrency {busiest.http.concurrency} "
        f"(p99 {busiest.http.p(0.99):.0f} ms), {busiest.ratio:.1f}x slower than the store alone"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__)
    parser.add_argument("--pg", type=Path, help="bin folder of another Postgres build")
    parser.add_argument("--db-url", help="superuser URL of a throwaway server to use instead")
    parser.add_argument("--requests", type=int, default=2000, help="calls per level and side")
    parser.add_argument("--seconds", type=float, default=15.0, help="time limit per level")
    args = parser.parse_args(argv)
    rows, version = run_all(
        args.db_url, bin_dir=args.pg, requests=args.requests, seconds=args.seconds
    )
    print(f"\nPostgreSQL {version}, {describe_client(with_load=True)}\n")
    print(table(rows))
    return 0 if all(row.http.errors == row.store.errors == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
