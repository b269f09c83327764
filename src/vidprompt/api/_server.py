"""Serving the app with uvicorn, with limits so idle or slow clients cannot hold every socket.

uvicorn closes a kept-alive connection that stays idle, but waits forever for a request that
never completes: a client that connects and sends nothing, or drips its headers a byte at a
time (slowloris), keeps its socket and file descriptor until the process runs out. Here a
request must arrive whole (headers and body) within ``http_request_timeout_s`` of the
connection opening or of the previous response; the number of open connections is capped
(beyond it, uvicorn answers 503); request heads are at most 16 KiB (beyond, 400). A reverse
proxy in front (nginx, Caddy, a cloud load balancer) remains the advice for the internet: it
buffers slow clients and terminates TLS.

The protocol is uvicorn's httptools one (llhttp, in C) on uvloop: on a small machine the
pure-Python h11 parser and asyncio's loop cost a large share of each request's CPU.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

if TYPE_CHECKING:
    import asyncio

    from fastapi import FastAPI

    from vidprompt.config import Settings

# The largest request line and headers the server reads before refusing the request (400).
MAX_REQUEST_HEAD_BYTES = 16 * 1024


class HeadTooLarge(Exception):
    """The request line and headers are longer than the server reads."""


class DeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing a connection whose request is not read within
    :attr:`timeout_s` and refusing a request head over :data:`MAX_REQUEST_HEAD_BYTES`.

    One timer per connection checks the time the current wait began; a quick request merely
    moves that time, so keeping a connection alive costs no timer of its own per request.

    A head that is still arriving is measured by the bytes received since it began, and each
    line the parser hands over (the request line, every header line, and every trailer line
    of a chunked body, which the parser hands over the same way) is counted as it comes. The
    hooks run for every request: they count inline and call uvicorn's own by name, not
    through ``super()``, which makes an object per call on Python 3.11.
    """

    timeout_s: float = 30.0
    _deadline: asyncio.TimerHandle | None = None
    # Between requests and while one is read, until its last byte: the deadline runs.
    _reading = True
    # When the wait for the current request began (the connection, or the last response).
    _since = 0.0
    # While a request's line and headers are read: the bytes received since they began.
    _in_head = True
    _head_bytes = 0
    # What the parser has handed over: the request line and headers of the current request,
    # then (counted afresh) its trailers.
    _counted = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._since = self.loop.time()
        self._deadline = self.loop.call_later(self.timeout_s, self._check)

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            # A head still incomplete after this many bytes is too large (one long header
            # line is counted here too, before the parser hands it over).
            self._head_bytes += len(data)
        HttpToolsProtocol.data_received(self, data)
        if self._in_head and self._head_bytes > MAX_REQUEST_HEAD_BYTES:
            self._refuse_head()

    def on_url(self, url: bytes) -> None:
        self._counted += len(url)
        if self._counted > MAX_REQUEST_HEAD_BYTES:
            raise HeadTooLarge  # raised inside the parser's callback: uvicorn's 400
        HttpToolsProtocol.on_url(self, url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._counted += len(name) + len(value) + 4
        if self._counted > MAX_REQUEST_HEAD_BYTES:
            raise HeadTooLarge
        HttpToolsProtocol.on_header(self, name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = self._counted = 0  # trailers, then the next request, count afresh
        HttpToolsProtocol.on_headers_complete(self)

    def on_message_complete(self) -> None:
        self._reading = False
        self._in_head = True
        self._counted = 0
        HttpToolsProtocol.on_message_complete(self)

    def on_response_complete(self) -> None:
        HttpToolsProtocol.on_response_complete(self)
        self._reading = True
        self._since = self.loop.time()
        if self._deadline is None and not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.timeout_s, self._check)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        super().connection_lost(exc)

    def _refuse_head(self) -> None:
        if not self.transport.is_closing():
            self.send_400_response("Request head too large.")

    def _check(self) -> None:
        """Close the connection if its wait is over; else look again when it would be.

        While a request is handled no wait runs: its response arms the timer again.
        """
        self._deadline = None
        if not self._reading or self.transport.is_closing():
            return
        left = self._since + self.timeout_s - self.loop.time()
        if left <= 0:
            self.transport.close()
        else:
            self._deadline = self.loop.call_later(left, self._check)


def request_deadline_protocol(timeout_s: float) -> type[DeadlineProtocol]:
    """:class:`DeadlineProtocol` with the deadline ``timeout_s``."""
    return type("DeadlineProtocol", (DeadlineProtocol,), {"timeout_s": timeout_s})


def server_config(app: FastAPI, settings: Settings, *, host: str, port: int) -> uvicorn.Config:
    """uvicorn's configuration for ``app`` with the connection limits of ``settings``."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=request_deadline_protocol(settings.http_request_timeout_s),
        loop="auto",  # uvloop where it is installed (not on Windows), else asyncio's
        limit_concurrency=settings.http_max_connections,
        timeout_keep_alive=settings.http_keep_alive_s,
        log_config=None,
        access_log=False,
        server_header=False,
    )
