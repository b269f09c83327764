"""Load from ``hey``, a native (Go) HTTP load generator, so the client costs little CPU.

A Python client on the same two cores as the server competes with it for every request and
hides what the server itself costs; ``hey`` is the Debian package of that name, installed
with apt-get when missing (as root; otherwise the bench says how to install it).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from dataclasses import dataclass

from bench._stats import percentile


@dataclass(frozen=True)
class Load:
    """One run of ``hey``: the successful requests' latencies (seconds) and the rest."""

    concurrency: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def p(self, fraction: float) -> float:
        """A latency percentile in milliseconds."""
        return percentile(self.latencies, fraction) * 1000 if self.latencies else float("nan")


def hey_binary() -> str:
    """The path of ``hey``, installing Debian's package first if it is missing."""
    found = shutil.which("hey")
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise RuntimeError("The API benchmark needs hey: sudo apt-get install hey")
    subprocess.run(["apt-get", "install", "-y", "-q", "hey"], check=True, capture_output=True)
    found = shutil.which("hey")
    if not found:
        raise RuntimeError("apt-get installed hey, but it is not on PATH")
    return found


def version() -> str:
    """hey's Debian package version, for the report (hey itself has no --version)."""
    try:
        shown = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "hey"], capture_output=True, text=True
        )
    except FileNotFoundError:
        return "unknown version"
    return shown.stdout.strip() or "unknown version"


def run(url: str, *, headers: dict[str, str], concurrency: int, seconds: float) -> Load:
    """``concurrency`` keep-alive connections sending GET ``url`` for ``seconds``."""
    command = [hey_binary(), "-z", f"{seconds}s", "-c", str(concurrency), "-o", "csv"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    return parse(done.stdout, concurrency)


def parse(output: str, concurrency: int) -> Load:
    """hey's CSV (one row per request: response-time, ..., status-code, offset)."""
    latencies: list[float] = []
    errors = 0
    end = 0.0
    for row in csv.DictReader(io.StringIO(output)):
        took, offset = float(row["response-time"]), float(row["offset"])
        end = max(end, offset + took)
        if row["status-code"] == "200":
            latencies.append(took)
        else:
            errors += 1
    return Load(concurrency, end, latencies, errors)
