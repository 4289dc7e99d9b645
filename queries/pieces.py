"""A refresh's new lines into the cache: Python reads and checks a piece while DuckDB stores the one before."""

from __future__ import annotations

import contextlib
import gc
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from ledger import LedgerState
from ledger.collector import collector_back
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
PIECES_MEMORY = 3.0  # times the text's bytes: DuckDB's limit while the pieces go in (capped_memory)
FOLD_MEMORY = 3.3  # times the text's bytes: DuckDB's limit for the snapshot's fold at the end of a large load


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


SWITCH_INTERVAL = 0.0005  # seconds the reading thread keeps the GIL once the worker asks for it (_loading)
_loads = threading.Lock()
_before: dict[str, Any] = {"loads": 0, "interval": 0.0, "collector": True}  # as it was before the first load


@contextlib.contextmanager
def _loading() -> Iterator[None]:
    """While a load reads and stores its pieces, Python's thread switch interval at SWITCH_INTERVAL and its
    cyclic garbage collector paused; then both as they were. Counted, so that loads in two threads at once
    give them back once.

    The worker takes the GIL at each statement's start and end, and the reading thread, which holds it
    all the time, lets go only every switch interval (5 ms by default): at 1M events a first load's worker
    waited about 20 ms per statement. At 0.5 ms the reading thread finished 0.4-0.6 s sooner (5.0 s instead
    of 5.6 s). The fold makes no cycles, but its growing deals set off collections that walk them again and
    again: about 0.1 s of a first load at 1M, as in `check` (docs/performance.md).
    """
    with _loads:
        if _before["loads"] == 0:
            _before.update(interval=sys.getswitchinterval(), collector=gc.isenabled())
            sys.setswitchinterval(min(SWITCH_INTERVAL, _before["interval"]))
            gc.disable()
        _before["loads"] += 1
    try:
        yield
    finally:
        with _loads:
            _before["loads"] -= 1
            if _before["loads"] == 0:
                sys.setswitchinterval(_before["interval"])
                if _before["collector"]:
                    collector_back()


@contextlib.contextmanager
def worker() -> Iterator[Worker | Serial]:
    """A Worker, joined on the way out (also when the reading side fails: nothing runs after)."""
    if not THREADED:
        yield Serial()
        return
    work = Worker()
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
                  large: bool) -> Iterator[Callable[[], None]]:
    """DuckDB's memory limited during a large load into a cache file, then as it was: LOAD_MEMORY, or
    PIECES_MEMORY times the text loaded when more (the indexes must fit, and a larger ledger must not fail
    to load).

    DuckDB then writes the transaction's rows to the file and spills sooner: at 1M events (135 MB of
    text) the load's peak went from 872 to 733-788 MiB at twice the text; each write costs time, though:
    at 2.5 times the load took 0.16 s less for 15 MiB more, at 3 times about 0.1 s less again (peak 745 MiB
    once large chunks went through files; no limit: 960-990 MiB; docs/performance.md). Yields `freed`,
    to call once Python has let go of the text and its fold (over three times the text's bytes): the
    limit is then FOLD_MEMORY times the text, for the snapshot's fold, which at 270 MB spilled (at 1M:
    1.15 s, 0.65 s at 450 MB, the peak unchanged). The directory DuckDB spills to (beside the cache)
    is removed once empty.
    """
    if cache_file is None or not large:
        yield lambda: None
        return

    def limit(factor: float) -> None:
        mib = max(LOAD_MEMORY, int(factor * text_bytes)) // 2**20
        cur.execute(f"SET memory_limit = '{mib}MiB'")  # not MB: 10**6 bytes

    limit(PIECES_MEMORY)
    try:
        yield lambda: limit(FOLD_MEMORY)
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
        with _loading(), worker() as work:
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
            work.submit(loading.unstage, cur)
    finally:
        state.stage_before = None
    return added
