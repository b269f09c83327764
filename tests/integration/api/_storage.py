"""Images whose bytes are in a work folder's local storage, as an upload leaves them."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from vidprompt.generation import BUCKET, local_storage
from vidprompt.storage._objects import queries

if TYPE_CHECKING:
    from pathlib import Path

    from tests._support import Conn


def stored_image(admin: Conn, workdir: Path, owner: uuid.UUID, content: bytes) -> uuid.UUID:
    """The file, its ``storage.objects`` row owned by ``owner``, and an ``images`` row."""
    name = f"{owner}/{uuid.uuid4()}.png"
    path = local_storage(workdir).path_of(BUCKET, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    params = {"bucket": BUCKET, "name": name, "owner": owner, "mime_type": "image/png"}
    admin.execute(queries()["ensure_bucket"], params)
    admin.execute(queries()["put_object"], params | {"size": len(content)})
    row = admin.execute(
        "insert into public.images (user_id, url, storage_path, type)"
        " values (%s, %s, %s, 'source') returning id",
        [owner, path.as_uri(), name],
    ).fetchone()
    assert row is not None
    image_id: uuid.UUID = row[0]
    return image_id


def image_of(admin: Conn, owner: uuid.UUID, storage_path: str) -> uuid.UUID:
    """An ``images`` row of ``owner`` that names ``storage_path``, whoever's object it is.

    This is what a user can record through ``POST /images``: the path is theirs to write.
    """
    row = admin.execute(
        "insert into public.images (user_id, url, storage_path, type)"
        " values (%s, '', %s, 'source') returning id",
        [owner, storage_path],
    ).fetchone()
    assert row is not None
    image_id: uuid.UUID = row[0]
    return image_id


def storage_path_of(admin: Conn, image_id: uuid.UUID) -> str:
    row = admin.execute("select storage_path from public.images where id = %s", [image_id])
    found = row.fetchone()
    assert found is not None
    path: str = found[0]
    return path
