"""The body limit of uploads: a multipart ``POST /images`` may be as large as an image."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import Headers

from vidprompt.api._middleware import BodyLimit

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

UPLOAD_PATH = "/images"
# Room for the multipart boundaries and part headers around the file.
_ENVELOPE_BYTES = 64 * 1024


def is_upload(scope: Scope) -> bool:
    """Whether the request is an image upload: multipart form data posted to ``/images``."""
    if scope.get("method") != "POST" or scope.get("path") != UPLOAD_PATH:
        return False
    content_type = Headers(scope=scope).get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower() == "multipart/form-data"


class UploadAwareBodyLimit:
    """:class:`BodyLimit` with the upload limit for uploads and the usual one for the rest."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, upload_max_bytes: int) -> None:
        self.usual = BodyLimit(app, max_bytes=max_bytes)
        self.upload = BodyLimit(app, max_bytes=max(max_bytes, upload_max_bytes + _ENVELOPE_BYTES))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.upload if scope["type"] == "http" and is_upload(scope) else self.usual
        await limit(scope, receive, send)
