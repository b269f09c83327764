"""Idempotent requests: a user's key claims a request once; a retry gets its variant back.

A key is claimed (committed) before the request's work runs, so a concurrent retry sees
the claim: it is told to wait (``RequestInProgress``) instead of starting a second
generation. Once the variant exists its id is recorded under the key; a retry with the
same key and the same fingerprint gets that id, with another fingerprint it is refused
(``IdempotencyKeyReused``). Keys are per user (row-level security) and last 24 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vidprompt.errors import AuthError, IdempotencyKeyReused, RequestInProgress
from vidprompt.prompts._operations import Operations
from vidprompt.prompts._queries import queries

if TYPE_CHECKING:
    import uuid

    from vidprompt.database import Scope


@dataclass(frozen=True)
class RequestClaim:
    """The outcome of claiming a key: new (``variant_id`` None), or a replay of the first."""

    variant_id: uuid.UUID | None = None
    status_code: int | None = None


class RequestOperations(Operations):
    async def claim_request(self, scope: Scope, key: str, fingerprint: str) -> RequestClaim:
        """Claim ``key`` for a request whose content hashes to ``fingerprint``.

        A new claim must be followed by :meth:`finish_request` (the variant was made) or
        :meth:`release_request` (it was not).
        """
        params = {"user_id": _user(scope), "key": key, "fingerprint": fingerprint}
        async with self._transaction(scope) as tx:
            await tx.queue(queries()["forget_requests"], params)
            claimed = await tx.queue(queries()["claim_request"], params)
            found = await tx.queue(queries()["get_request"], params)
        if claimed.one() is not None:
            return RequestClaim()
        first = found.one()
        if first is None:  # forgotten between the statements: as good as never claimed
            return await self.claim_request(scope, key, fingerprint)
        if first["fingerprint"] != fingerprint:
            raise IdempotencyKeyReused()
        if first["variant_id"] is None:
            raise RequestInProgress()
        return RequestClaim(first["variant_id"], first["status_code"])

    async def finish_request(
        self, scope: Scope, key: str, *, variant_id: uuid.UUID, status_code: int
    ) -> None:
        """Record the variant the claimed request made, for its retries."""
        params = {
            "user_id": _user(scope),
            "key": key,
            "variant_id": variant_id,
            "status_code": status_code,
        }
        async with self._transaction(scope) as tx:
            await tx.queue(queries()["finish_request"], params)

    async def release_request(self, scope: Scope, key: str) -> None:
        """Free a claimed key whose request failed, so the client may try again."""
        async with self._transaction(scope) as tx:
            await tx.queue(queries()["release_request"], {"user_id": _user(scope), "key": key})


def _user(scope: Scope) -> uuid.UUID:
    if scope.role != "authenticated" or scope.user_id is None:
        raise AuthError("Only a signed-in user has idempotency keys.", code="PGRST302")
    return scope.user_id
