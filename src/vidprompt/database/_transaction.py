"""One scoped transaction in pipeline mode: the scope costs no round trip of its own.

The scope statement and the caller's queries are sent back to back without waiting, then
one Sync ends them: Postgres runs everything between two Syncs as one implicit transaction
(all or nothing) and resets the transaction-local scope at its end. A single-statement
operation therefore takes one round trip, as with raw psycopg, and only one statement more.

The transaction must not end early: a Sync in the middle would commit the first part and
run the rest without the scope. Only leaving the block sends a Sync; reading a result
inside the block (:meth:`Transaction.fetch`) asks the server to flush, which does not end
the transaction. If the block fails in a way the server has not seen (a cancelled caller,
a value the driver cannot send), the connection is closed instead of synced, so the server
rolls back what it had received rather than committing it.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.pq import ExecStatus

from vidprompt.database._scope import APPLY_SCOPE

if TYPE_CHECKING:
    from collections.abc import Mapping
    from contextlib import AbstractAsyncContextManager
    from types import TracebackType

    from psycopg import AsyncConnection, AsyncCursor, AsyncPipeline
    from psycopg.rows import DictRow

    from vidprompt.database._scope import Scope


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

    async def _read(self) -> None:
        if self._rows is None:
            cursor = self._cursor
            # The result's status, not cursor.description: that builds a Column object per
            # column of every statement, a large share of a short query's client time.
            result = cursor.pgresult
            returned_rows = result is not None and result.status == ExecStatus.TUPLES_OK
            self._rows = await cursor.fetchall() if returned_rows else []
            self.rowcount = cursor.rowcount


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
        result._rows = await result._cursor.fetchall()  # flushes the pipeline, no Sync
        result.rowcount = result._cursor.rowcount
        return result._rows

    async def _read_all(self) -> None:
        for result in self._results:
            await result._read()


class ScopedTransaction:
    """``async with ScopedTransaction(conn, scope, ...) as tx``: the block's statements in
    one transaction as ``scope``, committed at the end.

    ``conn`` must be idle and in autocommit mode, so that nothing but leaving the block
    sends a Sync. On an error the connection is either idle again (the server rolled the
    transaction back) or closed, and the error goes on. A class, not a generator-based
    context manager: entering and leaving one of those costs twice as much, on every call
    of the store.
    """

    __slots__ = ("_block", "_conn", "_pipeline", "_settings", "_transaction")

    def __init__(
        self, conn: AsyncConnection[DictRow], scope: Scope, *, statement_timeout_ms: int
    ) -> None:
        self._conn = conn
        self._settings = scope.settings(statement_timeout_ms)
        self._block: AbstractAsyncContextManager[AsyncPipeline] | None = None
        self._pipeline: AsyncPipeline | None = None
        self._transaction = Transaction(conn)

    async def __aenter__(self) -> Transaction:
        self._block = self._conn.pipeline()
        self._pipeline = await self._block.__aenter__()
        try:
            await self._conn.execute(APPLY_SCOPE, self._settings)
        except BaseException as exc:
            await self.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        return self._transaction

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._block is not None
        assert self._pipeline is not None
        if exc is None:
            await self._block.__aexit__(None, None, None)  # the Sync: the commit
            await self._transaction._read_all()
            return
        try:
            if not isinstance(exc, psycopg.Error) or exc.sqlstate is None:
                await self._conn.close()
            else:
                # The server failed a statement, so it skips the rest and rolls back at the
                # Sync: send it now, quietly, so leaving the pipeline has nothing to report.
                with suppress(psycopg.Error):
                    await self._pipeline.sync()
        except BaseException as error:  # cancelled meanwhile: the pipeline still ends
            await self._block.__aexit__(type(error), error, error.__traceback__)
            raise
        await self._block.__aexit__(kind, exc, traceback)
