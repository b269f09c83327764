"""``vidprompt serve`` as a user runs it: on the local database, with a token from
``vidprompt auth token``, over real HTTP; and refusing to start when it could not work."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
import jwt
import pytest

from tests.integration.api._flow import frontend_flow
from vidprompt.generation import BUCKET, local_storage, sample_image

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.acceptance.conftest import Run

Serve = Callable[..., str]


@pytest.fixture
def serve_env(cli_env: dict[str, str]) -> dict[str, str]:
    """The command's environment without any configured key: the local secret must do."""
    drop = ("VIDPROMPT_JWT_SECRET", "VIDPROMPT_JWKS_URL", "VIDPROMPT_JWKS_FILE", "GEMINI_API_KEY")
    return {name: value for name, value in cli_env.items() if name not in drop}


@pytest.fixture
def server_log(tmp_path: Path) -> Path:
    """Where the server's output goes (a file: a pipe nobody reads would fill and block it)."""
    return tmp_path / "serve.log"


@pytest.fixture
def serve(project: Path, serve_env: dict[str, str], server_log: Path) -> Iterator[Serve]:
    """Start ``vidprompt serve ARGS`` on a free port; its base URL once /health answers."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> str:
        port = _free_port()
        with server_log.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "vidprompt", "serve", "--port", str(port), *args],
                cwd=project,
                env=serve_env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(
                    f"serve exited {process.returncode}:\n{server_log.read_text()}"
                )
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    return url
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("serve did not answer /health in time")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=60)


def _logged(log: Path, request_id: str) -> dict[str, object]:
    """The server's JSON log entry for the request with this id (written once it answered)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            entry = json.loads(line) if line.startswith("{") else {}
            if entry.get("request_id") == request_id and entry.get("message") == "request":
                return entry
        time.sleep(0.1)
    raise AssertionError(f"no log entry for request {request_id}:\n{log.read_text()}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.usefixtures("local_database_pushed")
def test_the_frontend_flow_over_http_with_a_token_from_auth_token(
    vidprompt: Run, serve: Serve, project: Path, server_log: Path
) -> None:
    vidprompt("db", "push")
    issued = vidprompt("auth", "token", "--email", "ada@example.test")
    token = issued.stdout
    assert token.endswith("\n")
    assert token.count("\n") == 1
    assert token.strip().count(".") == 2
    secret = project / ".vidprompt" / "jwt-secret"
    assert oct(secret.stat().st_mode & 0o777) == "0o600"

    url = serve()
    me = {"Authorization": f"Bearer {token.strip()}"}
    with httpx.Client(base_url=url, timeout=30) as http:
        assert http.get("/ready").json() == {"status": "ok"}
        frontend_flow(http, me)
        other = vidprompt("auth", "token", "--email", "bob@example.test").stdout.strip()
        image = http.post("/images", json={"url": "https://x.test/a.png", "storage_path": "a"},
                          headers=me).json()  # fmt: skip
        foreign = http.get(f"/images/{image['id']}", headers={"Authorization": f"Bearer {other}"})
        assert foreign.status_code == 404
        assert http.get("/images").json()["code"] == "PGRST302"
        assert http.get("/health", headers={"X-Request-ID": "probe-1"}).status_code == 200
    probe = _logged(server_log, "probe-1")
    assert (probe["message"], probe["path"], probe["status"]) == ("request", "/health", 200)


@pytest.mark.usefixtures("local_database_pushed")
def test_the_same_user_gets_the_same_id_and_tokens_keep_working_across_restarts(
    vidprompt: Run, serve: Serve
) -> None:
    vidprompt("db", "push")
    first = vidprompt("auth", "token", "--email", "ada@example.test").stdout.strip()
    second = vidprompt("auth", "token", "--email", "ADA@example.test").stdout.strip()
    with httpx.Client(base_url=serve(), timeout=30) as http:
        body = {"url": "https://x.test/a.png", "storage_path": "a"}
        created = http.post("/images", json=body, headers={"Authorization": f"Bearer {first}"})
        assert created.status_code == 201
        mine = http.get("/images", headers={"Authorization": f"Bearer {second}"}).json()
        assert [image["id"] for image in mine["items"]] == [created.json()["id"]]


def _refused(project: Path, env: dict[str, str], *args: str) -> str:
    """Run ``vidprompt ARGS`` expecting a clean refusal; its stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "vidprompt", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    return result.stderr


REMOTE = "postgresql://u@127.0.0.1:9/x"


def test_a_remote_database_without_any_key_is_refused_in_one_line(
    project: Path, serve_env: dict[str, str]
) -> None:
    stderr = _refused(project, serve_env, "serve", "--db-url", REMOTE)
    assert stderr.startswith("error: No key to verify access tokens with")
    stderr = _refused(
        project, serve_env, "auth", "token", "--email", "a@b.test", "--db-url", REMOTE
    )
    assert stderr.startswith("error: No secret to sign tokens for this database")


def test_an_invalid_setting_is_named_in_one_line(project: Path, serve_env: dict[str, str]) -> None:
    env = serve_env | {"VIDPROMPT_MAX_BODY_BYTES": "lots"}
    stderr = _refused(project, env, "serve", "--db-url", REMOTE)
    assert stderr.startswith("error: Invalid setting VIDPROMPT_MAX_BODY_BYTES")


def test_a_database_without_the_migrations_is_refused(vidprompt: Run) -> None:
    result = vidprompt("serve", check=False)
    assert result.returncode == 1
    assert "vidprompt db push" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("local_database_pushed")
def test_with_worker_a_generation_request_is_completed_in_the_same_process(
    vidprompt: Run, serve: Serve, project: Path
) -> None:
    """``serve --worker`` on one machine: 202 with the pending variant, later completed
    (by the offline template provider: no Gemini key is configured here)."""
    vidprompt("db", "push")
    token = vidprompt("auth", "token", "--email", "ada@example.test").stdout.strip()
    me = {"Authorization": f"Bearer {token}"}
    user = jwt.decode(token, options={"verify_signature": False})["sub"]
    with httpx.Client(base_url=serve("--worker"), timeout=30, headers=me) as http:
        name = f"{user}/portrait.png"
        stored = local_storage(project).path_of(BUCKET, name)
        stored.parent.mkdir(parents=True)
        stored.write_bytes(sample_image())
        image = http.post("/images", json={"url": "unused", "storage_path": name}).json()
        request = {"kind": "generation", "camera_style": "zoom_in", "film_effects": ["noir"]}
        accepted = http.post(f"/images/{image['id']}/variants", json=request)
        assert accepted.status_code == 202, accepted.text
        assert accepted.json()["status"] == "pending"
        variant = _until_done(http, accepted.headers["Location"])
    assert variant["status"] == "completed", variant
    assert variant["prompt_text"]
    assert (variant["camera_style"], variant["film_effects"]) == ("zoom_in", ["noir"])


def _until_done(http: httpx.Client, location: str) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        variant: dict[str, object] = http.get(location).json()
        if variant["status"] != "pending":
            return variant
        time.sleep(0.2)
    raise AssertionError(f"{location} stayed pending")
