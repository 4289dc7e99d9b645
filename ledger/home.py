"""Where a ledger lives, a file or a PostgreSQL table, behind one interface: append, read from a position, wait.

Both homes check an append with the same code (writer.checked: the ledger's rules, the deal's
version, the stamping rules) against the fold of every line before it, read under the home's
lock: flock for a file, the table's advisory lock for a table. A position is where the next read
starts: a byte offset in a file, the last `seq` held in a table (LedgerRead.end_offset), with the
number of the next line (LedgerRead.next_line; in a table, the row's rank, so that a failed insert's
gap in `seq` leaves no gap in the line numbers).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from ledger.events import Event
from ledger.problems import Offline, is_url
from ledger.reader import LedgerRead, read_ledger
from ledger.state import LedgerState
from ledger.writer import Appended, Clock, StateSource, append_event

FILE_POLL_SECONDS = 0.1  # a file has no announcements: wait() looks at its size and mtime this often


class Home(Protocol):
    """A ledger's home: the CLI, the board and the query cache ask no more of it."""

    def append(self, event: Event, *, expect_version: int | None = None, clock: Clock | None = None,
               source: StateSource | None = None) -> Appended:
        """Append one event after all the checks, or raise LedgerError (Conflict, Unchanged, Offline); nothing
        written on refusal. A `source` (the query cache) may spare the read of every line before the cache's."""
        ...

    def read_from(self, position: int = 0, line: int = 1, state: LedgerState | None = None, *,
                  keep_events: bool = True) -> LedgerRead:
        """The lines past `position` (the start of line `line`), folded into `state`."""
        ...

    def wait(self, timeout: float) -> bool:
        """Whether new lines arrived within `timeout` seconds (a wake-up: read_from tells what)."""
        ...

    def close(self) -> None: ...


class FileHome:
    """A ledger file: the writer of ledger/writer.py and the reader of ledger/reader.py."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._seen = self._signature()

    def __str__(self) -> str:
        return str(self.path)

    def append(self, event: Event, *, expect_version: int | None = None, clock: Clock | None = None,
               source: StateSource | None = None) -> Appended:
        return append_event(self.path, event, expect_version=expect_version, clock=clock, source=source)

    def read_from(self, position: int = 0, line: int = 1, state: LedgerState | None = None, *,
                  keep_events: bool = True) -> LedgerRead:
        return read_ledger(self.path, start_offset=position, start_line=line, state=state, keep_events=keep_events)

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            now = self._signature()
            if now != self._seen:
                self._seen = now
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(FILE_POLL_SECONDS, left))

    def _signature(self) -> tuple[int, int, int]:
        try:
            st = os.stat(self.path)
        except OSError:
            return (0, 0, 0)
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def close(self) -> None:
        pass


@contextlib.contextmanager
def raw_lines(ledger: str | os.PathLike[str]) -> Iterator[Iterable[bytes]]:
    """The ledger's lines as written, each with its newline: the file's bytes, or the table's rows in seq order."""
    if is_url(ledger):
        assert isinstance(ledger, str)
        home = home_for(ledger)
        yield (text.encode("utf-8", errors="surrogateescape") + b"\n" for _, text in home.rows_after(0))  # type: ignore[attr-defined]
        return
    with open(ledger, "rb") as f:
        yield f


def place(ledger: str | os.PathLike[str]) -> Path | str:
    """A ledger as the layers above pass it: a postgresql:// URL as text (a Path would lose its `//`), else a Path."""
    return ledger if is_url(ledger) else Path(ledger)  # type: ignore[return-value]


class Watch:
    """A thread waiting on a home for other writers' lines: `changes` grows at each wake-up (and when the
    home goes away or comes back), `offline` says why the home cannot be reached, None while it can.

    A wake-up only: the reader then catches up by position (an announcement missed while away included).
    """

    def __init__(self, home: Home, timeout: float = 0.5, retry: float = 1.0) -> None:
        self.home, self.timeout, self.retry = home, timeout, retry
        self.changes = 0
        self.offline: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"watch {home}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                woke = self.home.wait(self.timeout)
            except Offline as err:
                if self.offline is None:
                    self.changes += 1
                self.offline = str(err)
                self._stop.wait(self.retry)
                continue
            except Exception as err:  # noqa: BLE001 - a watch never dies: it says why and tries again
                self.offline = f"the watch of {self.home} failed: {err}"
                self._stop.wait(self.retry)
                continue
            if self.offline is not None:  # back: whatever was appended meanwhile is read by position
                self.offline = None
                self.changes += 1
            elif woke:
                self.changes += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.timeout + self.retry + 1)


_tables: dict[str, Home] = {}
_tables_lock = threading.Lock()


def home_for(ledger: str | os.PathLike[str]) -> Home:
    """The home that `--ledger` names: a TableHome for a postgresql:// URL (one per URL and process, so that
    its fold and connection serve every append), else a FileHome."""
    if not is_url(ledger):
        return FileHome(ledger)
    assert isinstance(ledger, str)
    with _tables_lock:
        home = _tables.get(ledger)
        if home is None:
            from ledger.home_table import TableHome  # here: `import ledger` never loads psycopg

            home = _tables[ledger] = TableHome(ledger)
        return home


def forget_tables() -> None:
    """Close every table home of this process (tests; a board that quits)."""
    with _tables_lock:
        homes = list(_tables.values())
        _tables.clear()
    for home in homes:
        home.close()
