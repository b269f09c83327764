"""The store: every operation on images and video prompt variants, as a scope."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from vidprompt.config import load_settings
from vidprompt.database import Database, resolve_target
from vidprompt.prompts._images import ImageOperations
from vidprompt.prompts._requests import RequestOperations
from vidprompt.prompts._variants import VariantOperations

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Self

    from vidprompt.config import Settings


class Store(ImageOperations, VariantOperations, RequestOperations):
    """Images and their video prompt variants, with Postgres deciding who sees what.

    Every operation takes a :class:`~vidprompt.database.Scope` first and runs as one
    transaction in it, so row-level security applies exactly as behind Supabase's Data API.
    ``url`` defaults to ``DATABASE_URL``, else the local database (started if needed)::

        async with Store() as store:
            variants = await store.list_variants(Scope.user(user_id), image_id)
    """

    def __init__(self, url: str | None = None, *, settings: Settings | None = None) -> None:
        self._url = url
        self._settings = settings or load_settings()
        self._database: Database | None = None

    @property
    def _db(self) -> Database:
        if self._database is None:
            raise RuntimeError("The store is not open; use `async with` or await open().")
        return self._database

    async def open(self) -> None:
        if self._database is not None:
            return  # already open: opening again changes nothing
        url = self._url
        if url is None:
            url = await asyncio.to_thread(_default_url, self._settings)
        database = Database(url, self._settings)
        await database.open()
        self._database = database

    async def close(self) -> None:
        database, self._database = self._database, None
        if database is not None:
            await database.close()

    @property
    def database(self) -> Database:
        """The pool underneath, e.g. for its ``stats()``."""
        return self._db

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


def _default_url(settings: Settings) -> str:
    """``DATABASE_URL`` if set, else the current folder's local database, started."""
    return settings.database_url or resolve_target(None, Path.cwd(), settings).url
