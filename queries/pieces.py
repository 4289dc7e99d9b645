"""A refresh's new lines into the cache: Python reads and checks a piece while DuckDB stores the one before."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from ledger import LedgerState
from ledger.reader import LedgerRead
from queries import days, loading

_STOP = object()


class Serial:
    """The calls run at once, in the calling thread."""
    error = None

    def submit(self, fn: Callable[..., object], *args: object) -> None:
        fn(*args)

    def close(self) -> None:
        pass


THREADED = True  # False: DuckDB's calls run in the reading thread (to compare, scripts/bench.py)
LOAD_MEMORY = 200 * 2**20  # DuckDB's least memory limit while a large load goes into a cache file (capped_memory)


class Worker:
    """DuckDB statements run in order on a thread of their own (DuckDB lets go of the GIL while it works).

    At most one call waits while another runs, so that no more than a few pieces are alive at once.
    A call that fails makes the later ones skipped, and `close` raises its error.
    """

    def __init__(self) -> None:
        self._calls: queue.Queue[Any] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="dealbook-load", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (call := self._calls.get()) is not _STOP:
            if self.error is None:
                fn, args = call
                try:
                    fn(*args)
                except BaseException as err:  # handed to the reading thread by close()
                    self.error = err

    def submit(self, fn: Callable[..., object], *args: object) -> None:
        if self.error is not None:
            raise self.error
        self._calls.put((fn, args))

    def close(self) -> None:
        """Wait for every call; raise the first error."""
        self._calls.put(_STOP)
        self._thread.join()
        if self.error is not None:
            raise self.error


@contextlib.contextmanager
def worker() -> Iterator[Worker]:
    """A Worker, joined on the way out (also when the reading side fails: nothing runs after)."""
    work = Worker() if THREADED else Serial()
    try:
        yield work
    except BaseException:
        work.error = work.error or RuntimeError("the load was given up")  # what is still queued is skipped
        with contextlib.suppress(BaseException):
            work.close()
        raise
    work.close()


@contextlib.contextmanager
def capped_memory(cur: duckdb.DuckDBPyConnection, cache_file: Path | None, text_bytes: int,
                  large: bool) -> Iterator[None]:
    """DuckDB's memory limited during a large load into a cache file, then as it was: LOAD_MEMORY, or
    twice the text loaded when more (the indexes must fit, and a larger ledger must not fail to load).

    DuckDB then writes the transaction's rows to the file and spills the snapshot's fold sooner:
    at 1M events (135 MB of text, so 270 MB) the load's peak went from 872 to 733-788 MiB, in the
    same time. The directory it spills to (beside the cache) is removed once empty.
    """
    if cache_file is None or not large:
        yield
        return
    cur.execute(f"SET memory_limit = '{max(LOAD_MEMORY, 2 * text_bytes) // 2**20}MB'")
    try:
        yield
    finally:
        cur.execute("RESET memory_limit")
        with contextlib.suppress(OSError):  # not there, or not empty: DuckDB's own
            cache_file.with_name(cache_file.name + ".tmp").rmdir()


def insert_pieces(cur: duckdb.DuckDBPyConnection, reads: Iterable[LedgerRead], state: LedgerState,
                  day_tz: str | None, seen: Callable[[LedgerRead], None]) -> int:
    """Insert each piece's events into ledger_events; the number of events. The caller folds the snapshot.

    Runs inside the caller's transaction: the rows, the snapshot (loading.update_snapshot) and the
    coverage the caller writes after them are committed together or not at all, so that a cache cut
    short never claims lines it does not hold. `reads` fold into `state` (the reader's pieces);
    `day_tz`: the zone the rows already stored are dated in; `seen` is called with each piece once
    it is read (its bytes, its problems). One transaction and one snapshot fold, rather than a commit
    and a fold per piece, and DuckDB storing a piece while Python reads the next, are measured in
    docs/performance.md.
    """
    state.stage_before = {}  # the fold notes each stage_changed's prior stage, which its row keeps
    added = 0
    try:
        with worker() as work:
            for read in reads:
                seen(read)
                if state.tz != day_tz:  # a new time zone: every day stored so far is read again in it
                    work.submit(days.redate, cur, state.tz)
                    day_tz = state.tz
                if read.events:  # the text as written, when it is what the events encode to: not encoded again
                    params = loading.chunk_params(read.events, read.lines, state, state.tz, state.stage_before,
                                                  text=read.text)
                    added += len(read.events)
                    del read  # the piece's structs go now; the worker holds only the chunk's text
                    work.submit(loading.insert_chunk, cur, "ledger_events", params)
                    del params
    finally:
        state.stage_before = None
    return added
