"""The application factory: settings in, a FastAPI app with every route and safeguard out."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Protocol

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from vidprompt import __version__
from vidprompt.api._middleware import REQUEST_ID_HEADER, BodyLimit, RequestContext
from vidprompt.api._openapi import install_openapi
from vidprompt.api._problems import install_problem_handlers
from vidprompt.api.routes import health, images, variants, vocabulary
from vidprompt.api.routes.variants import IDEMPOTENCY_HEADER, REPLAYED_HEADER
from vidprompt.auth import build_verifier
from vidprompt.errors import ConfigError
from vidprompt.prompts import Store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from vidprompt.auth import TokenVerifier
    from vidprompt.config import Settings

DESCRIPTION = """\
Video prompts for the images of a Supabase app, for the app's frontend.

Send the Supabase session's access token as `Authorization: Bearer <token>`; Postgres's
row-level security decides what the caller sees, exactly as with Supabase's Data API.
Without a token the caller is anonymous, which sees nothing: every route but the
vocabulary and the health checks answers 401 (`PGRST302`). Every error is an RFC 9457
problem (`application/problem+json`) with a stable `code`.
"""


class BackgroundService(Protocol):
    """Something that runs beside the API for its lifetime (the in-process worker)."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...


def create_app(
    settings: Settings,
    *,
    database_url: str | None = None,
    verifier: TokenVerifier | None = None,
    services: Sequence[BackgroundService] = (),
) -> FastAPI:
    """The API over ``database_url`` (default: ``settings.database_url``).

    ``verifier`` defaults to one built from the settings' secret and JWKS; the command line
    passes its own to add the local database's secret. ``services`` start after the store
    opens and close, in reverse order, before it closes.
    """
    url = database_url or settings.database_url
    if not url:
        raise ConfigError("No database to serve: pass --db-url or set DATABASE_URL.")
    store = Store(url, settings=settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await store.open()
        started: list[BackgroundService] = []
        try:
            for service in services:
                await service.start()
                started.append(service)
            yield
        finally:
            for service in reversed(started):
                await service.close()
            await store.close()

    app = FastAPI(
        title="vidprompt",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.verifier = verifier or build_verifier(settings, secret=settings.jwt_secret)
    app.state.store = store
    install_problem_handlers(app)
    for module in (health, images, variants, vocabulary):
        app.include_router(module.router)
    install_openapi(app)
    # Added innermost first: CORS answers preflights before anything else looks at them.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContext)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", REQUEST_ID_HEADER, IDEMPOTENCY_HEADER],
            expose_headers=[REQUEST_ID_HEADER, "Retry-After", "Location", REPLAYED_HEADER],
            max_age=600,
        )
    return app
