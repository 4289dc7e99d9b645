"""An iterator run on a thread of its own, a few items ahead of its reader (a table's rows fetched during the fold).

psycopg lets go of the GIL while it waits on the socket, so the server's answer for the next piece
arrives while this process reads and checks the one before. The items cross a small queue, so
that no more than `depth` of them wait at once.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

_END = object()
_POLL = 0.1  # seconds between looks at whether the reader gave up, while the queue is full


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class Ahead(Generic[T]):
    """Iterate over `items` on a thread; the reader gets them in order, and their iterator's error in its turn.

    `close` (or leaving the `ahead` block) stops the thread and closes `items` there, at once if
    the thread waits on the queue, else once its current item is made.
    """

    def __init__(self, items: Iterator[T], depth: int = 2) -> None:
        self._items = items
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._done = False
        self._thread = threading.Thread(target=self._run, name="dealbook-fetch", daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for item in self._items:
                if not self._put(item):
                    return
            self._put(_END)
        except BaseException as err:  # handed to the reader, raised in its thread
            self._put(_Failed(err))
        finally:
            close = getattr(self._items, "close", None)
            if close is not None:
                with contextlib.suppress(BaseException):
                    close()

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        item = self._queue.get()
        if item is _END:
            self._done = True
            raise StopIteration
        if isinstance(item, _Failed):
            self._done = True
            raise item.error
        return item  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the thread and wait for it (its iterator closed); what it had fetched is dropped."""
        self._stop.set()
        self._done = True
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                while True:
                    self._queue.get_nowait()
            self._thread.join(timeout=_POLL)


@contextlib.contextmanager
def ahead(items: Iterator[T], depth: int = 2) -> Iterator[Ahead[T]]:
    """`items` iterated on a thread while the block reads them; the thread stopped on the way out."""
    fetch = Ahead(items, depth)
    try:
        yield fetch
    finally:
        fetch.close()
