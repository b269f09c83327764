"""The HTTP API under load: ``vidprompt serve`` against the floor of its stack, side by side.

    uv run python -m bench api                        # embedded PostgreSQL 18, a few minutes
    uv run python -m bench.api --pg /usr/lib/postgresql/15/bin --seconds 3

One throwaway database (100 k prompts), two servers on it, each its own process with the
same pool size: ``vidprompt serve`` as a user runs it (one uvicorn worker, JSON logs) and
the floor (``bench/_floor.py``: the same request work on a bare Starlette route, uvicorn with
httptools and uvloop, orjson). ``hey``, a native load generator, sends ``GET
/images/{id}/variants`` (10 variants) with a valid HS256 token at concurrency 1, 32 and 128,
in rounds that alternate which server goes first, so load from other work on the machine
falls on both. Each round's ratio (vidprompt ÷ floor) compares two runs made seconds apart;
the table shows medians over rounds, and each server's own CPU time per answered request
(from /proc), which the rates follow when both are saturated. Servers, hey and Postgres
share the machine's cores.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import psycopg

from bench import _hey
from bench._markdown import shortfall
from bench._server import bench_server, describe_client, drop_database, recreate_database
from bench._server import server_version as postgres_version
from vidprompt.auth import AuthUser, sign_access_token
from vidprompt.database import install_supabase_layer
from vidprompt.migrations import discover, push

if TYPE_CHECKING:
    from bench._hey import Load

REPO = Path(__file__).resolve().parents[1]
DATABASE = "vidprompt_bench_api"
CONCURRENCY = (1, 32, 128)
# Where the goals apply: a single caller measures latency, not the server under load.
LOADED = (32, 128)
RATE_GOAL = 0.9
P99_GOAL = 1.5
PROMPTS = 100_000
USERS = 64
IMAGES_PER_USER = 4
VARIANTS_PER_IMAGE = 10
POOL_SIZE = 10
WARMUP_SECONDS = 2.0
SIDES = ("floor", "vidprompt")


@dataclass(frozen=True)
class Target:
    """The image whose variants are listed, and its owner's token."""

    image_id: uuid.UUID
    token: str


@dataclass(frozen=True)
class Level:
    """One concurrency: each side's load in every round (``rounds[i][side]``)."""

    concurrency: int
    rounds: list[dict[str, Load]]
    # Each side's own CPU (user + system) per answered request in every round, in µs; empty
    # where the kernel does not tell a process's CPU time (no /proc).
    cpu: list[dict[str, float]]

    def median(self, side: str, measure: str) -> float:
        return statistics.median(_measure(r[side], measure) for r in self.rounds)

    def cpu_per_request(self, side: str) -> str:
        """The median over rounds, for the table; "n/a" where it was not measured."""
        if not self.cpu:
            return "n/a"
        return f"{statistics.median(r[side] for r in self.cpu):.0f} µs"

    def ratio(self, measure: str) -> float:
        """Median over rounds of vidprompt ÷ floor, each round's pair measured together."""
        return statistics.median(
            _measure(r["vidprompt"], measure) / _measure(r["floor"], measure) for r in self.rounds
        )

    @property
    def errors(self) -> int:
        return sum(load.errors for r in self.rounds for load in r.values())


def _measure(load: Load, measure: str) -> float:
    if measure == "rate":
        return load.rate
    return load.p(0.5 if measure == "p50" else 0.99)


# --- the data ---------------------------------------------------------------------------


def prepare(server_url: str, secret: str) -> tuple[str, Target]:
    """A database with the schema, 100 k prompts of 64 users, and the image to list."""
    url = recreate_database(server_url, DATABASE)
    with psycopg.connect(url, autocommit=True) as conn:
        install_supabase_layer(conn)
        push(conn, discover(REPO).migrations)
        users = [_user(conn, number) for number in range(USERS)]
        images = [_images(conn, user) for user in users]
        listed = [user_images[0] for user_images in images]
        conn.execute(
            "insert into public.video_prompts (image_id, user_id, prompt_text, model_name)"
            " select i.id, i.user_id, 'A slow push-in on the face, golden light.', 'bench'"
            " from public.images i, generate_series(1, %s) where i.id <> all(%s)",
            [_filler_per_image(), listed],
        )
        conn.execute("vacuum analyze")
    return url, Target(listed[0], sign_access_token(users[0], secret))


def _filler_per_image() -> int:
    listed = USERS * VARIANTS_PER_IMAGE
    return (PROMPTS - listed) // (USERS * (IMAGES_PER_USER - 1))


def _user(conn: psycopg.Connection[tuple[object, ...]], number: int) -> AuthUser:
    user = AuthUser(uuid.uuid4(), f"bench-{number}@example.test", {"provider": "email"}, {})
    conn.execute(
        "insert into auth.users (id, email, aud, role) values (%s, %s, 'authenticated',"
        " 'authenticated')",
        [user.id, user.email],
    )
    return user


def _images(conn: psycopg.Connection[tuple[object, ...]], user: AuthUser) -> list[uuid.UUID]:
    images = [uuid.uuid4() for _ in range(IMAGES_PER_USER)]
    for image in images:
        conn.execute(
            "insert into public.images (id, user_id, url, storage_path, type)"
            " values (%s, %s, 'https://cdn.example.test/i.png', %s, 'generated')",
            [image, user.id, f"{user.id}/{image}.png"],
        )
    conn.execute(
        "insert into public.video_prompts (image_id, user_id, prompt_text, model_name)"
        " select %s, %s, repeat('A slow push-in on the face, golden light. ', 8), 'bench'"
        " from generate_series(1, %s)",
        [images[0], user.id, VARIANTS_PER_IMAGE],
    )
    return images


# --- the servers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]


def start(side: str, db_url: str, secret: str) -> Server:
    """``vidprompt serve``, or the floor, on a free port."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIDPROMPT_", "DATABASE_"))}
    env |= {
        "VIDPROMPT_JWT_SECRET": secret,
        "VIDPROMPT_POOL_MIN_SIZE": str(POOL_SIZE),
        "VIDPROMPT_POOL_MAX_SIZE": str(POOL_SIZE),
    }
    if side == "vidprompt":
        command = ["-m", "vidprompt", "serve", "--port", str(port), "--db-url", db_url]
    else:
        command = ["-m", "bench._floor", "--port", str(port), "--db-url", db_url]
        command += ["--pool-size", str(POOL_SIZE)]
    process = subprocess.Popen(
        [sys.executable, *command],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{side} exited {process.returncode}")
        try:
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                return Server(url, process)
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{side} did not become ready")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _cpu_seconds(server: Server) -> float | None:
    """The server process's CPU time so far (user + system), from /proc; None without it."""
    try:
        stat = Path(f"/proc/{server.process.pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()


# --- the load ---------------------------------------------------------------------------


def measure(
    servers: dict[str, Server], target: Target, *, rounds: int, seconds: float
) -> list[Level]:
    headers = {"Authorization": f"Bearer {target.token}"}
    path = f"/images/{target.image_id}/variants"

    def load(side: str, concurrency: int, duration: float) -> tuple[Load, float | None]:
        """hey's measure, and the server's CPU per answered request in µs (if known)."""
        url = servers[side].url + path
        before = _cpu_seconds(servers[side])
        measured = _hey.run(url, headers=headers, concurrency=concurrency, seconds=duration)
        after = _cpu_seconds(servers[side])
        if before is None or after is None or not measured.latencies:
            return measured, None
        return measured, (after - before) / len(measured.latencies) * 1e6

    levels = []
    for concurrency in CONCURRENCY:
        for side in SIDES:  # warm: pool connections, keep-alive, caches
            load(side, concurrency, WARMUP_SECONDS)
        loads: list[dict[str, Load]] = []
        cpu: list[dict[str, float]] = []
        for number in range(rounds):
            order = SIDES if number % 2 == 0 else SIDES[::-1]
            done = {side: load(side, concurrency, seconds) for side in order}
            loads.append({side: measured for side, (measured, _) in done.items()})
            used = {side: spent for side, (_, spent) in done.items() if spent is not None}
            if len(used) == len(SIDES):
                cpu.append(used)
        levels.append(Level(concurrency, loads, cpu if len(cpu) == rounds else []))
    return levels


def run_all(
    db_url: str | None, *, bin_dir: Path | None, rounds: int, seconds: float
) -> tuple[list[Level], str]:
    """The whole run on a throwaway cluster (or the server ``db_url`` names); levels, version."""
    _hey.hey_binary()
    secret = secrets.token_urlsafe(48)
    with bench_server(db_url, bin_dir=bin_dir) as server_url:
        url, target = prepare(server_url, secret)
        version = postgres_version(url)
        api_url = psycopg.conninfo.make_conninfo(url, user="authenticator") if not db_url else url
        servers: dict[str, Server] = {}
        try:
            for side in SIDES:
                servers[side] = start(side, api_url, secret)
            levels = measure(servers, target, rounds=rounds, seconds=seconds)
        finally:
            for server in servers.values():
                _stop(server)
            drop_database(server_url, DATABASE)
    return levels, version


# --- the report -------------------------------------------------------------------------


def table(levels: list[Level]) -> str:
    lines = [
        "| concurrency | floor req/s | vidprompt req/s | **req/s ratio** | floor p50 "
        "| vidprompt p50 | floor p99 | vidprompt p99 | **p99 ratio** | floor CPU/request "
        "| vidprompt CPU/request | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in levels:
        lines.append(
            f"| {level.concurrency} | {level.median('floor', 'rate'):.0f} "
            f"| {level.median('vidprompt', 'rate'):.0f} | **{level.ratio('rate'):.2f}** "
            f"| {level.median('floor', 'p50'):.1f} ms | {level.median('vidprompt', 'p50'):.1f} ms "
            f"| {level.median('floor', 'p99'):.1f} ms | {level.median('vidprompt', 'p99'):.1f} ms "
            f"| **{level.ratio('p99'):.2f}** | {level.cpu_per_request('floor')} "
            f"| {level.cpu_per_request('vidprompt')} | {level.errors} |"
        )
    return "\n".join(lines)


def verdict(levels: list[Level]) -> str:
    """Which goal each loaded concurrency meets or misses, and by how much."""
    parts = []
    for level in levels:
        if level.concurrency not in LOADED:
            continue
        rate, p99 = level.ratio("rate"), level.ratio("p99")
        rate_text, rate_miss = shortfall(rate, RATE_GOAL)
        p99_text, p99_miss = shortfall(p99, P99_GOAL, above=False)
        rate_word = "meets" if rate >= RATE_GOAL else f"misses by {rate_miss}"
        p99_word = "meets" if p99 <= P99_GOAL else f"misses by {p99_miss}"
        parts.append(
            f"at {level.concurrency}: throughput {rate_text} ({rate_word} ≥ {RATE_GOAL}), "
            f"p99 {p99_text} ({p99_word} ≤ {P99_GOAL})"
        )
    return "; ".join(parts)


def describe(levels: list[Level], version: str, *, rounds: int, seconds: float) -> str:
    return (
        f"PostgreSQL {version}, {describe_client(with_load=True)}; load generator `hey` "
        f"{_hey.version()} (Debian), keep-alive, {rounds} alternating rounds of {seconds:.0f} s "
        f"per server and concurrency after a {WARMUP_SECONDS:.0f} s warm-up. "
        f"`GET /images/{{id}}/variants` ({VARIANTS_PER_IMAGE} variants of one of {USERS} users, "
        f"{PROMPTS:,} prompts in all) with one valid HS256 token, which both servers remember "
        f"once verified; both have a pool of {POOL_SIZE} connections. Ratios are vidprompt ÷ "
        f"floor (median of per-round ratios). CPU/request is the server process's own CPU "
        f"time (user and system, not Postgres's) in a round over the requests it answered: "
        f"at saturation, what bounds its throughput on a shared machine. "
        f"Goals at concurrency {' and '.join(map(str, LOADED))}: throughput ≥ {RATE_GOAL}, "
        f"p99 ≤ {P99_GOAL}. Command: `uv run python -m bench api`.\n\n"
        + table(levels)
        + f"\n\nGoals: {verdict(levels)}."
    )


# Many short rounds rather than a few long ones: on a shared two-core machine one round's
# ratio moves by a tenth or more either way, however long it runs, so the median over four
# or eight rounds still moved by as much as the goals allow from one run to the next.
ROUNDS = 16
SECONDS = 3.0


def report_section(db_url: str | None) -> tuple[str, str]:
    """The report's section (markdown) and its one-line headline."""
    levels, version = run_all(db_url, bin_dir=None, rounds=ROUNDS, seconds=SECONDS)
    return describe(levels, version, rounds=ROUNDS, seconds=SECONDS), headline(levels)


def headline(levels: list[Level]) -> str:
    busiest = levels[-1]
    return (
        f"{busiest.median('vidprompt', 'rate'):.0f} req/s at concurrency {busiest.concurrency} "
        f"(p99 {busiest.median('vidprompt', 'p99'):.0f} ms; hey), "
        f"{busiest.ratio('rate'):.2f}x the floor's throughput, p99 {busiest.ratio('p99'):.2f}x "
        f"the floor's"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__)
    parser.add_argument("--pg", type=Path, help="bin folder of another Postgres build")
    parser.add_argument("--db-url", help="superuser URL of a throwaway server to use instead")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds per concurrency")
    parser.add_argument("--seconds", type=float, default=SECONDS, help="seconds per run")
    args = parser.parse_args(argv)
    levels, version = run_all(
        args.db_url, bin_dir=args.pg, rounds=args.rounds, seconds=args.seconds
    )
    print(describe(levels, version, rounds=args.rounds, seconds=args.seconds))
    return 0 if all(level.errors == 0 for level in levels) else 1


if __name__ == "__main__":
    sys.exit(main())
