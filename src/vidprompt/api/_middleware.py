"""ASGI middleware: request ids and access logs, and the request body size limit."""

from __future__ import annotations

import logging
import random
import re
import time
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request

from vidprompt.api._logging import log_request, request_id_var
from vidprompt.api._problems import internal_error, problem

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("vidprompt.api")

REQUEST_ID_HEADER = "X-Request-ID"
# A client's id is kept only if it is short and plain, so it cannot forge log lines.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_REQUEST_ID_KEY = REQUEST_ID_HEADER.lower().encode()


def _new_request_id() -> str:
    """32 random hex digits, as ``uuid4().hex`` gives, from Python's own generator.

    An id only tells requests apart in logs; it guards nothing, so it needs no system
    entropy: ``secrets`` reads the kernel's on every call, a syscall per request that cost
    about 3% of a listing's CPU under load.
    """
    return f"{random.getrandbits(128):032x}"


def _header(scope: Scope, name: bytes) -> str:
    """The first value of header ``name`` (lower case), as Starlette's ``Headers`` reads it."""
    for key, value in scope["headers"]:
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return ""


class RequestContext:
    """Gives each request an id (the client's ``X-Request-ID`` or a new one), returns it in
    the response, logs one structured line per request, and logs any unexpected error with
    its traceback, answering it (unless an inner layer has) with a 500 problem that names
    the id instead."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, _REQUEST_ID_KEY)
        request_id = given if given and _CLIENT_ID.fullmatch(given) else _new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (_REQUEST_ID_KEY, request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unexpected error")
            if not response_started:
                await internal_error(Request(scope))(scope, receive, send_with_id)
        finally:
            log_request(
                log,
                {
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": scope["state"].get("user_id"),
                },
            )
            request_id_var.reset(token)


class BodyTooLarge(HTTPException):
    """The request body is larger than the server accepts."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")


class BodyLimit:
    """Refuses a body over ``max_bytes`` before anything parses it: at once when its
    Content-Length says so, else (chunked) as soon as the bytes read pass the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLarge(self.max_bytes)
        response = problem(
            Request(scope),
            413,
            "body_too_large",
            str(error.detail),
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)
