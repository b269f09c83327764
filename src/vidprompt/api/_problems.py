"""RFC 9457 problem details: the one error shape of every response, with a stable ``code``.

Domain errors are mapped to HTTP here, in registered handlers, never in the data code. A
response never carries a stack trace, SQL or a driver message: unexpected errors are logged
with the request id and answered with a bare 500 that names that id.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.routing import Match

from vidprompt.auth import KeysUnavailable
from vidprompt.errors import (
    AuthError,
    Conflict,
    DatabaseError,
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    QuotaExceeded,
    StoreError,
    VidpromptError,
)
from vidprompt.prompts import (
    DatabaseBusy,
    IdempotencyKeyReused,
    PermissionDenied,
    RequestInProgress,
    StatementTimeout,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from fastapi import FastAPI
    from starlette.requests import Request

log = logging.getLogger("vidprompt.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"

# The stable code of each domain error, under the status that answers it; the most specific
# class wins (MRO order).
_CODES_BY_STATUS: dict[int, dict[type[VidpromptError], str]] = {
    400: {StoreError: "refused"},
    403: {PermissionDenied: "permission_denied"},
    404: {NotFound: "not_found"},
    409: {RequestInProgress: "request_in_progress", Conflict: "conflict"},
    422: {InvalidInput: "invalid_input", IdempotencyKeyReused: "idempotency_key_reused"},
    429: {QuotaExceeded: "quota_exceeded"},
    500: {DatabaseError: "database_error"},
    503: {
        DatabaseUnavailable: "database_unavailable",
        DatabaseBusy: "database_busy",
        StatementTimeout: "statement_timeout",
        KeysUnavailable: "keys_unavailable",
    },
}
_DOMAIN = {
    error: (status, code)
    for status, codes in _CODES_BY_STATUS.items()
    for error, code in codes.items()
}

# Retry-After (seconds) of 429 and 503 answers, and of the errors named here: a busy pool
# or a request in progress frees up in moments, the rest (a quota, an outage) takes longer.
_RETRY_AFTER: dict[type[VidpromptError], int] = {DatabaseBusy: 1, RequestInProgress: 1}
_DEFAULT_RETRY_AFTER = 30

# Codes for the HTTP errors the framework raises itself (no route, wrong method, ...).
_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "body_too_large",
    415: "unsupported_media_type",
}


# The methods a 405's Allow header may name.
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class FieldError(BaseModel):
    """One invalid value: where it is (``field``) and what is wrong with it."""

    field: str = Field(examples=["text"])
    message: str = Field(examples=["String should have at most 2000 characters"])


class Problem(BaseModel):
    """An error response (RFC 9457); ``code`` is stable and meant for programs."""

    type: str = Field(examples=["urn:vidprompt:problem:not_found"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["Image not found."])
    code: str = Field(examples=["not_found"])
    instance: str | None = Field(default=None, examples=["/images/0f8e…"])
    request_id: str | None = None
    errors: list[FieldError] | None = None


def problem(
    request: Request,
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response for ``request``."""
    body = Problem(
        type=f"urn:vidprompt:problem:{code}",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", None),
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        headers=dict(headers or {}),
        media_type=PROBLEM_MEDIA_TYPE,
    )


async def _auth_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthError)
    return _unauthorized(request, exc.code, exc.message)


def _unauthorized(request: Request, code: str, message: str) -> JSONResponse:
    # RFC 6750's challenge, as PostgREST sends it: clients know to get a fresh token. The
    # description is a quoted string in a header: no quotes, backslashes or non-ASCII in it.
    description = message.replace('"', "'").replace("\\", "/").encode("ascii", "replace")
    challenge = f'Bearer error="invalid_token", error_description="{description.decode()}"'
    return problem(request, 401, code, message, headers={"WWW-Authenticate": challenge})


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, VidpromptError)
    status, code = next(
        (_DOMAIN[cls] for cls in type(exc).__mro__ if cls in _DOMAIN), (500, "internal_error")
    )
    if status >= 500:
        log.error("request failed: %s", exc.message, exc_info=status == 500)
    field = getattr(exc, "field", None)
    errors = [FieldError(field=field, message=exc.message)] if field else None
    after = next((_RETRY_AFTER[cls] for cls in type(exc).__mro__ if cls in _RETRY_AFTER), None)
    if after is None and status in (429, 503):
        after = _DEFAULT_RETRY_AFTER
    headers = {"Retry-After": str(after)} if after is not None else None
    return problem(request, status, code, exc.message, errors=errors, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [FieldError(field=_printable(_field(e)), message=e["msg"]) for e in exc.errors()]
    detail = "; ".join(f"{error.field}: {error.message}" for error in errors)
    return problem(request, 422, "invalid_input", detail or "Invalid request.", errors=errors)


def _field(error: Mapping[str, Any]) -> str:
    """Where the error is: ``("body", "film_effects", 3)`` -> ``film_effects.3``; a missing or
    unknown ``kind`` of a union body is reported at ``kind``, not at the whole body."""
    parts = [str(part) for part in error["loc"]][1:]
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        parts.append(str(error.get("ctx", {}).get("discriminator", "kind")).strip("'"))
    return ".".join(parts) or str(error["loc"][0] if error["loc"] else "request")


def _printable(text: str) -> str:
    """``text`` with anything UTF-8 cannot hold (a lone surrogate of a JSON key) replaced,
    so the problem itself can always be sent."""
    return text.encode("utf-8", "replace").decode("utf-8")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem(request, exc.status_code, code, detail, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves on this path (Starlette names only the first route's).

    Asked of the routes themselves, one method at a time, so nested routers count too.
    """
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error as problem+json: the expected ones with their own code, any other
    (FastAPI hands it to its outermost error layer) as :func:`internal_error`."""
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(VidpromptError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)


def internal_error(request: Request) -> JSONResponse:
    """The answer to an unexpected error: a bare 500 that names only the request id (the
    error itself is logged with it, by ``RequestContext``)."""
    return problem(request, 500, "internal_error", "Something went wrong on our side.")


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette's error layer sends this, then raises ``exc`` again, for RequestContext
    # outside it to log.
    return internal_error(request)
