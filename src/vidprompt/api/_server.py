"""Serving the app with uvicorn, with limits so idle or slow clients cannot hold every socket.

uvicorn closes a kept-alive connection that stays idle, but waits forever for a request that
never completes: a client that connects and sends nothing, or drips its headers a byte at a
time (slowloris), keeps its socket and file descriptor until the process runs out. Here a
request must arrive whole (headers and body) within ``http_request_timeout_s`` of the
connection opening or of the previous response; the number of open connections is capped
(beyond it, uvicorn answers 503); request heads are at most 16 KiB. A reverse proxy in front
(nginx, Caddy, a cloud load balancer) remains the advice for the internet: it buffers slow
clients and terminates TLS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    import asyncio

    from fastapi import FastAPI

    from vidprompt.config import Settings

# The largest request line and headers h11 buffers before refusing the request (400).
MAX_REQUEST_HEAD_BYTES = 16 * 1024
# Their states in which a client has sent its whole request (or can send no more).
_REQUEST_READ = frozenset({h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR})


def request_deadline_protocol(timeout_s: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol, closing a connection whose request is not read in time."""

    class DeadlineProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._watch()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._watch()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._watch()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _watch(self) -> None:
            """Arm the deadline while a request is awaited or being read, else disarm it."""
            if self.conn.their_state in _REQUEST_READ:
                self._disarm()
            elif self._deadline is None:
                self._deadline = self.loop.call_later(timeout_s, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            self._deadline = None
            if self.conn.their_state not in _REQUEST_READ and not self.transport.is_closing():
                self.transport.close()

    return DeadlineProtocol


def server_config(app: FastAPI, settings: Settings, *, host: str, port: int) -> uvicorn.Config:
    """uvicorn's configuration for ``app`` with the connection limits of ``settings``."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=request_deadline_protocol(settings.http_request_timeout_s),
        limit_concurrency=settings.http_max_connections,
        timeout_keep_alive=settings.http_keep_alive_s,
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD_BYTES,
        log_config=None,
        access_log=False,
        server_header=False,
    )
