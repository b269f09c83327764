"""What the report says about the machine, so numbers from elsewhere can be compared."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from bench._server import connect

if TYPE_CHECKING:
    from bench._server import Conn


@dataclass(frozen=True)
class Machine:
    cpu_model: str
    cores: int
    memory_gib: float
    system: str
    python: str
    psycopg: str
    postgres: str
    settings: dict[str, str]
    load_before: tuple[float, float, float]


SHOWN_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "maintenance_work_mem",
    "synchronous_commit",
    "fsync",
    "jit",
    "autovacuum",
)


def describe(server_url: str) -> Machine:
    with connect(server_url) as conn:
        version = _one(conn, "select version()")
        settings = {name: _one(conn, f"show {name}") for name in SHOWN_SETTINGS}
    return Machine(
        cpu_model=_cpu_model(),
        cores=os.cpu_count() or 1,
        memory_gib=round(_memory_bytes() / 2**30, 1),
        system=platform.platform(terse=True),
        python=sys.version.split()[0],
        psycopg=metadata.version("psycopg"),
        postgres=version,
        settings=settings,
        load_before=os.getloadavg(),
    )


def _one(conn: Conn, query: str) -> str:
    row = conn.execute(query).fetchone()
    return str(row[0]) if row else "unknown"


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_bytes() -> int:
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return 0
