"""Uploaded images: the bytes into storage as the signed-in user, then their ``images`` row.

The object's name is chosen here, never by the client: ``<user id>/<uuid>.<ext>`` in the
app's bucket, so a user can only ever write under their own folder. Locally the bytes go to
local storage with a ``storage.objects`` row owned by the user; on a Supabase project they
go through Supabase Storage with the user's own access token, so the project's storage
policies decide, exactly as for the app's own uploads.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

import httpx

from vidprompt.errors import InvalidInput, PermissionDenied, StorageUnavailable, VidpromptError
from vidprompt.storage._images import sniff_type
from vidprompt.storage._objects import put_object, remove_object
from vidprompt.storage._sources import BUCKET

if TYPE_CHECKING:
    from vidprompt.database import Scope
    from vidprompt.db_types import ImagesRow
    from vidprompt.prompts import Store
    from vidprompt.storage._sources import LocalStorage

# What an upload may be, by the bytes' signature, and the extension its object gets.
UPLOAD_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


class ObjectWriter(Protocol):
    """Puts an object into storage as its owner; answers the URL to record."""

    async def put(
        self, name: str, content: bytes, mime_type: str, *, owner: uuid.UUID, token: str
    ) -> str: ...

    async def remove(self, name: str, *, token: str) -> None: ...


class LocalUploads:
    """Local storage: the file and its ``storage.objects`` row, owned by the user."""

    def __init__(self, store: Store, storage: LocalStorage) -> None:
        self._store = store  # its database is opened with the app, after this is made
        self._storage = storage

    async def put(
        self, name: str, content: bytes, mime_type: str, *, owner: uuid.UUID, token: str
    ) -> str:
        await put_object(self._store.database, self._storage, name, content, owner=owner)
        return self._storage.path_of(BUCKET, name).resolve().as_uri()

    async def remove(self, name: str, *, token: str) -> None:
        await remove_object(self._store.database, self._storage, name)


class SupabaseUploads:
    """Supabase Storage's HTTP API with the user's token: the project's policies decide."""

    def __init__(self, supabase_url: str, anon_key: str | None, *, timeout_s: float = 30.0) -> None:
        self.base = supabase_url.rstrip("/") + "/storage/v1/object/"
        self._anon_key = anon_key
        self.timeout_s = timeout_s

    async def put(
        self, name: str, content: bytes, mime_type: str, *, owner: uuid.UUID, token: str
    ) -> str:
        path = quote(f"{BUCKET}/{name}", safe="/")
        headers = self._headers(token) | {"Content-Type": mime_type, "x-upsert": "false"}
        response = await self._send("POST", self.base + path, headers, content)
        if response.status_code in (401, 403) or _policy_refusal(response):
            raise PermissionDenied("Supabase Storage refused the upload for this user.")
        if response.status_code >= 300:
            raise StorageUnavailable(
                f"Supabase Storage answered the upload with HTTP {response.status_code}."
            )
        return f"{self.base}authenticated/{path}"

    async def remove(self, name: str, *, token: str) -> None:
        path = quote(f"{BUCKET}/{name}", safe="/")
        await self._send("DELETE", self.base + path, self._headers(token), None)

    def _headers(self, token: str) -> dict[str, str]:
        if not self._anon_key:
            raise StorageUnavailable(
                "Uploads to Supabase Storage need the project's anon key: set SUPABASE_ANON_KEY."
            )
        return {"Authorization": f"Bearer {token}", "apikey": self._anon_key}

    async def _send(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None
    ) -> httpx.Response:
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s) as client:
                return await client.request(method, url, headers=headers, content=content)
        except httpx.HTTPError as exc:
            raise StorageUnavailable(
                f"Supabase Storage could not be reached: {type(exc).__name__}."
            ) from exc


def _policy_refusal(response: httpx.Response) -> bool:
    # Storage reports a row-level security refusal as 400 with statusCode "403" in its body.
    return response.status_code == 400 and '"403"' in response.text


def upload_type(content: bytes) -> str:
    """The upload's type by its bytes (PNG, JPEG, WebP), whatever the client declared."""
    found = sniff_type(content)
    if found not in UPLOAD_TYPES:
        raise InvalidInput("The file is not a PNG, JPEG or WebP image.", field="file")
    return found


async def upload_image(
    store: Store,
    writer: ObjectWriter,
    scope: Scope,
    content: bytes,
    *,
    token: str,
    collection_id: uuid.UUID | None = None,
) -> ImagesRow:
    """Store the bytes under the caller's folder and record them as a ``source`` image."""
    if scope.user_id is None:
        raise PermissionDenied("Only a signed-in user can upload an image.")
    mime_type = upload_type(content)
    name = f"{scope.user_id}/{uuid.uuid4()}.{UPLOAD_TYPES[mime_type]}"
    url = await writer.put(name, content, mime_type, owner=scope.user_id, token=token)
    try:
        return await store.create_image(
            scope,
            url=url,
            storage_path=name,
            type="source",
            collection_id=collection_id,
            metadata={"mimetype": mime_type, "size": len(content)},
        )
    except VidpromptError:
        await writer.remove(name, token=token)  # e.g. not the caller's collection
        raise
