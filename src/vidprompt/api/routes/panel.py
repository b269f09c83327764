"""The reference panel: its page and files at ``/``, how it signs in, and image bytes."""

# FastAPI and pydantic read this module's annotations at run time: imports stay real.
# ruff: noqa: TC001, TC003

from __future__ import annotations

import uuid
from importlib import resources
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from vidprompt.api._deps import ScopeDep, SettingsDep, StoreDep
from vidprompt.api._local_sign_in import LocalSignIn, is_loopback
from vidprompt.api._openapi import problems
from vidprompt.errors import GenerationError, NotFound
from vidprompt.prompts.vocabulary import storable
from vidprompt.storage import ImageRef, ImageSource

STATIC = resources.files("vidprompt.api").joinpath("static")

router = APIRouter(tags=["panel"])


class PanelConfig(BaseModel):
    """How the panel signs in: ``local`` (an e-mail address) or ``supabase`` (password)."""

    sign_in: Literal["local", "supabase", "none"]
    supabase_url: str | None = None
    supabase_anon_key: str | None = None


class LocalSignInRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # auth.users.email is varchar(255); a NUL no text column can hold.
    email: Annotated[str, Field(min_length=3, max_length=255), AfterValidator(storable)]
    key: Annotated[str, Field(max_length=200)] = ""  # the one `vidprompt serve` printed


class LocalSession(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the scheme, not a secret


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(str(STATIC.joinpath("index.html")), media_type="text/html")


@router.get("/panel/config", summary="How the reference panel signs in")
async def panel_config(request: Request, settings: SettingsDep) -> PanelConfig:
    """No token needed: it names only public values (the anon key is public by design)."""
    if request.app.state.local_sign_in is not None:
        return PanelConfig(sign_in="local")
    if settings.supabase_url and settings.supabase_anon_key:
        return PanelConfig(
            sign_in="supabase",
            supabase_url=settings.supabase_url,
            supabase_anon_key=settings.supabase_anon_key,
        )
    return PanelConfig(sign_in="none")


@router.post(
    "/panel/local-session",
    summary="Sign in to the local database with an e-mail address",
    responses=problems(401, 404, 422),
)
async def local_session(body: LocalSignInRequest, request: Request) -> LocalSession:
    """Only on ``vidprompt serve`` over the local database bound to loopback, addressed to a
    loopback host name (else 404), and with the key the server printed (else 401): the user
    is created if missing, as ``vidprompt auth token`` does."""
    sign_in: LocalSignIn | None = request.app.state.local_sign_in
    # A request for another host name reached this port by DNS rebinding, not from here.
    if sign_in is None or not is_loopback(request.url.hostname or ""):
        raise NotFound("There is no local sign-in on this server.")
    token = await run_in_threadpool(sign_in.token, body.email, body.key)
    return LocalSession(access_token=token)


async def app_images(request: Request) -> ImageSource:
    images: ImageSource = request.app.state.images
    return images


@router.get(
    "/images/{image_id}/file",
    tags=["images"],
    summary="The bytes of one of my images",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}, "image/jpeg": {}, "image/webp": {}}},
        **problems(401, 403, 404, 422),
    },
)
async def image_file(
    image_id: uuid.UUID,
    scope: ScopeDep,
    store: StoreDep,
    images: Annotated[ImageSource, Depends(app_images)],
) -> Response:
    """Read through the image sources the worker uses; 404 when they cannot read it."""
    image = await store.get_image(scope, image_id)
    try:
        found = await images.fetch(ImageRef(image.url, image.storage_path, owner=image.user_id))
    except GenerationError as exc:
        raise NotFound(f"The image's file cannot be read: {exc.message}") from exc
    return Response(
        found.content,
        media_type=found.mime_type,
        # A file passes as an image by its first bytes only: never let a browser sniff more.
        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
