"""Uploading an image: ``POST /images`` with ``multipart/form-data`` and a ``file`` part.

The same path and method as recording an image by JSON; this route answers only multipart
requests (:class:`UploadRoute`), so JSON bodies reach the images route as before. The
OpenAPI document shows both bodies on that one operation (:data:`UPLOAD_OPENAPI`).
"""

# FastAPI and pydantic read this module's annotations at run time: imports stay real.
# ruff: noqa: TC002

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, Response, Security, UploadFile
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import Scope

from vidprompt.api._deps import ScopeDep, SettingsDep, StoreDep, bearer
from vidprompt.api._schemas import ImagePublic
from vidprompt.api._uploads import UPLOAD_PATH, is_upload
from vidprompt.errors import InvalidInput
from vidprompt.storage import ObjectWriter, upload_image


class UploadRoute(APIRoute):
    """Matches only uploads; any other request goes on to the next route of the path."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or not is_upload(scope):
            return Match.NONE, {}
        return super().matches(scope)


router = APIRouter(tags=["images"], route_class=UploadRoute)

UPLOAD_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A PNG, JPEG or WebP image (checked by its bytes), "
                            "at most VIDPROMPT_UPLOAD_MAX_BYTES.",
                        },
                        "collection_id": {"type": "string", "format": "uuid"},
                    },
                }
            }
        }
    }
}


async def app_uploads(request: Request) -> ObjectWriter:
    writer: ObjectWriter = request.app.state.uploads
    return writer


UploadsDep = Annotated[ObjectWriter, Depends(app_uploads)]


@router.post(UPLOAD_PATH, status_code=201, include_in_schema=False)
async def upload(
    file: Annotated[UploadFile, File()],
    scope: ScopeDep,
    store: StoreDep,
    settings: SettingsDep,
    writer: UploadsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    request: Request,
    response: Response,
) -> ImagePublic:
    """Stores the file in the caller's folder of the bucket and records it (``source``)."""
    content = await file.read(settings.upload_max_bytes + 1)
    if len(content) > settings.upload_max_bytes:
        raise HTTPException(413, f"The image is larger than {settings.upload_max_bytes} bytes.")
    token = credentials.credentials if credentials else ""
    image = await upload_image(
        store, writer, scope, content, token=token, collection_id=await _collection_id(request)
    )
    response.headers["Location"] = f"{UPLOAD_PATH}/{image.id}"
    return ImagePublic.model_validate(image.model_dump())


async def _collection_id(request: Request) -> uuid.UUID | None:
    """The optional ``collection_id`` field (read from the form FastAPI parsed already: a
    ``Form()`` parameter would take an empty field for a missing one)."""
    value = (await request.form()).get("collection_id")
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput("collection_id is not a uuid.", field="collection_id")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput("collection_id is not a uuid.", field="collection_id") from None
