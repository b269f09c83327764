"""The application factory: settings in, a FastAPI app with every route and safeguard out."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.middleware import Middleware

from vidprompt import __version__
from vidprompt.api._deps import VerifiedTokens
from vidprompt.api._fast_lane import FastLanes
from vidprompt.api._middleware import REQUEST_ID_HEADER, RequestContext
from vidprompt.api._openapi import install_openapi
from vidprompt.api._problems import install_problem_handlers
from vidprompt.api._uploads import UploadAwareBodyLimit
from vidprompt.api.routes import (
    health,
    images,
    panel,
    suggestions,
    uploads,
    variants,
    vocabulary,
)
from vidprompt.api.routes.variants import IDEMPOTENCY_HEADER, REPLAYED_HEADER
from vidprompt.auth import build_verifier
from vidprompt.errors import ConfigError
from vidprompt.generation import ActionSuggester, image_sources, local_storage
from vidprompt.prompts import Store
from vidprompt.storage import LocalUploads, ObjectWriter, SupabaseUploads

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Sequence
    from contextlib import AbstractAsyncContextManager

    from fastapi.telemetry import TelemetryConfig
    from starlette.types import ASGIApp

    from vidprompt.api._local_sign_in import LocalSignIn
    from vidprompt.auth import TokenVerifier
    from vidprompt.config import Settings
    from vidprompt.database import Database
    from vidprompt.storage import ImageData, ImageRef, ImageSource

DESCRIPTION = """\
Video prompts for the images of a Supabase app, for the app's frontend.

Send the Supabase session's access token as `Authorization: Bearer <token>`; Postgres's
row-level security decides what the caller sees, exactly as with Supabase's Data API.
Without a token the caller is anonymous, which sees nothing: every route but the
vocabulary and the health checks answers 401 (`PGRST302`). Every error is an RFC 9457
problem (`application/problem+json`) with a stable `code`.
"""


class App(FastAPI):
    """FastAPI with an edge: middleware around the whole stack FastAPI builds.

    FastAPI's own outer layers (its last-resort error layer, exception telemetry and body
    limit) come first in its stack, before any added middleware. The edge goes around them:
    the request context (ids, access log) then sees every request, its error included, and
    a fast lane's request reaches its endpoint without passing those layers, which have
    nothing to do for it. Measured under load, they cost the busiest read about a
    thirtieth of its CPU.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.edge: list[Middleware] = []  # outermost first, as in ``middleware=``

    def add_edge_middleware(self, cls: Any, **options: Any) -> None:
        """Add ``cls`` around the edge so far, as ``add_middleware`` adds inside the rest."""
        if self.middleware_stack is not None:
            raise RuntimeError("Cannot add middleware after an application has started")
        self.edge.insert(0, Middleware(cls, **options))

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for cls, args, options in reversed(self.edge):
            app = cls(app, *args, **options)
        return app


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
    workdir: Path | None = None,
    local_sign_in: LocalSignIn | None = None,
) -> App:
    """The API over ``database_url`` (default: ``settings.database_url``).

    ``verifier`` defaults to one built from the settings' secret and JWKS; the command line
    passes its own to add the local database's secret. ``services`` start after the store
    opens and close, in reverse order, before it closes. ``workdir`` is the project folder
    whose ``.vidprompt/storage`` holds local storage (default: the current folder).
    ``local_sign_in`` lets the panel sign in with an e-mail address (the local database only).
    """
    url = database_url or settings.database_url
    if not url:
        raise ConfigError("No database to serve: pass --db-url or set DATABASE_URL.")
    store = Store(url, settings=settings)
    folder = workdir or Path()
    sources = _StoreImages(image_sources(settings, folder), store)
    suggester = ActionSuggester(store, settings=settings, images=sources)
    app = App(
        title="vidprompt",
        version=__version__,
        description=DESCRIPTION,
        lifespan=_lifespan(store, suggester, services),
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        telemetry=_telemetry(settings),
    )
    verifier = verifier or build_verifier(settings, secret=settings.jwt_secret)
    app.state.settings = settings
    app.state.verifier = verifier
    app.state.verified_tokens = VerifiedTokens(verifier)
    app.state.store = store
    app.state.suggester = suggester
    app.state.images = sources
    app.state.local_sign_in = local_sign_in
    app.state.uploads = _object_writer(settings, store, folder)
    install_problem_handlers(app)
    _install_routes(app)
    install_openapi(app)
    _install_middleware(app, settings)
    return app


def _telemetry(settings: Settings) -> TelemetryConfig:
    """FastAPI's native OpenTelemetry, on only where the settings ask for it.

    FastAPI's default is on, but then it asks OpenTelemetry on every request whether any
    provider is configured: with none (as usual) that finds nothing, at about 15 µs of a
    listing's CPU under load, 3% of the request.
    """
    enabled = settings.opentelemetry
    return {"tracing": enabled, "metrics": enabled, "logs": enabled}


def _lifespan(
    store: Store, suggester: ActionSuggester, services: Sequence[BackgroundService]
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Open the store, then start the services; stop them in reverse, then close it."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await store.open()
        started: list[BackgroundService] = []
        try:
            for service in services:
                await service.start()
                started.append(service)
            # What exists now (modules, the app, its routes and models) lives as long as the
            # process: kept out of the collector's sweeps, it no longer lengthens the pauses
            # of full collections that show in the slowest responses.
            gc.freeze()
            yield
        finally:
            for service in reversed(started):
                await service.close()
            await suggester.aclose()
            await store.close()

    return lifespan


def _install_routes(app: FastAPI) -> None:
    # Uploads before images: that route takes only the multipart requests of POST /images.
    for module in (health, uploads, images, variants, suggestions, vocabulary, panel):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(panel.STATIC)), name="static")


def _install_middleware(app: App, settings: Settings) -> None:
    app.add_middleware(
        UploadAwareBodyLimit,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.upload_max_bytes,
    )
    # The edge, added innermost first. The fast lanes claim only plain, bodiless requests
    # of their FastAPI routes. With OpenTelemetry on they stay out, so every request's span
    # and metrics name its route. CORS answers preflights before anything else looks at them.
    if not settings.opentelemetry:
        app.add_edge_middleware(
            FastLanes, lanes=variants.FAST_LANES, handlers=app.exception_handlers
        )
    app.add_edge_middleware(RequestContext)
    if settings.cors_origins:
        app.add_edge_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", REQUEST_ID_HEADER, IDEMPOTENCY_HEADER],
            expose_headers=[REQUEST_ID_HEADER, "Retry-After", "Location", REPLAYED_HEADER],
            max_age=600,
        )


def _object_writer(settings: Settings, store: Store, workdir: Path) -> ObjectWriter:
    """Where uploads go: the project's Supabase Storage when configured, else local storage."""
    if settings.supabase_url:
        return SupabaseUploads(settings.supabase_url, settings.supabase_anon_key)
    return LocalUploads(store, local_storage(workdir))


class _StoreImages:
    """The worker's image sources over the store's database, which exists once it opens.

    Storage is read only for objects the image's owner may read, asked in the owner's scope
    through that database: the API serves and describes images with the worker's own check.
    """

    def __init__(self, sources: Callable[[Database], ImageSource], store: Store) -> None:
        self._sources = sources
        self._store = store

    async def fetch(self, image: ImageRef) -> ImageData:
        return await self._sources(self._store.database).fetch(image)
