"""A connection pool for scoped transactions that rides out database restarts.

psycopg_pool reconnects on its own, but with a backoff that can keep it waiting long after
the server is back, and a caller waits its full timeout for a connection that cannot come.
:class:`Database` adds what a request-serving store needs. A pooled connection is checked
before use without a round trip. Once a connection is lost, the next call probes the
server with one direct connection: while the server is down, calls fail at once; the first
call that finds it back after an outage replaces the pool, so it does not wait out the
reconnect backoff; if the server never went away, the pool just drops its dead connections.
A connection's release carries on in a task of its own if its caller is cancelled while
it waits, so cancelling a caller never loses one.

Callers take turns before they ask the pool for a connection: no more of them than the pool
holds connections ask at once, and the rest wait, first come first served, for a turn
(:class:`~vidprompt.database._turns.Turns`).
psycopg_pool's own queue for a caller it cannot serve at once costs a condition, a task
(``asyncio.wait_for``) and a timer per wait, and its hand-over holds the pool's lock while
the waiter is told: under load (more requests than connections, the usual case for an API)
most calls took that path, and the API answered about a fifth fewer requests.

Driver errors leave as vidprompt errors, translated in one place (``_errors.translate``).
"""

from __future__ import annotations

import asyncio
import select
from time import monotonic
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import AsyncConnection
from psycopg.pq import TransactionStatus
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool, PoolClosed, PoolTimeout

from vidprompt.database._errors import translate
from vidprompt.database._transaction import ScopedTransaction, Transaction
from vidprompt.database._turns import Turns

if TYPE_CHECKING:
    from collections.abc import Coroutine, Generator
    from types import TracebackType

    from vidprompt.config import Settings
    from vidprompt.database._scope import Scope

Pool = AsyncConnectionPool[AsyncConnection[DictRow]]

_APPLICATION_NAME = "vidprompt"
# A failed probe that took this long (an unreachable host) is not repeated for as long again.
_SLOW_PROBE_S = 1.0


class Database:
    """Scoped transactions on a pool of connections to one database.

    ``url`` may name a Supabase transaction pooler when ``settings.transaction_pooler`` is
    set: no server-side prepared statements are used then.
    """

    def __init__(self, url: str, settings: Settings) -> None:
        self.url = url
        self._settings = settings
        self._kwargs: dict[str, Any] = {
            "autocommit": True,
            "row_factory": dict_row,
            "application_name": _APPLICATION_NAME,
            "connect_timeout": settings.connect_timeout,
        }
        if settings.transaction_pooler:
            self._kwargs["prepare_threshold"] = None
        self._pool: Pool | None = None
        self._doubt = False  # a connection was lost: probe the server before the next call
        self._down = False  # the last probe failed, or the pool produced no connection
        self._probe_again_at = float("-inf")
        self._probe_error: psycopg.OperationalError | None = None
        self._recovery = asyncio.Lock()
        self._in_use = 0
        # One turn per connection the pool may hold (see the module's docstring), made anew
        # by each open, on the event loop that opens it; callers waiting for one now.
        self._turns = Turns(settings.pool_max_size)
        self._waiting = 0
        self._closed = False
        self._background: set[asyncio.Task[None]] = set()

    async def open(self) -> None:
        """Start the pool; connections are made in the background, so a down database is
        reported by the first call, not here."""
        if self._pool is None:
            self._turns = Turns(self._settings.pool_max_size)
            self._closed = False
            self._pool = await self._new_pool()

    async def close(self) -> None:
        """Close the pool; callers waiting for a turn are told it is closed at once."""
        pool, self._pool = self._pool, None
        self._closed = True
        for _ in range(self._waiting):
            self._turns.give_back()  # each finds the pool closed: DatabaseUnavailable
        if pool is not None:
            await pool.close()
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    def transaction(self, scope: Scope) -> PooledTransaction:
        """A transaction as ``scope`` on a pooled connection, committed when the block ends:
        ``async with db.transaction(scope) as tx``."""
        return PooledTransaction(self, scope)

    def stats(self) -> dict[str, int]:
        """psycopg_pool's measures of the current pool (``pool_size``, ``pool_available``...)."""
        return self._pool.get_stats() if self._pool is not None else {}

    async def _take_turn(self, turns: Turns) -> None:
        """Wait until fewer callers than the pool's size hold or ask for a connection.

        Waiting longer than the pool's timeout is load while the server answers (the pool's
        own timeout), or the server's outage while it does not (the probe's error).
        """
        if turns.try_take():
            return
        timeout = self._settings.pool_timeout_ms / 1000
        self._waiting += 1
        try:
            await turns.take(timeout)
        except TimeoutError:
            try:
                await self._probe()
            except psycopg.OperationalError:
                self._down = True
                raise
            raise PoolTimeout(f"couldn't get a connection after {timeout:.2f} sec") from None
        finally:
            self._waiting -= 1

    async def _acquire(self) -> tuple[Pool, AsyncConnection[DictRow]]:
        for _ in range(3):
            if self._doubt or self._down:
                await self._settle()
            pool = self._current_pool()
            try:
                conn = await pool.getconn(timeout=self._settings.pool_timeout_ms / 1000)
            except PoolTimeout:
                # With connections in use and the server answering, the pool is just busy.
                # Otherwise it is down, or stuck in its reconnect backoff: settling decides.
                if self._in_use and await self._reachable():
                    raise
                self._down = True
                continue
            if await _usable(conn):
                return pool, conn
            await pool.putconn(conn)  # the server closed it: restarted, or ended just this one
            self._doubt = True
        raise PoolTimeout("No working connection, although the database answers.")

    async def _settle(self) -> None:
        """Probe the server after a lost connection: fail fast while it is down; once it is
        back after an outage, start a fresh pool; otherwise drop the pool's dead connections."""
        async with self._recovery:
            if not (self._doubt or self._down):
                return
            if self._down and monotonic() < self._probe_again_at and self._probe_error:
                raise psycopg.OperationalError(*self._probe_error.args)
            try:
                await self._probe()
            except psycopg.OperationalError:
                self._down = True
                raise
            if self._down:
                old, self._pool = self._pool, await self._new_pool()
                if old is not None:
                    self._spawn(old.close())
            else:
                await self._current_pool().check()
            self._doubt = self._down = False

    async def _reachable(self) -> bool:
        try:
            await self._probe()
        except psycopg.OperationalError:
            return False
        return True

    async def _probe(self) -> None:
        """Connect once, directly. A probe that failed slowly (an unreachable host) is not
        repeated for as long as it took, so waiting callers fail fast instead of in turn."""
        timeout = min(
            self._settings.connect_timeout, max(1, round(self._settings.pool_timeout_ms / 1000))
        )
        started = monotonic()
        try:
            conn = await AsyncConnection.connect(
                self.url, **{**self._kwargs, "connect_timeout": timeout}
            )
        except psycopg.OperationalError as exc:
            now = monotonic()
            # Only a slow failure is remembered: a refusal or a "starting up" answer comes
            # fast and must not be replayed to the first caller after the server is ready.
            if now - started >= _SLOW_PROBE_S:
                self._probe_again_at, self._probe_error = now + (now - started), exc
            raise
        await conn.close()

    async def _new_pool(self) -> Pool:
        pool: Pool = AsyncConnectionPool(
            self.url,
            connection_class=AsyncConnection[DictRow],
            kwargs=self._kwargs,
            min_size=self._settings.pool_min_size,
            max_size=self._settings.pool_max_size,
            timeout=self._settings.pool_timeout_ms / 1000,
            name="vidprompt",
            open=False,
        )
        await pool.open(wait=False)
        return pool

    def _current_pool(self) -> Pool:
        if self._pool is None:
            if self._closed:  # closed while the caller waited: as psycopg_pool says it
                raise PoolClosed("The database connection pool is closed.")
            raise RuntimeError("The database is not open; use `async with` or await open().")
        return self._pool

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _shielded(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` to the end even if the caller is cancelled meanwhile.

        ``work`` runs in the caller, as Python 3.12's eager tasks start, and while it waits
        on a future the caller waits on a stand-in that the future completes. Cancelling the
        caller cancels only the stand-in; then the rest of ``work`` goes on in a task of its
        own. Returning a connection waits whenever the pool's lock is taken or a rollback
        goes to the server, and a task per release (made by ``asyncio.shield``) cost a few
        hundredths of the API's throughput under load; the stand-in costs one future.
        """
        try:
            waiting = work.send(None)
        except StopIteration:
            return
        while isinstance(waiting, asyncio.Future):
            try:
                await _stand_in(waiting)
            except BaseException:  # the caller is cancelled: ``work`` carries on alone
                self._spawn(_carry_on(work, waiting))
                raise
            try:
                waiting = work.send(None)
            except StopIteration:
                return
        # A bare ``yield`` (asyncio.sleep(0)) has no future to stand in for.
        await asyncio.shield(self._spawn(_carry_on(work, waiting)))


def _stand_in(waiting: asyncio.Future[Any]) -> asyncio.Future[None]:
    """A future that completes when ``waiting`` does; cancelling it leaves ``waiting`` be."""
    stand_in: asyncio.Future[None] = waiting.get_loop().create_future()

    def complete(_: asyncio.Future[Any]) -> None:
        if not stand_in.done():
            stand_in.set_result(None)

    waiting.add_done_callback(complete)
    return stand_in


async def _carry_on(work: Coroutine[Any, Any, None], waiting: object) -> None:
    """Go on with ``work``, which is suspended on ``waiting``, as the task running it would."""
    await _Resumed(work, waiting)


class _Resumed:
    """Awaiting it passes what ``work`` waits for up to the task, and what the task sends
    back (or throws in: a cancellation of that task itself) down to ``work``."""

    def __init__(self, work: Coroutine[Any, Any, None], waiting: object) -> None:
        self._work = work
        self._waiting = waiting

    def __await__(self) -> Generator[object, object, None]:
        work, waiting = self._work, self._waiting
        while True:
            sent: object = None
            thrown: BaseException | None = None
            try:
                sent = yield waiting
            except BaseException as exc:  # handed to ``work``, as a task would
                thrown = exc
            try:
                waiting = work.send(sent) if thrown is None else work.throw(thrown)
            except StopIteration:
                return


class PooledTransaction:
    """The block of :meth:`Database.transaction`: a turn, a pooled connection and a
    :class:`ScopedTransaction` on it, given back in reverse when the block ends, with the
    driver's errors translated.

    A class, not a generator-based context manager: entering and leaving one of those
    costs twice as much, on every call of the store.
    """

    __slots__ = ("_conn", "_db", "_inner", "_pool", "_scope", "_turns")
    _turns: Turns  # set on entry

    def __init__(self, db: Database, scope: Scope) -> None:
        self._db = db
        self._scope = scope
        self._pool: Pool | None = None
        self._conn: AsyncConnection[DictRow] | None = None
        self._inner: ScopedTransaction | None = None

    async def __aenter__(self) -> Transaction:
        db = self._db
        # The one the turn is given back to, even if the pool is opened anew meanwhile.
        self._turns = db._turns
        try:
            await db._take_turn(self._turns)
        except psycopg.Error as exc:
            raise translate(exc) from exc
        try:
            self._pool, conn = await db._acquire()
        except BaseException as exc:
            self._turns.give_back()
            if isinstance(exc, psycopg.Error):
                raise translate(exc) from exc
            raise
        self._conn = conn
        db._in_use += 1
        timeout = db._settings.statement_timeout_ms
        try:
            inner = ScopedTransaction(conn, self._scope, statement_timeout_ms=timeout)
            transaction = await inner.__aenter__()
        except BaseException as exc:
            await self._end(exc)  # it left its connection idle or closed, as on leaving
            raise
        self._inner = inner
        return transaction

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._inner is not None
        try:
            await self._inner.__aexit__(kind, exc, traceback)
        except BaseException as error:
            await self._end(error)
            raise
        await self._end(exc)

    async def _end(self, error: BaseException | None) -> None:
        """Give the connection back, then the turn; raise ``error`` translated if it is the
        driver's (any other error goes on as it is)."""
        assert self._pool is not None
        assert self._conn is not None
        db, conn = self._db, self._conn
        # Lost mid-call (no SQLSTATE: the connection, not a statement, failed). It may be
        # closed already: the transaction dropped a connection it cannot trust.
        if isinstance(error, psycopg.OperationalError) and (conn.broken or error.sqlstate is None):
            db._doubt = True
        try:
            db._in_use -= 1
            await db._shielded(_release(self._pool, conn))
        finally:
            self._turns.give_back()
        if isinstance(error, psycopg.Error):
            raise translate(error) from error


async def _usable(conn: AsyncConnection[DictRow]) -> bool:
    """Whether an idle pooled connection still works, without a round trip when it does.

    An idle connection has nothing to read unless the server wrote to it first, which it
    does when it shuts down (or sends a notice); only then is a real check worth its trip.
    """
    if conn.closed:
        return False
    readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
    if not readable:
        return True
    try:
        await conn.execute(b"")
    except psycopg.Error:
        return False
    return True


async def _release(pool: Pool, conn: AsyncConnection[DictRow]) -> None:
    """Return ``conn`` idle to ``pool``, or closed (the pool replaces it) if that fails."""
    status = conn.pgconn.transaction_status
    try:
        if conn.pgconn.pipeline_status or status == TransactionStatus.ACTIVE:
            await conn.close()  # interrupted mid-exchange: its state is unknown
        elif status != TransactionStatus.IDLE and not conn.closed:
            await conn.rollback()
    except psycopg.Error:
        await conn.close()
    finally:
        await pool.putconn(conn)
