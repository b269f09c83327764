"""What every group of store operations shares: scoped transactions on the store's database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vidprompt.errors import InvalidInput, NotFound
from vidprompt.prompts._queries import queries

if TYPE_CHECKING:
    import uuid
    from collections.abc import Mapping
    from contextlib import AbstractAsyncContextManager

    from vidprompt.database import Database, Scope, Transaction


class Operations:
    """Base of the store's operation groups; :class:`~vidprompt.prompts.Store` combines them."""

    @property
    def _db(self) -> Database:
        raise NotImplementedError

    def _transaction(self, scope: Scope) -> AbstractAsyncContextManager[Transaction]:
        """A transaction as ``scope`` (the database translates driver errors)."""
        return self._db.transaction(scope)

    async def _one(
        self, scope: Scope, query: bytes, params: Mapping[str, Any], missing: str
    ) -> Mapping[str, Any]:
        """The row ``query`` returns as ``scope``; :class:`NotFound` (``missing``) if none."""
        async with self._transaction(scope) as tx:
            result = await tx.queue(query, params)
        if (row := result.one()) is None:
            raise NotFound(missing)
        return row

    async def _status(self, scope: Scope, variant_id: uuid.UUID) -> str | None:
        """A variant's status as the scope sees it (None: not there for this scope).

        Asked only after a guarded change matched nothing, to say why.
        """
        async with self._transaction(scope) as tx:
            found = await tx.queue(queries()["variant_status"], {"id": variant_id})
        row = found.one()
        return None if row is None else str(row["status"])


def owner_of(scope: Scope, owner: uuid.UUID | None) -> uuid.UUID | None:
    """Whose rows a list is about: the signed-in user's, or the named owner's.

    A service scope sees every user's rows, so it must name one; for a user scope another
    owner is allowed but shows nothing, row-level security decides.
    """
    if owner is None and scope.role == "service_role":
        raise InvalidInput("A service scope must name the owner.", field="owner")
    return owner if owner is not None else scope.user_id
