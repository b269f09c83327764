"""Reading a storage object only when the image's owner may read it, as their policies say.

The worker reads storage with rights the user does not have (the service key, or the files
of local storage), and ``images.storage_path`` is whatever the user wrote. So before any
byte is fetched, the object is looked up in ``storage.objects`` in the owner's scope: role
``authenticated`` with the owner's claims, exactly as the Data API would run it. The
project's own storage policies decide, on a Supabase project and on the local database
alike; an object the owner cannot see is reported exactly like a missing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vidprompt.database import Scope
from vidprompt.storage._objects import queries
from vidprompt.storage._sources import NOT_IN_STORAGE, checked_location, unavailable

if TYPE_CHECKING:
    from vidprompt.database import Database
    from vidprompt.storage._images import ImageData
    from vidprompt.storage._sources import ImageRef, ImageSource


class OwnersObjects:
    """``storage``, limited to objects the image's owner can select in ``storage.objects``."""

    def __init__(self, storage: ImageSource, db: Database) -> None:
        self.storage = storage
        self.db = db

    async def fetch(self, image: ImageRef) -> ImageData:
        checked_location(image.bucket, image.storage_path)
        if not await self.owner_may_read(image):
            raise unavailable(NOT_IN_STORAGE)
        return await self.storage.fetch(image)

    async def owner_may_read(self, image: ImageRef) -> bool:
        """Whether the owner's own scope sees the object's row (never true without an owner)."""
        if image.owner is None:
            return False
        params = {"bucket": image.bucket, "name": image.storage_path}
        async with self.db.transaction(Scope.user(image.owner)) as tx:
            found = await tx.queue(queries()["owner_object"], params)
        return found.one() is not None
