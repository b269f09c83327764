"""Objects in local storage: a file under the work folder and its ``storage.objects`` row.

On the embedded default there is no Storage server; vidprompt keeps an object's bytes in
``.vidprompt/storage/<bucket>/<name>`` and records it in ``storage.objects`` like Supabase
Storage does, so code that reads the table (policies, listings) sees the same objects.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from vidprompt.database import Scope, named_queries
from vidprompt.storage._images import checked_image
from vidprompt.storage._sources import BUCKET

if TYPE_CHECKING:
    import uuid
    from collections.abc import Sequence
    from pathlib import Path

    from vidprompt.database import Database
    from vidprompt.storage._sources import LocalStorage

_SERVICE = Scope.service()
queries = named_queries("vidprompt.storage", "queries.sql")


async def put_object(
    db: Database,
    storage: LocalStorage,
    name: str,
    content: bytes,
    *,
    owner: uuid.UUID,
    bucket: str = BUCKET,
) -> None:
    """Store an image: the file first, then its row; a failed row removes the file again."""
    image = checked_image(content, limit=storage.max_bytes)
    path = storage.path_of(bucket, name)
    await asyncio.to_thread(_write, path, content)
    params = {
        "bucket": bucket,
        "name": name,
        "owner": owner,
        "mime_type": image.mime_type,
        "size": len(content),
    }
    try:
        async with db.transaction(_SERVICE) as tx:
            await tx.queue(queries()["ensure_bucket"], params)
            await tx.queue(queries()["put_object"], params)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


async def remove_object(
    db: Database, storage: LocalStorage, name: str, *, bucket: str = BUCKET
) -> bool:
    """Delete an object's row and file; False if there was no row."""
    async with db.transaction(_SERVICE) as tx:
        removed = await tx.queue(queries()["remove_object"], {"bucket": bucket, "name": name})
    storage.path_of(bucket, name).unlink(missing_ok=True)
    return removed.one() is not None


async def image_traces(
    db: Database,
    storage: LocalStorage,
    image_id: uuid.UUID,
    *,
    name: str,
    variant_ids: Sequence[uuid.UUID],
    bucket: str = BUCKET,
) -> dict[str, int]:
    """How many rows and files of an image remain: image, variants, jobs, object, file."""
    params = {
        "image_id": image_id,
        "variant_ids": list(variant_ids),
        "bucket": bucket,
        "name": name,
    }
    async with db.transaction(_SERVICE) as tx:
        counted = await tx.queue(queries()["image_traces"], params)
    traces = {key: int(value) for key, value in (counted.one() or {}).items()}
    traces["files"] = int(storage.path_of(bucket, name).exists())
    return traces


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
