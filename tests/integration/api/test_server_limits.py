"""``serve``'s connection limits, on a real uvicorn socket (F7): idle and slow clients are
closed, open connections are capped, and a normal request still works meanwhile."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import TYPE_CHECKING

import httpx
import pytest
import uvicorn

from vidprompt.api import create_app, server_config
from vidprompt.api._server import MAX_REQUEST_HEAD_BYTES

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vidprompt.config import Settings

# How long a test waits for the server to act; far above the limits configured below.
PATIENCE_S = 20.0
HEALTH = b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n"


@pytest.fixture
def server(api_settings: Settings) -> Iterator[tuple[str, int]]:
    settings = api_settings.model_copy(
        update={"http_request_timeout_s": 0.5, "http_keep_alive_s": 1, "http_max_connections": 4}
    )
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    host, port = listener.getsockname()
    config = server_config(create_app(settings), settings, host=host, port=port)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not running.started:
        thread.join(0.05)
    yield host, port
    running.should_exit = True
    thread.join(PATIENCE_S)
    listener.close()


def _connect(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=PATIENCE_S)


def _read_until_closed(client: socket.socket) -> bytes:
    """Everything the server sends before it closes the connection."""
    received = b""
    while chunk := client.recv(65536):
        received += chunk
    return received


def _health_ok(address: tuple[str, int]) -> bool:
    host, port = address
    return httpx.get(f"http://{host}:{port}/health", timeout=PATIENCE_S).status_code == 200


def test_a_connection_that_sends_nothing_is_closed(server: tuple[str, int]) -> None:
    with _connect(server) as silent:
        assert _health_ok(server)
        assert _read_until_closed(silent) == b""


def test_headers_dripped_slowly_are_cut_off_before_any_answer(server: tuple[str, int]) -> None:
    with _connect(server) as slow:
        slow.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n")
        try:
            for n in range(int(PATIENCE_S / 0.1)):
                slow.sendall(f"X-Drip-{n}: x\r\n".encode())
                time.sleep(0.1)
        except OSError:  # the server closed it: writing fails
            pass
        assert b"HTTP/1.1" not in _read_until_closed(slow)


def test_a_body_that_never_completes_is_closed(server: tuple[str, int]) -> None:
    with _connect(server) as slow:
        slow.sendall(
            b"POST /images HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{"
        )
        answer = _read_until_closed(slow)
    assert b" 200 " not in answer
    assert b" 201 " not in answer


def test_an_idle_kept_alive_connection_is_closed_after_its_answer(
    server: tuple[str, int],
) -> None:
    with _connect(server) as kept:
        kept.sendall(HEALTH)
        answer = _read_until_closed(kept)
    assert answer.startswith(b"HTTP/1.1 200")


def test_requests_on_a_kept_alive_connection_still_work(server: tuple[str, int]) -> None:
    host, port = server
    with httpx.Client(base_url=f"http://{host}:{port}", timeout=PATIENCE_S) as client:
        assert [client.get("/health").status_code for _ in range(3)] == [200, 200, 200]


def test_open_connections_are_capped_and_freed(server: tuple[str, int]) -> None:
    """Beyond the cap uvicorn answers 503 at once; once the idle ones are closed, it serves."""
    idle = [_connect(server) for _ in range(4)]
    try:
        with _connect(server) as extra:
            extra.sendall(HEALTH)
            assert extra.recv(65536).startswith(b"HTTP/1.1 503")
    finally:
        for client in idle:
            assert _read_until_closed(client) == b""
            client.close()
    assert _health_ok(server)


def test_a_request_head_over_the_limit_is_refused(server: tuple[str, int]) -> None:
    """One header line longer than the head limit: 400, never the route's answer."""
    with _connect(server) as large:
        header = b"X-Large: " + b"a" * (MAX_REQUEST_HEAD_BYTES + 1) + b"\r\n"
        # The server may close it while the head is still arriving.
        with contextlib.suppress(OSError):
            large.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n" + header + b"\r\n")
        answer = _read_until_closed(large)
    assert b" 200 " not in answer
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400")


def test_many_headers_over_the_limit_are_refused(server: tuple[str, int]) -> None:
    headers = _headers(200)
    with _connect(server) as many:
        with contextlib.suppress(OSError):
            many.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n" + headers + b"\r\n")
        answer = _read_until_closed(many)
    assert b" 200 " not in answer


def _headers(count: int, size: int = 100) -> bytes:
    return b"".join(f"X-Many-{n}: {'b' * size}\r\n".encode() for n in range(count))


def test_a_head_over_the_limit_behind_a_small_request_in_one_write_is_refused(
    server: tuple[str, int],
) -> None:
    """Pipelined: the large head arrives in the same write as the small request before it."""
    large = b"GET /health HTTP/1.1\r\nHost: test\r\n" + _headers(200) + b"\r\n"
    with _connect(server) as client:
        with contextlib.suppress(OSError):
            client.sendall(HEALTH + large)
        answer = _read_until_closed(client)
    assert answer.count(b" 200 ") <= 1  # the small request's answer, never the large one's


def test_pipelined_heads_within_the_limit_in_one_write_are_all_answered(
    server: tuple[str, int],
) -> None:
    """Together over the limit, each one within it: nothing is refused."""
    within = b"GET /health HTTP/1.1\r\nHost: test\r\n" + _headers(100) + b"\r\n"
    last = b"GET /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    assert len(within) < MAX_REQUEST_HEAD_BYTES < 2 * len(within)
    with _connect(server) as client:
        client.sendall(HEALTH + within + within + last)
        answer = _read_until_closed(client)
    assert answer.count(b"HTTP/1.1 200 OK") == 4


def test_a_chunked_bodys_trailers_over_the_limit_are_refused(server: tuple[str, int]) -> None:
    """The parser hands trailer lines over as it hands over headers: they are bounded too, so
    a client cannot grow the server's memory with an endless trailer section."""
    head = b"GET /health HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
    trailers = b"a:b\r\n" * (MAX_REQUEST_HEAD_BYTES // 2)  # each line counted as 6 bytes
    with _connect(server) as client:
        with contextlib.suppress(OSError):
            client.sendall(head + b"1\r\na\r\n0\r\n" + trailers)
        answer = _read_until_closed(client)
    assert b"HTTP/1.1 400" in answer


def test_a_head_within_the_limit_with_a_large_body_in_one_write_is_read(
    server: tuple[str, int],
) -> None:
    """Only the head counts: a body sent in the same write as the head is not part of it."""
    body = b'{"url": "' + b"u" * (MAX_REQUEST_HEAD_BYTES * 2) + b'"}'
    request = (
        b"POST /images HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    with _connect(server) as client:
        client.sendall(request)
        answer = _read_until_closed(client)
    # Not signed in: the API's own 401 (or the body limit's 413), not the server's 400.
    assert answer.split(b"\r\n", 1)[0] in (
        b"HTTP/1.1 401 Unauthorized",
        b"HTTP/1.1 413 Content Too Large",
    )
