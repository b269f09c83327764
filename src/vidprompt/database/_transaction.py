"""One scoped transaction in pipeline mode: the scope costs no round trip of its own.

``BEGIN``, the scope statement, the caller's queries and ``COMMIT`` are sent back to back and
the server's answers are read once at the end, so a single-statement operation takes one
round trip, as with raw psycopg. Results are read after the commit; a caller that needs
one earlier (to decide what to send next) asks for it with :meth:`Transaction.fetch`,
which costs a round trip but keeps the same transaction and scope.
"""

from __future__ import annotations

from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING, Any

import psycopg

from vidprompt.database._scope import APPLY_SCOPE

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from psycopg import AsyncConnection, AsyncCursor
    from psycopg.rows import DictRow

    from vidprompt.database._scope import Scope

# An explicit transaction, not the implicit one a pipeline has until its Sync: the scope
# then lasts until COMMIT even if something syncs the pipeline early.
_BEGIN = b"begin"
_COMMIT = b"commit"


class Result:
    """The answer to one queued statement, readable once the transaction has ended."""

    def __init__(self, cursor: AsyncCursor[DictRow]) -> None:
        self._cursor = cursor
        self._rows: list[DictRow] | None = None
        self.rowcount = -1

    def one(self) -> DictRow | None:
        """The first row, or None when the statement returned none."""
        rows = self.all()
        return rows[0] if rows else None

    def all(self) -> list[DictRow]:
        if self._rows is None:
            raise RuntimeError("A queued statement's rows are available after the transaction.")
        return self._rows

    async def _read(self) -> list[DictRow]:
        if self._rows is None:
            cursor = self._cursor
            self._rows = await cursor.fetchall() if cursor.description is not None else []
            self.rowcount = cursor.rowcount
        return self._rows


class Transaction:
    """The tiny interface the store talks to: queue statements, or fetch one now."""

    def __init__(self, conn: AsyncConnection[DictRow]) -> None:
        self._conn = conn
        self._results: list[Result] = []

    async def queue(self, query: bytes, params: Mapping[str, Any] | None = None) -> Result:
        """Send ``query`` without waiting; its rows are readable after the transaction."""
        result = Result(await self._conn.execute(query, params))
        self._results.append(result)
        return result

    async def fetch(self, query: bytes, params: Mapping[str, Any] | None = None) -> list[DictRow]:
        """Send ``query`` (which returns rows) and wait for them: a round trip, same transaction."""
        result = await self.queue(query, params)
        result._rows = await result._cursor.fetchall()  # in a pipeline, fetching flushes it
        result.rowcount = result._cursor.rowcount
        return result._rows

    async def _read_all(self) -> None:
        for result in self._results:
            await result._read()


@asynccontextmanager
async def scoped_transaction(
    conn: AsyncConnection[DictRow], scope: Scope, *, statement_timeout_ms: int
) -> AsyncIterator[Transaction]:
    """Run the block's statements in one transaction as ``scope``; commit at the end.

    ``conn`` must be in autocommit mode (the transaction is ours) and idle. On an error the
    transaction is left aborted or open; the caller rolls it back or drops the connection.
    """
    transaction = Transaction(conn)
    async with conn.pipeline() as pipeline:
        try:
            await conn.execute(_BEGIN)
            await conn.execute(APPLY_SCOPE, scope.settings(statement_timeout_ms))
            yield transaction
            await conn.execute(_COMMIT)
        except psycopg.Error:
            # A statement failed (its error can surface at any later send): collect the
            # skipped statements' answers now, so leaving the pipeline has nothing to report.
            with suppress(psycopg.Error):
                await pipeline.sync()
            raise
    await transaction._read_all()
