"""Local stand-ins for the HTTP services generation talks to, served on 127.0.0.1.

The real client libraries (google-genai, httpx) are pointed at these, so the tests cover
what goes over the wire without any network.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass
class Reply:
    """One scripted answer: status, body (JSON if a dict), headers, and a delay before it.

    ``drip_s``: the body is sent ``drip_bytes`` at a time with that pause in between, as a
    slow or hostile server would.
    """

    status: int = 200
    body: dict[str, Any] | bytes = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    drip_s: float = 0.0
    drip_bytes: int = 16


@dataclass
class Seen:
    """One request as the stand-in received it, and whether the client hung up unanswered."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    disconnected: bool = False

    def json(self) -> Any:
        return json.loads(self.body)


def gemini_text(text: str, finish: str = "STOP") -> Reply:
    return Reply(
        body={
            "candidates": [
                {"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": finish}
            ],
            "modelVersion": "gemini-2.5-flash",
        }
    )


def gemini_error(code: int, status: str, message: str, **extra: Any) -> Reply:
    return Reply(code, {"error": {"code": code, "status": status, "message": message, **extra}})


class StandIn:
    """A tiny HTTP server: answers with the scripted replies in order, then ``default``.

    ``route(path, reply)`` answers every request for that exact path alike. ``seen`` logs
    every request received; ``most_at_once`` is the most requests it was answering at once.
    """

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply()
        self.replies: list[Reply] = []
        self.routes: dict[str, Reply] = {}
        self.seen: list[Seen] = []
        self.open_now = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self.replies.extend(replies)

    def route(self, path: str, reply: Reply) -> None:
        with self._lock:
            self.routes[path] = reply

    def requests(self, path_part: str = "") -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if path_part in seen.path]

    def _next(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            self.open_now += 1
            self.most_at_once = max(self.most_at_once, self.open_now)
            if seen.path in self.routes:
                return self.routes[seen.path]
            return self.replies.pop(0) if self.replies else self.default

    def _done(self) -> None:
        with self._lock:
            self.open_now -= 1

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length))
                reply = standin._next(seen)
                try:
                    if not (self._client_stays(reply.delay_s) and self._send(reply)):
                        seen.disconnected = True
                finally:
                    standin._done()

            def _client_stays(self, seconds: float) -> bool:
                """Wait ``seconds``; False as soon as the client closes the connection."""
                deadline = time.monotonic() + seconds
                while (left := deadline - time.monotonic()) > 0:
                    readable, _, _ = select.select([self.connection], [], [], min(left, 0.05))
                    if readable and not self.connection.recv(1, socket.MSG_PEEK):
                        return False
                return True

            def _send(self, reply: Reply) -> bool:
                """Answer; False if the client hung up while the body was dripping."""
                body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body)
                payload = body.encode() if isinstance(body, str) else body
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json"} | reply.headers
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                # The client may have given up waiting (timeout tests).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    step = reply.drip_bytes if reply.drip_s else len(payload) or 1
                    for start in range(0, len(payload), step):
                        self.wfile.write(payload[start : start + step])
                        self.wfile.flush()
                        if reply.drip_s and not self._client_stays(reply.drip_s):
                            return False
                return True

            do_GET = do_POST = _answer  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def serve(default: Reply | None = None) -> Iterator[StandIn]:
    with StandIn(default) as standin:
        yield standin
