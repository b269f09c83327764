"""Every command against every kind of bad input: one or two clean lines, never a traceback.

Each case asserts what a user sees: a non-zero exit, no traceback, a few lines at most,
and a message naming the setting, file or host at fault. Most cases run the command in the
test's process, where ``main`` turns a failure into the same lines; a traceback left to the
interpreter, a server's start-up, another user, a mount and a wait each run it as a process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import httpx
import pytest

from tests._cli import run_vidprompt

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from tests.acceptance.conftest import Run

# Every command, with the arguments it needs to get going.
COMMANDS: dict[str, tuple[str, ...]] = {
    "serve": ("serve", "--port", "0"),
    "auth token": ("auth", "token", "--email", "ada@example.com"),
    "db start": ("db", "start"),
    "db stop": ("db", "stop"),
    "db status": ("db", "status"),
    "db url": ("db", "url"),
    "db reset": ("db", "reset"),
    "db push": ("db", "push"),
    "db lint": ("db", "lint"),
    "migration new": ("migration", "new", "add_profiles"),
    "migration list": ("migration", "list"),
    "types update": ("types", "update"),
    "verify": ("verify",),
    "worker": ("worker",),
    "demo": ("demo",),
}
# The commands that talk to any database (--db-url); the worker's own retry policy for
# an unreachable server is tested with the worker.
REMOTE = ("serve", "auth token", "db push", "db lint", "migration list", "types update", "verify")
# The commands that need the PostgreSQL programs (they run or look at the local database).
LOCAL = (
    "db start",
    "db stop",
    "db status",
    "db url",
    "db reset",
    "db push",
    "migration list",
    "verify",
    "demo",
)
NEEDS_PROJECT = tuple(name for name in COMMANDS if name not in ("migration new", "demo"))
MAX_LINES = 4


def assert_one_clear_error(result: subprocess.CompletedProcess[str], *names: str) -> None:
    output = (
        f"{' '.join(map(str, result.args))}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    assert result.returncode != 0, output
    assert "Traceback" not in result.stderr + result.stdout, output
    assert len(result.stderr.strip().splitlines()) <= MAX_LINES, output
    assert "error:" in result.stderr, output
    for name in names:
        assert name in result.stderr, output


@pytest.fixture
def env(cli_env: dict[str, str]) -> dict[str, str]:
    """A serve that gets as far as its database: it has a key to check tokens with."""
    return cli_env | {"VIDPROMPT_JWT_SECRET": "s" * 40, "COLUMNS": "80"}


def run(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``vidprompt ARGS`` as a process of its own: for what only a process shows (a
    traceback left to the interpreter, a server's start-up, another user, a mount)."""
    return subprocess.run(
        [sys.executable, "-m", "vidprompt", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def status_with_dotenv(
    project: Path, env: dict[str, str], content: str | bytes
) -> subprocess.CompletedProcess[str]:
    """``vidprompt db status`` with ``content`` as the project's .env (text as UTF-8)."""
    data = content.encode() if isinstance(content, str) else content
    (project / ".env").write_bytes(data)
    return run_vidprompt(project, "db", "status", env=env)


def run_each(
    commands: Iterable[str], cwd: Path, env: dict[str, str], *extra: str
) -> Iterator[subprocess.CompletedProcess[str]]:
    """Run each command (with ``extra`` arguments) in this process, one after another: what
    it prints and its exit status are what ``main`` makes of the failure, and a new
    interpreter for each of some sixty refusals was most of this file's time."""
    for name in commands:
        yield run_vidprompt(cwd, *COMMANDS[name], *extra, env=env)


def run_each_process(
    commands: Iterable[str], cwd: Path, env: dict[str, str], *extra: str
) -> Iterator[subprocess.CompletedProcess[str]]:
    """Run each command as a process, all at once: for failures that take a wait each."""
    names = list(commands)
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        yield from pool.map(lambda name: run(cwd, env, *COMMANDS[name], *extra), names)


def test_an_invalid_setting_is_named(project: Path, env: dict[str, str]) -> None:
    for result in run_each(COMMANDS, project, env | {"VIDPROMPT_POOL_MAX_SIZE": "many"}):
        assert_one_clear_error(result, "VIDPROMPT_POOL_MAX_SIZE")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VIDPROMPT_WORKER_LEASE_S", "inf"),  # the worker's claims then failed in Postgres
        ("VIDPROMPT_JOB_TIMEOUT_S", "nan"),
        ("VIDPROMPT_WORKER_MAX_USER_SHARE", "nan"),
    ],
)
def test_an_infinite_or_nan_duration_is_refused(
    name: str, value: str, project: Path, env: dict[str, str]
) -> None:
    for result in run_each(["worker", "db status"], project, env | {name: value}):
        assert_one_clear_error(result, name)


def test_a_short_jwt_secret_is_refused_by_every_command_naming_it(
    project: Path, env: dict[str, str]
) -> None:
    """auth token used to sign with it (serve refused it, without naming the variable)."""
    short = env | {"VIDPROMPT_JWT_SECRET": "short"}
    for result in run_each(["auth token", "serve", "db status"], project, short):
        assert_one_clear_error(result, "VIDPROMPT_JWT_SECRET", "32")
        assert "eyJ" not in result.stdout  # no token signed


def test_a_jwks_url_error_hides_its_credentials(project: Path, env: dict[str, str]) -> None:
    for url in ("http://u:SECRETJ@example.com/jwks", "https://u:SECRETJ@[::1/jwks"):
        result = run_vidprompt(project, "serve", env=env | {"VIDPROMPT_JWKS_URL": url})
        assert_one_clear_error(result, "VIDPROMPT_JWKS_URL")
        assert "SECRETJ" not in result.stderr + result.stdout


def test_an_invalid_setting_in_dotenv_and_a_list_that_is_not_json(
    project: Path, env: dict[str, str]
) -> None:
    status = status_with_dotenv(project, env, "VIDPROMPT_CONNECT_TIMEOUT=soon\n")
    assert_one_clear_error(status, "VIDPROMPT_CONNECT_TIMEOUT")
    (project / ".env").unlink()
    result = run_vidprompt(project, "serve", env=env | {"VIDPROMPT_CORS_ORIGINS": "notjson"})
    assert_one_clear_error(result, "VIDPROMPT_CORS_ORIGINS")


def test_a_pool_minimum_above_its_maximum_names_both(project: Path, env: dict[str, str]) -> None:
    result = run_vidprompt(project, "db", "status", env=env | {"VIDPROMPT_POOL_MIN_SIZE": "20"})
    assert_one_clear_error(result, "VIDPROMPT_POOL_MAX_SIZE", "VIDPROMPT_POOL_MIN_SIZE (20)")
    equal = {"VIDPROMPT_POOL_MIN_SIZE": "20", "VIDPROMPT_POOL_MAX_SIZE": "20"}
    same = run_vidprompt(project, "db", "status", env=env | equal)
    assert "Invalid setting" not in same.stderr


def test_a_dotenv_that_is_not_a_plain_file_is_named(project: Path, env: dict[str, str]) -> None:
    """A named pipe blocked every command for ever; a folder was skipped without a word."""
    os.mkfifo(project / ".env")
    piped = run(project, env, "db", "status")  # a process: a hang ends in its timeout
    assert_one_clear_error(piped, ".env", "not a plain file")
    (project / ".env").unlink()
    (project / ".env").mkdir()
    folder = run_vidprompt(project, "db", "status", env=env)
    assert_one_clear_error(folder, ".env", "not a plain file")


def test_a_dotenv_line_the_parser_cannot_read_is_named_not_dropped(
    project: Path, env: dict[str, str]
) -> None:
    """Such a line was dropped with a warning, and its setting silently left unset."""
    result = status_with_dotenv(
        project, env, 'VIDPROMPT_CONNECT_TIMEOUT=5\nGEMINI_API_KEY "sk-secret\n'
    )
    assert_one_clear_error(result, ".env line 2")
    assert "sk-secret" not in result.stderr + result.stdout
    fine = status_with_dotenv(
        project, env, '\ufeff# ok\nexport VIDPROMPT_CONNECT_TIMEOUT=5\nX="a b"\n'
    )
    assert ".env" not in fine.stderr, fine.stderr


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("VIDPROMPT_POOL_MAXSIZE=5", "VIDPROMPT_POOL_MAX_SIZE?"),  # a typo: did you mean
        ("VIDPROMPT_POOL_MAX_SIZE", "no value"),
        ("VIDPROMPT_DEBUG=1", "environment only"),
    ],
)
def test_a_dotenv_line_that_sets_nothing_is_named(
    line: str, named: str, project: Path, env: dict[str, str]
) -> None:
    """Each was skipped without a word, its setting left as it was."""
    result = status_with_dotenv(project, env, f"VIDPROMPT_CONNECT_TIMEOUT=5\n{line}\nOTHER_APP=1\n")
    assert_one_clear_error(result, ".env line 2", named)


def test_a_dotenv_that_is_not_utf8_is_named(project: Path, env: dict[str, str]) -> None:
    result = status_with_dotenv(project, env, b"VIDPROMPT_CONNECT_TIMEOUT=5\nNAME=M\xfcller\n")
    assert_one_clear_error(result, ".env", "UTF-8", "line 2")
    assert "Unexpected error" not in result.stderr


def test_a_dotenv_with_a_utf16_byte_order_mark_is_named(project: Path, env: dict[str, str]) -> None:
    result = status_with_dotenv(project, env, "VIDPROMPT_CONNECT_TIMEOUT=5\n".encode("utf-16"))
    assert_one_clear_error(result, ".env", "UTF-16")


def test_a_dotenv_linked_to_nothing_is_named_not_skipped(
    project: Path, env: dict[str, str]
) -> None:
    (project / ".env").symlink_to(project / "settings-that-were-moved.env")
    result = run_vidprompt(project, "db", "status", env=env)
    assert_one_clear_error(result, ".env", "does not exist")


def test_a_dotenv_in_utf16_is_named_not_read_as_empty(project: Path, env: dict[str, str]) -> None:
    """Without a byte-order mark UTF-16 decodes as UTF-8 with NULs, read as no settings."""
    result = status_with_dotenv(project, env, "VIDPROMPT_CONNECT_TIMEOUT=abc\n".encode("utf-16-le"))
    assert_one_clear_error(result, ".env", "UTF-8", "line 1")


@pytest.mark.parametrize("url", ["not a url", "http://example.com/db"])
def test_a_malformed_database_url_is_named(url: str, project: Path, env: dict[str, str]) -> None:
    for result in run_each([*REMOTE, "worker"], project, env, "--db-url", url):
        assert_one_clear_error(result, url, "--db-url")


def test_a_refused_connection_names_the_host(project: Path, env: dict[str, str]) -> None:
    port = _closed_port()
    url = f"postgresql://u:p@127.0.0.1:{port}/x"
    for result in run_each(REMOTE, project, env, "--db-url", url):
        assert_one_clear_error(result, f"127.0.0.1:{port}")
        assert "u:p@" not in result.stderr  # the password is never shown


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A stand-in that accepts connections and never answers; its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    listener.close()
    for conn in accepted:
        conn.close()


def test_a_server_that_never_answers_times_out(
    project: Path, env: dict[str, str], silent_server: int
) -> None:
    url = f"postgresql://u:p@127.0.0.1:{silent_server}/x"
    timeout = env | {"VIDPROMPT_CONNECT_TIMEOUT": "2"}
    for result in run_each_process(REMOTE, project, timeout, "--db-url", url):
        assert_one_clear_error(result, f"127.0.0.1:{silent_server}", "within 2 s")
    assert "Serving on" not in result.stderr


def test_missing_postgres_programs_name_the_setting(project: Path, env: dict[str, str]) -> None:
    for result in run_each(LOCAL, project, env | {"VIDPROMPT_PG_BIN_DIR": "/nonexistent"}):
        assert_one_clear_error(result, "VIDPROMPT_PG_BIN_DIR", "/nonexistent")


def test_a_mistyped_workdir_is_refused_and_never_created(
    project: Path, env: dict[str, str]
) -> None:
    typo = project.parent / "projcet"
    for result in run_each(NEEDS_PROJECT, project, env, "--workdir", str(typo)):
        assert_one_clear_error(result, str(typo), "supabase/")
    assert not typo.exists()


def test_a_folder_without_supabase_is_refused_but_migration_new_starts_one(
    project: Path, env: dict[str, str]
) -> None:
    empty = project.parent / "empty"
    empty.mkdir()
    assert_one_clear_error(run_vidprompt(empty, "db", "push", env=env), str(empty))
    assert list(empty.iterdir()) == []
    created = run_vidprompt(empty, "migration", "new", "first", env=env)
    assert created.returncode == 0, created.stderr
    assert len(list((empty / "supabase" / "migrations").glob("*_first.sql"))) == 1


def test_push_without_a_migrations_folder_says_so(project: Path, env: dict[str, str]) -> None:
    for migration in (project / "supabase" / "migrations").iterdir():
        migration.unlink()
    (project / "supabase" / "migrations").rmdir()
    result = run_vidprompt(project, "db", "push", env=env)
    assert_one_clear_error(result, "supabase/migrations")
    assert "up to date" not in result.stdout


def test_a_folder_the_user_may_not_write_is_one_line(project: Path, env: dict[str, str]) -> None:
    """A non-root user on a root-made project (as root: the command drops to the user
    nobody once loaded, as Python's own folder may be closed to nobody), else a folder
    made read-only for its owner."""
    if os.geteuid() == 0:
        project.chmod(0o755)
        command = [sys.executable, "-c", AS_NOBODY]
    else:
        project.chmod(0o555)
        command = [sys.executable, "-m", "vidprompt"]
    try:
        result = subprocess.run(
            [*command, "db", "start"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        project.chmod(0o755)
    assert_one_clear_error(result, "Permission denied", str(project / ".vidprompt"))
    assert not (project / ".vidprompt").exists()


AS_NOBODY = """
import os, pwd, sys
from vidprompt.cli import main
# What `db start` and the error report load, which the command line imports only on use.
import psycopg, pydantic_settings, rich.console, rich.markup, vidprompt.config
from vidprompt.database import local_server, start_local, driver_error
nobody = pwd.getpwnam("nobody")
os.setgroups([])
os.setgid(nobody.pw_gid)
os.setuid(nobody.pw_uid)
sys.argv[0] = "vidprompt"
main()
"""


def _in_own_mounts(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a mount namespace of its own, so its mounts vanish with it."""
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-ec", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_read_only_workdir_is_one_line(project: Path, env: dict[str, str]) -> None:
    vidprompt = f"{sys.executable} -m vidprompt"
    script = (
        f"mount --bind '{project}' '{project}'\n"
        f"mount -o remount,bind,ro '{project}'\n"
        f"exec {vidprompt} db start"
    )
    result = _in_own_mounts(script, env, project)
    assert_one_clear_error(result, "Read-only file system", str(project / ".vidprompt"))


def test_a_full_disk_is_one_line_and_leaves_no_half_written_secret(
    project: Path, cli_env: dict[str, str], reachable_tmp: Path
) -> None:
    """``auth token`` writes the local secret on first use; on a full disk it says so, and
    leaves no temporary file behind. (A first token signed with a configured secret
    creates the user while there is room: the database's own writes fail cleanly too,
    but that is not this test's point.)"""
    disk = reachable_tmp / f"disk-{project.parent.name}"
    disk.mkdir()
    vidprompt = f"{sys.executable} -m vidprompt"
    workdir = f"--workdir '{disk}/project'"
    script = f"""
        mount -t tmpfs -o size=160m,mode=0711 tmpfs '{disk}'
        mkdir '{disk}/project' && cp -r '{project}/supabase' '{disk}/project/'
        {vidprompt} db start {workdir} >/dev/null
        VIDPROMPT_JWT_SECRET={"c" * 40} {vidprompt} auth token --email ada@example.com \
            {workdir} >/dev/null
        dd if=/dev/zero of='{disk}/filler' bs=4k 2>/dev/null || true
        i=0; while printf x > '{disk}/filler'$i 2>/dev/null; do i=$((i+1)); done
        set +e
        {vidprompt} auth token --email ada@example.com {workdir}
        status=$?
        ls -A '{disk}/project/.vidprompt' > '{project}/left'
        rm -f '{disk}'/filler*
        {vidprompt} db stop {workdir} >/dev/null
        exit $status
    """
    result = _in_own_mounts(script, cli_env, project)
    assert_one_clear_error(result, "No space left on device", "jwt-secret")
    left = (project / "left").read_text().split()
    assert "pgdata" in left
    assert [name for name in left if "jwt-secret" in name] == []  # nor a .jwt-secret.* draft


def test_debug_shows_the_traceback(project: Path, env: dict[str, str]) -> None:
    url = ("--db-url", "not a url")
    assert "Traceback" in run(project, env, "--debug", "db", "push", *url).stderr
    assert "Traceback" in run(project, env | {"VIDPROMPT_DEBUG": "1"}, "db", "push", *url).stderr
    assert "Traceback" not in run(project, env, "db", "push", *url).stderr


@pytest.mark.usefixtures("local_database_pushed")
def test_serve_on_a_port_in_use_is_one_line_without_serving_on(
    vidprompt: Run, project: Path, env: dict[str, str]
) -> None:
    vidprompt("db", "push")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run(project, env, "serve", "--port", str(port))
    assert_one_clear_error(result, f"127.0.0.1:{port}", "--port")
    assert "Serving on" not in result.stderr


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.usefixtures("local_database_pushed")
def test_serve_says_where_it_serves_only_once_it_answers(
    vidprompt: Run, project: Path, env: dict[str, str]
) -> None:
    vidprompt("db", "push")
    process = subprocess.Popen(
        [sys.executable, "-m", "vidprompt", "serve", "--port", "0"],
        cwd=project,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stderr is not None
        line = ""
        while not line.startswith("Serving on"):
            line = process.stderr.readline()
            assert line, "serve exited without saying where it serves"
        base = line.split()[2]
        assert httpx.get(f"{base}/health", timeout=10).status_code == 200  # no retry needed
    finally:
        process.terminate()
        process.wait(timeout=60)
