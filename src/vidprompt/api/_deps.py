"""Request dependencies: the caller (from the bearer token), their scope, and the services."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from vidprompt.auth import CLAIMS_REFUSED, INVALID_JWT, JWT_REQUIRED, Claims, TokenVerifier
from vidprompt.config import Settings
from vidprompt.database import Database, Scope
from vidprompt.errors import AuthError
from vidprompt.prompts import Store

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.types import Scope as ASGIScope


class VerifiedTokens:
    """Tokens already verified with the fixed keys, remembered (at most ``size``) until
    they expire, as PostgREST's JWT cache does: checking an HS256 token's signature and
    claims costs more than the rest of authorising a request.

    A token is remembered by its exact text, so a changed byte is verified afresh; a refused
    token is never remembered. Of the checks, only the expiry can turn with time (``nbf``
    and ``iat`` are lower bounds, passed already), so it is checked on every use, with the
    verifier's leeway. Only fixed keys: keys from a JWKS URL may be rotated away while the
    process runs, so such a verifier checks every request.
    """

    def __init__(
        self, verifier: TokenVerifier, *, size: int = 4096, clock: Callable[[], float] = time.time
    ) -> None:
        self.verifier = verifier
        self.remembers = verifier.remote is None
        self._size = size
        self._clock = clock
        self._known: dict[str, _Known] = {}

    def __len__(self) -> int:
        return len(self._known)

    def verify(self, token: str) -> Claims:
        return self._lookup(token).claims

    def scope(self, token: str) -> tuple[str, Scope]:
        """The caller's id (as text, for the access log) and the scope the token's claims
        make, both remembered with the token."""
        known = self._lookup(token)
        if known.scope is None:
            known.scope = Scope.from_claims(known.claims.payload)
            known.user_id = str(known.claims.user_id)
        return known.user_id, known.scope

    def _lookup(self, token: str) -> _Known:
        known = self._known.get(token)
        if known is not None:
            if self._clock() < known.expires:
                return known
            del self._known[token]
            raise AuthError("The token was refused: Signature has expired.", code=CLAIMS_REFUSED)
        claims = self.verifier.verify(token)
        expiry = claims.payload.get("exp")
        known = _Known(claims, float("inf"))
        if self.remembers and isinstance(expiry, int | float) and not isinstance(expiry, bool):
            if len(self._known) >= self._size:
                del self._known[next(iter(self._known))]  # the oldest
            known.expires = expiry + self.verifier.leeway
            self._known[token] = known
        return known


class _Known:
    """A verified token's claims, when they expire, and (once asked for) their scope and the
    caller's id as text."""

    __slots__ = ("claims", "expires", "scope", "user_id")

    def __init__(self, claims: Claims, expires: float) -> None:
        self.claims = claims
        self.expires = expires
        self.scope: Scope | None = None
        self.user_id = ""


bearer = HTTPBearer(
    auto_error=False,
    scheme_name="SupabaseAccessToken",
    bearerFormat="JWT",
    description="The access token of the caller's Supabase session (`session.access_token`).",
)


Credentials = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]


async def caller_claims(request: Request, credentials: Credentials) -> Claims:
    """The verified claims of the bearer token.

    Without a token the caller is anonymous, and anonymous access is off (PGRST302, as
    PostgREST answers without an anon role): it would see nothing anyway, and refusing
    first means a 401 comes before any validation error.
    """
    tokens, token = _bearer(request, credentials)
    if tokens.remembers:
        claims = tokens.verify(token)
    else:  # may fetch the JWKS: keep the event loop free meanwhile
        claims = await run_in_threadpool(tokens.verify, token)
    request.state.user_id = str(claims.user_id)
    return claims


CurrentUser = Annotated[Claims, Depends(caller_claims)]


async def caller_scope(request: Request, credentials: Credentials) -> Scope:
    """The caller's scope, in which Postgres's row-level security decides what they see.

    It checks the token itself rather than depending on :func:`caller_claims`: every
    dependency level costs FastAPI's resolver time on each request of the busiest routes.
    """
    tokens, token = _bearer(request, credentials)
    return await token_scope(tokens, token, request.scope)


async def token_scope(tokens: VerifiedTokens, token: str, asgi: ASGIScope) -> Scope:
    """The scope of bearer ``token``, read from the request whose ASGI scope is ``asgi``
    already (the fast lanes read it themselves); the caller's id is kept in the request's
    state for the access log."""
    if tokens.remembers:
        user_id, scope = tokens.scope(token)
    else:  # may fetch the JWKS: keep the event loop free meanwhile
        user_id, scope = await run_in_threadpool(tokens.scope, token)
    asgi.setdefault("state", {})["user_id"] = user_id
    return scope


ScopeDep = Annotated[Scope, Depends(caller_scope)]


def _bearer(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> tuple[VerifiedTokens, str]:
    """The app's verified tokens and the request's bearer token, or the 401 of its absence."""
    if "authorization" not in request.headers:
        raise AuthError("This needs an access token: sign in first.", code=JWT_REQUIRED)
    if credentials is None:
        raise AuthError("The Authorization header must be 'Bearer <token>'.", code=INVALID_JWT)
    tokens: VerifiedTokens = request.app.state.verified_tokens
    return tokens, credentials.credentials


# The accessors are async only so that FastAPI calls them inline: it runs plain functions
# in its thread pool, which costs more than they do.
async def app_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(app_store)]


async def app_database(store: StoreDep) -> Database:
    return store.database


DatabaseDep = Annotated[Database, Depends(app_database)]


async def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
