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
        self._known: dict[str, tuple[Claims, float]] = {}

    def __len__(self) -> int:
        return len(self._known)

    def verify(self, token: str) -> Claims:
        known = self._known.get(token)
        if known is not None:
            claims, expires = known
            if self._clock() < expires:
                return claims
            del self._known[token]
            raise AuthError("The token was refused: Signature has expired.", code=CLAIMS_REFUSED)
        claims = self.verifier.verify(token)
        expiry = claims.payload.get("exp")
        if self.remembers and isinstance(expiry, int | float) and not isinstance(expiry, bool):
            if len(self._known) >= self._size:
                del self._known[next(iter(self._known))]  # the oldest
            self._known[token] = (claims, expiry + self.verifier.leeway)
        return claims


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
    if "authorization" not in request.headers:
        raise AuthError("This needs an access token: sign in first.", code=JWT_REQUIRED)
    if credentials is None:
        raise AuthError("The Authorization header must be 'Bearer <token>'.", code=INVALID_JWT)
    tokens: VerifiedTokens = request.app.state.verified_tokens
    if tokens.remembers:
        claims = tokens.verify(credentials.credentials)
    else:  # may fetch the JWKS: keep the event loop free meanwhile
        claims = await run_in_threadpool(tokens.verify, credentials.credentials)
    request.state.user_id = str(claims.user_id)
    return claims


CurrentUser = Annotated[Claims, Depends(caller_claims)]


async def caller_scope(request: Request, credentials: Credentials) -> Scope:
    """The caller's scope, in which Postgres's row-level security decides what they see.

    It checks the token itself rather than depending on :func:`caller_claims`: every
    dependency level costs FastAPI's resolver time on each request of the busiest routes.
    """
    claims = await caller_claims(request, credentials)
    return Scope.from_claims(claims.payload)


ScopeDep = Annotated[Scope, Depends(caller_scope)]


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
