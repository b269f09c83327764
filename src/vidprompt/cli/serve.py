"""``vidprompt serve``: the HTTP API, on uvicorn."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from vidprompt.cli._common import DbUrl, Workdir, checked_settings, err_console, say_notice
from vidprompt.errors import ConfigError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from vidprompt.api import BackgroundService
    from vidprompt.config import Settings

# The login role Supabase's Data API connects as: no privileges of its own, so a request
# can only do what the role its token names may do.
LOCAL_LOGIN_ROLE = "authenticator"


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    db_url: DbUrl = None,
    workdir: Workdir = Path(),
    worker: bool = typer.Option(
        False,
        "--worker/--no-worker",
        help="Also run a generation worker in this process (one machine, no `vidprompt worker`).",
    ),
) -> None:
    """Serve the HTTP API: images and video prompt variants for the app's frontend.

    Requests carry the Supabase session's access token (Authorization: Bearer); Postgres's
    row-level security decides what each caller sees. Tokens are checked with
    VIDPROMPT_JWT_SECRET (HS256) and/or VIDPROMPT_JWKS_URL / VIDPROMPT_JWKS_FILE (ES256,
    RS256); on the local database with the local secret too, so `vidprompt auth token`
    works without configuration. The reference panel is at /, OpenAPI at /openapi.json, docs
    at /docs; logs are JSON. Idle and slow connections are closed (VIDPROMPT_HTTP_KEEP_ALIVE_S,
    VIDPROMPT_HTTP_REQUEST_TIMEOUT_S) and open ones capped (VIDPROMPT_HTTP_MAX_CONNECTIONS);
    on the internet, run it behind a reverse proxy that terminates TLS.

    Example: vidprompt serve --port 8000 --worker
    """

    # Imported here: the web stack and the providers would slow every other command's start.
    from vidprompt.api import configure_logging, create_app
    from vidprompt.api._local_sign_in import LocalSignIn, is_loopback
    from vidprompt.auth import build_verifier, signing_secret
    from vidprompt.database import private_dir, resolve_target, with_params
    from vidprompt.generation import build_worker, local_storage

    settings = checked_settings()
    listener = _listen(host, port)
    target = resolve_target(db_url, workdir, settings, on_notice=say_notice)
    if target.local is not None:
        private_dir(local_storage(workdir).root)  # the local images: the owner's only
    local = target.local is not None
    secret = signing_secret(settings, workdir, local=local)
    verifier = build_verifier(settings, secret=secret)
    _require_schema(target.url)
    url = with_params(target.url, user=LOCAL_LOGIN_ROLE) if local else target.url
    services: list[BackgroundService] = []
    if worker:
        services.append(build_worker(url, settings=settings, workdir=workdir))
    # The panel's e-mail sign-in: only for the local database, only on this machine.
    sign_in = LocalSignIn(target.url, secret) if local and secret and is_loopback(host) else None
    configure_logging()
    app = create_app(
        settings,
        database_url=url,
        verifier=verifier,
        services=services,
        workdir=workdir,
        local_sign_in=sign_in,
    )
    _run(app, settings, listener, panel=f"/#key={sign_in.key}" if sign_in else "/")


def _run(app: FastAPI, settings: Settings, listener: socket.socket, *, panel: str) -> None:
    """Serve ``app`` on uvicorn, saying where only once it listens and the app started.

    ``panel`` is the panel's path as its user must open it (with the local sign-in's key).
    """
    import uvicorn

    from vidprompt.api import server_config

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                host, port = listener.getsockname()[:2]
                shown = f"[{host}]" if ":" in host else host
                address = f"http://{shown}:{port}"
                err_console().print(f"Serving on {address} (docs: /docs)", soft_wrap=True)
                err_console().print(f"Panel: {address}{panel}", soft_wrap=True, highlight=False)

    host, port = listener.getsockname()[:2]
    Server(server_config(app, settings, host=host, port=port)).run(sockets=[listener])


def _listen(host: str, port: int) -> socket.socket:
    """Bind the API's address first, so a taken port fails at once, in one line."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise ConfigError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}.",
            hint="Another program may hold that port: stop it, or pick another with --port N.",
        ) from None
    return sock


def _require_schema(url: str) -> None:
    """Refuse to start (one line) on a database the migrations were not pushed to."""
    from vidprompt.database import connect

    with connect(url) as conn:
        row = conn.execute("select to_regclass('public.video_prompts') is not null").fetchone()
    if not (row and row[0]):
        raise ConfigError(
            "The database has no public.video_prompts table.",
            hint="Push the migrations first: vidprompt db push",
        )
