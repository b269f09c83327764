"""The blocking store for scripts, derived from the async one rather than written twice.

:class:`SyncStore` runs a :class:`Store` on an event loop in a private thread; each of its
methods is the async method of the same name, called and waited for (:func:`_blocking`
keeps its signature and docstring). The methods are named one a line, not set in a loop
over :class:`Store`: mypy (and an editor) knows only the attributes a class states, so a
loop would leave every blocking call untyped. A test names any operation without its
twin, with the line to add.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from vidprompt.prompts._store import Store

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from types import TracebackType
    from typing import Concatenate, Self

    from vidprompt.config import Settings

P = ParamSpec("P")
R = TypeVar("R")


def _blocking(
    method: Callable[Concatenate[Any, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[SyncStore, P], R]:
    def call(self: SyncStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._wait(method(self._store, *args, **kwargs))

    call.__name__ = call.__qualname__ = method.__name__
    call.__doc__ = method.__doc__
    return call


class SyncStore:
    """:class:`Store` for code without an event loop; safe to share between threads::

    with SyncStore() as store:
        image = store.create_image(Scope.user(user_id), url=..., storage_path=...)
    """

    def __init__(self, url: str | None = None, *, settings: Settings | None = None) -> None:
        self._store = Store(url, settings=settings)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def open(self) -> None:
        if self._loop is not None:
            return
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="vidprompt-store", daemon=True
        )
        self._thread.start()
        try:
            self._wait(self._store.open())
        except BaseException:
            self._stop()
            raise

    def close(self) -> None:
        if self._loop is None:
            return
        try:
            self._wait(self._store.close())
        finally:
            self._stop()

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _wait(self, work: Coroutine[Any, Any, R]) -> R:
        if self._loop is None:
            work.close()
            raise RuntimeError("The store is not open; use `with` or call open().")
        return asyncio.run_coroutine_threadsafe(work, self._loop).result()

    def _stop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()

    create_image = _blocking(Store.create_image)
    get_image = _blocking(Store.get_image)
    list_images = _blocking(Store.list_images)
    delete_image = _blocking(Store.delete_image)
    create_variant = _blocking(Store.create_variant)
    list_variants = _blocking(Store.list_variants)
    page_variants = _blocking(Store.page_variants)
    page_variant_rows = _blocking(Store.page_variant_rows)
    claim_request = _blocking(Store.claim_request)
    finish_request = _blocking(Store.finish_request)
    release_request = _blocking(Store.release_request)
    get_variant = _blocking(Store.get_variant)
    update_variant = _blocking(Store.update_variant)
    mark_primary = _blocking(Store.mark_primary)
    delete_variant = _blocking(Store.delete_variant)
