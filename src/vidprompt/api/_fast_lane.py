"""A fast lane for the busiest reads: the same endpoint, without FastAPI's per-request work.

Profiled under load (py-spy, ``GET /images/{id}/variants`` at concurrency 32), FastAPI's own
routing (its included-router matching), the two exit stacks and exception wrapper it opens per
route, and its dependency resolver cost about a fifth of each request's CPU, more than the
query; the middleware layers between the request context and the router (the body limits,
FastAPI's exception and exit-stack layers) cost a further twentieth.

:class:`FastLanes` sits just inside the request context (:class:`RequestContext`: ids, the
access log, the 500 problem), both around FastAPI's whole stack (the app's edge), and offers
each request to its :class:`FastGet` lanes. A lane claims a request only when it is plainly
well-formed: a GET of the route's path with canonical uuids, a query string of the route's
known parameters in their plainest form, one ``Authorization: Bearer <token>`` header and
no body. It then calls the route's own endpoint
with the caller's scope (what the route's dependency :func:`caller_scope` makes of the same
token: :func:`token_scope`) and the store, and answers an error with the app's own handler
for it, found as Starlette's exception middleware finds it, so every error is the same
problem and what sits outside (request ids, logs, CORS) is unchanged. Any other request (a
missing or odd header, an unknown, repeated or out-of-range parameter, a body) goes on
through the middlewares to the FastAPI route, which validates it and answers exactly as
before. The OpenAPI document comes from that route, which stays as it is.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import BaseRoute, Match

from vidprompt.api._deps import token_scope

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence

    from starlette.responses import Response
    from starlette.types import ASGIApp, Receive, Send
    from starlette.types import Scope as ASGIScope

    # A query parameter's reader: the value for the endpoint, or None to fall through.
    QueryReader = Callable[[str], Any]

_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_PATH_PARAM = re.compile(r"\{(\w+)\}")
# What a token can be (base64url segments and dots); anything else takes the full route.
_BEARER = re.compile(r"Bearer ([A-Za-z0-9_.~+/=-]+)")
# Where the lane leaves what it read for the request it claimed.
_ARGUMENTS = "vidprompt.fast_lane"


def bounded_int(low: int, high: int) -> QueryReader:
    """An integer parameter written plainly (no sign, no leading zero) within its bounds."""

    def read(text: str) -> int | None:
        if not (text.isdigit() and text.isascii()) or text[0] == "0" or len(text) > 9:
            return None
        value = int(text)
        return value if low <= value <= high else None

    return read


def bounded_str(max_length: int) -> QueryReader:
    """A non-empty string parameter of at most ``max_length`` characters."""

    def read(text: str) -> str | None:
        return text if 0 < len(text) <= max_length else None

    return read


class FastGet(BaseRoute):
    """Claims the plain GETs of ``path`` (its ``{name}`` parts uuids) for ``endpoint``.

    ``endpoint`` is the route's own function; it is called with the path's uuids, the
    parameters ``query`` reads (those absent keep the endpoint's defaults), ``scope`` and
    ``store``.
    """

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Awaitable[Response]],
        *,
        query: Mapping[str, QueryReader] | None = None,
    ) -> None:
        self.path = path
        self.endpoint = endpoint
        self.query = dict(query or {})
        self._pattern = re.compile(_PATH_PARAM.sub(rf"(?P<\1>{_UUID})", path))

    def matches(self, scope: ASGIScope) -> tuple[Match, ASGIScope]:
        if scope["type"] != "http" or scope["method"] != "GET":
            return Match.NONE, {}
        found = self._pattern.fullmatch(scope["path"])
        if found is None:
            return Match.NONE, {}
        arguments = self._read_query(scope["query_string"])
        token = _plain_token(scope["headers"])
        if arguments is None or token is None:
            return Match.NONE, {}
        arguments |= {name: uuid.UUID(value) for name, value in found.groupdict().items()}
        return Match.FULL, {"endpoint": self.endpoint, _ARGUMENTS: (arguments, token)}

    async def answer(
        self, scope: ASGIScope, receive: Receive, send: Send, *, handlers: Handlers
    ) -> None:
        """Answer a claimed request; an error with a handler in ``handlers`` is its problem."""
        arguments, token = scope[_ARGUMENTS]
        state = scope["app"].state
        try:
            caller = await token_scope(state.verified_tokens, token, scope)
            response = await self.endpoint(**arguments, scope=caller, store=state.store)
        except Exception as exc:
            handler = handlers.find(exc)
            if handler is None:
                raise  # to the request context outside: a 500 that names the request id
            response = await handler(Request(scope, receive, send), exc)
        await response(scope, receive, send)

    def _read_query(self, query_string: bytes) -> dict[str, Any] | None:
        """The endpoint's arguments from a plain query string, or None to fall through."""
        arguments: dict[str, Any] = {}
        if not query_string:
            return arguments
        for part in query_string.decode("latin-1").split("&"):
            name, equals, text = part.partition("=")
            reader = self.query.get(name)
            if reader is None or not equals or name in arguments or "+" in text:
                return None
            value = reader(_unquoted(text))
            if value is None:
                return None
            arguments[name] = value
        return arguments


def _unquoted(text: str) -> str:
    """``text`` percent-decoded as UTF-8; undecodable bytes are left for the full route."""
    if "%" not in text:
        return text
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        return ""


def _plain_token(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The token of the only ``Authorization: Bearer`` header of a request without a body
    (whose limit the full path checks), or None."""
    values = []
    for name, value in headers:
        if name == b"authorization":
            values.append(value)
        elif name == b"transfer-encoding" or (name == b"content-length" and value != b"0"):
            return None
    if len(values) != 1:
        return None
    found = _BEARER.fullmatch(values[0].decode("latin-1"))
    return found.group(1) if found else None


class Handlers:
    """The app's exception handlers (``FastAPI.exception_handlers``) but its 500 one, looked
    up as Starlette's exception middleware looks them up: an HTTPException's status code
    first, then the error's classes, most derived first."""

    def __init__(self, handlers: Mapping[Any, Callable[..., Any]]) -> None:
        self._by_status = {k: v for k, v in handlers.items() if isinstance(k, int) and k != 500}
        self._by_class = {k: v for k, v in handlers.items() if isinstance(k, type)}
        self._by_class.pop(Exception, None)

    def find(self, exc: Exception) -> Callable[..., Awaitable[Response]] | None:
        if isinstance(exc, HTTPException) and exc.status_code in self._by_status:
            return self._by_status[exc.status_code]
        for cls in type(exc).__mro__:
            if cls in self._by_class:
                return self._by_class[cls]
        return None


class FastLanes:
    """Hands a request one of ``lanes`` claims straight to it; any other goes on to ``app``.

    ``handlers`` are the app's exception handlers (``FastAPI.exception_handlers``), read when
    the middleware stack is built: a claimed request's errors become the same problems as
    on the full path. An unexpected error is left to the request context outside, which
    answers it with the same 500 problem as FastAPI's error layer on the full path.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        lanes: Sequence[FastGet],
        handlers: Mapping[Any, Callable[..., Any]],
    ) -> None:
        self.app = app
        self._lanes = lanes
        self._handlers = Handlers(handlers)

    async def __call__(self, scope: ASGIScope, receive: Receive, send: Send) -> None:
        for lane in self._lanes:
            match, child = lane.matches(scope)
            if match is Match.FULL:
                scope.update(child)
                await lane.answer(scope, receive, send, handlers=self._handlers)
                return
        await self.app(scope, receive, send)
