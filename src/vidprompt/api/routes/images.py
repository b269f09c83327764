"""The caller's images: list, record, get, delete (with all their variants)."""

# FastAPI and pydantic read this module's annotations at run time: imports stay real.
# ruff: noqa: TC001, TC003

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from vidprompt.api._deps import ScopeDep, StoreDep
from vidprompt.api._openapi import problems
from vidprompt.api._schemas import ImageCreate, ImagePage, ImagePublic, PageLimit
from vidprompt.api.routes.uploads import UPLOAD_OPENAPI

router = APIRouter(prefix="/images", tags=["images"], responses=problems(401, 403, 422))


@router.get("", summary="List my images, newest first")
async def list_images(
    scope: ScopeDep,
    store: StoreDep,
    limit: Annotated[PageLimit, Query(description="Images per page.")] = 20,
    after: Annotated[
        str | None, Query(max_length=200, description="A page's `next_cursor`.")
    ] = None,
) -> ImagePage:
    page = await store.list_images(scope, limit=limit, after=after)
    items = [ImagePublic.model_validate(image.model_dump()) for image in page.items]
    return ImagePage(items=items, next_cursor=page.next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Record an image, or upload one",
    responses=problems(404, 413),
    openapi_extra=UPLOAD_OPENAPI,
)
async def create_image(
    body: ImageCreate, scope: ScopeDep, store: StoreDep, response: Response
) -> ImagePublic:
    """Records an image the app stored; ``collection_id`` must be one of the caller's
    collections (404 otherwise, as for a missing one). With ``multipart/form-data`` and a
    ``file`` part, uploads the image instead: it is stored as the caller in the bucket
    ``generated_images`` under ``<user id>/<uuid>.<ext>`` and recorded as a ``source``."""
    image = await store.create_image(
        scope,
        url=body.url,
        storage_path=body.storage_path,
        type=body.type,
        collection_id=body.collection_id,
        metadata=body.metadata,
    )
    response.headers["Location"] = f"{router.prefix}/{image.id}"
    return ImagePublic.model_validate(image.model_dump())


@router.get("/{image_id}", summary="Get one of my images", responses=problems(404))
async def get_image(image_id: uuid.UUID, scope: ScopeDep, store: StoreDep) -> ImagePublic:
    image = await store.get_image(scope, image_id)
    return ImagePublic.model_validate(image.model_dump())


@router.delete(
    "/{image_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an image and its variants",
    responses=problems(404),
)
async def delete_image(image_id: uuid.UUID, scope: ScopeDep, store: StoreDep) -> None:
    await store.delete_image(scope, image_id)
