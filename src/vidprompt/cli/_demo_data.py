"""The data ``vidprompt demo`` works on: its user, collection and image, and their removal."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from vidprompt.database import Scope, connect, named_queries
from vidprompt.generation._setup import sample_image
from vidprompt.storage import BUCKET, put_object, remove_object

if TYPE_CHECKING:
    from vidprompt.database import Database
    from vidprompt.db_types import ImagesRow
    from vidprompt.prompts import Store
    from vidprompt.storage import LocalStorage

queries = named_queries("vidprompt.sql", "demo.sql")
DEMO_USER = uuid.uuid5(uuid.NAMESPACE_DNS, "demo.vidprompt.local")
DEMO_EMAIL = "demo@vidprompt.local"


def ensure_demo_user(url: str) -> uuid.UUID:
    """The demo user in ``auth.users`` (created once); needs the local superuser URL."""
    with connect(url) as conn:
        conn.execute(queries()["demo_user"], {"id": DEMO_USER, "email": DEMO_EMAIL})
    return DEMO_USER


async def clear_leftovers(store: Store, storage: LocalStorage, user_id: uuid.UUID) -> int:
    """Delete images an interrupted earlier demo left (their variants and jobs go too)."""
    db = store.database
    async with db.transaction(Scope.service()) as tx:
        found = await tx.queue(queries()["demo_leftovers"], {"user_id": user_id})
    for row in found.all():
        await store.delete_image(Scope.user(user_id), row["id"])
        await remove_object(db, storage, row["storage_path"])
    return len(found.all())


async def create_demo_image(store: Store, storage: LocalStorage, user_id: uuid.UUID) -> ImagesRow:
    """A collection and, in it, the sample image: in local storage and in ``images``."""
    scope = Scope.user(user_id)
    collection_id = await _collection_named(store.database, scope, "vidprompt demo")
    name = f"{user_id}/demo-{uuid.uuid4().hex[:8]}.png"
    await put_object(store.database, storage, name, sample_image(), owner=user_id)
    return await store.create_image(
        scope,
        url=storage.path_of(BUCKET, name).resolve().as_uri(),
        storage_path=name,
        collection_id=collection_id,
        metadata={"description": "a person's silhouette against a sunset over the sea"},
    )


async def _collection_named(db: Database, scope: Scope, name: str) -> uuid.UUID:
    """The store has no collection operations; this is the one the demo needs."""
    async with db.transaction(scope) as tx:
        created = await tx.queue(
            queries()["collection_named"], {"user_id": scope.user_id, "name": name}
        )
    row = created.one()
    assert row is not None
    collection_id: uuid.UUID = row["id"]
    return collection_id
