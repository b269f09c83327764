"""Images: create, get, list (newest first, keyset pages) and delete."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from vidprompt.db_types import ImagesInsert, ImagesRow
from vidprompt.errors import InvalidInput
from vidprompt.prompts import vocabulary
from vidprompt.prompts._models import (
    DEFAULT_PAGE_SIZE,
    Page,
    decode_cursor,
    encode_cursor,
    page_size,
)
from vidprompt.prompts._operations import Operations, owner_of
from vidprompt.prompts._queries import queries

if TYPE_CHECKING:
    from collections.abc import Mapping

    from vidprompt.database import Scope

_IMAGE_NOT_FOUND = "Image not found."
# The owner an anonymous scope writes for: nobody. The database refuses anon before it
# looks at the row, which is the point: the refusal is Postgres's, not ours.
_NOBODY = uuid.UUID(int=0)


class ImageOperations(Operations):
    async def create_image(
        self,
        scope: Scope,
        *,
        url: str,
        storage_path: str,
        type: str = "generated",
        collection_id: uuid.UUID | None = None,
        metadata: Mapping[str, Any] | None = None,
        owner: uuid.UUID | None = None,
    ) -> ImagesRow:
        """Record an image of the scope's user (a service scope names the ``owner``)."""
        user_id = owner_of(scope, owner)
        image: ImagesInsert = {
            "user_id": user_id or _NOBODY,
            "url": vocabulary.required_text("url", url),
            "storage_path": vocabulary.required_text("storage_path", storage_path),
            "type": vocabulary.image_type(type),
            "collection_id": collection_id,
        }
        params = {**image, "metadata": _json(metadata)}
        async with self._transaction(scope) as tx:
            inserted = await tx.queue(queries()["insert_image"], params)
        return ImagesRow.model_validate(inserted.one())

    async def get_image(self, scope: Scope, image_id: uuid.UUID) -> ImagesRow:
        row = await self._one(scope, queries()["get_image"], {"id": image_id}, _IMAGE_NOT_FOUND)
        return ImagesRow.model_validate(row)

    async def list_images(
        self,
        scope: Scope,
        *,
        owner: uuid.UUID | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ImagesRow]:
        """A user's images, newest first; ``after`` is the previous page's ``next_cursor``."""
        params: dict[str, Any] = {"user_id": owner_of(scope, owner), "limit": page_size(limit)}
        name = "list_images"
        if after is not None:
            created_at, image_id = decode_cursor(after)
            params |= {"created_at": created_at, "id": _uuid(image_id)}
            name = "list_images_after"
        async with self._transaction(scope) as tx:
            listed = await tx.queue(queries()[name], params)
        items = [ImagesRow.model_validate(row) for row in listed.all()]
        last = items[-1] if len(items) == params["limit"] else None
        cursor = encode_cursor(last.created_at, last.id) if last else None
        return Page[ImagesRow](items=items, next_cursor=cursor)

    async def delete_image(self, scope: Scope, image_id: uuid.UUID) -> None:
        """Delete an image and, by the database's cascade, its variants."""
        await self._one(scope, queries()["delete_image"], {"id": image_id}, _IMAGE_NOT_FOUND)


def _json(metadata: Mapping[str, Any] | None) -> str | None:
    if metadata is None:
        return None
    try:
        document = json.dumps(dict(metadata), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise InvalidInput("metadata must be a JSON object.", field="metadata") from None
    # JSON can spell a lone surrogate (\ud800), which no UTF-8 text can hold: refused
    # here, before the driver fails to encode it and drops the connection with it.
    return vocabulary.text("metadata", document)


def _uuid(value: str | int) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidInput("The page cursor is not valid.", field="after") from None
