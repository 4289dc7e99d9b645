"""The Store of a ledger table: its rows read by seq into a DuckDB cache kept on this laptop, only the new ones on reopen.

The cache lives in $XDG_CACHE_HOME/dealbook/ (else ~/.cache/dealbook/), one file per server, database
and table. It records the last seq it holds and that row's id: a reopen checks that the table still
has that row (a table dropped and made again under the same name starts over), then reads the rows
past it. The rows' lines are read by the file reader's code (ledger.home_table.fold_piece), and stored
as a file's are (queries/pieces.py), so a table and a file load into the same rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections import deque
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import duckdb

from ledger import LedgerState
from ledger.home import home_for
from ledger.home_table import TableHome, TableName, fold_piece
from ledger.postgres import Offline, Piece, Where, parse_url
from ledger.reader import LedgerRead
from ledger.writer import Resumed
from queries import cache, loading
from queries.ahead import ahead
from queries.store import Store

PIECE_ROWS = 60_000  # rows fetched, folded and stored at a time (about 8 MB of the generated ledgers' text, as a
# file's load piece): a million events held at once weigh over 1 GB
RECENT_EVENTS = 100_000  # a refresh that adds more keeps no `recent` (the board then waits for the engine's view)
TABLE_KEY = "table_last"  # cache_meta: "seq id" of the last row the cache holds


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dealbook"


def cache_path_for_table(where: Where) -> Path:
    """One cache per server, database and table (never per user: a laptop's reps share what they read)."""
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(where.conninfo)
    host = info.get("host") or os.environ.get("PGHOST") or "local"
    port = info.get("port") or os.environ.get("PGPORT") or "5432"
    dbname = info.get("dbname") or os.environ.get("PGDATABASE") or info.get("user") or os.environ.get("PGUSER") or ""
    key = f"{host}:{port}/{dbname}/{where.table}"
    return cache_dir() / f"{where.table}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.duckdb"


class TableStore(Store):
    """A Store whose ledger is a PostgreSQL table (see the module's docstring); Offline when the server is away."""

    def __init__(self, url: str, cache_file: Path | None) -> None:
        self.url = url
        self.where = parse_url(url)
        super().__init__(TableName(str(self.where)), cache_file)  # type: ignore[arg-type]

    offline: str | None = None  # why the server could not be reached when a board opened it from its cache
    # the last refresh that loaded rows: the seq before it, the seq after it, and the events it added (a board
    # carries them over its last view at once, tui/board/data.py: caught_up)
    recent: tuple[int, int, list] | None = None

    @property
    def position(self) -> int:
        """The last seq loaded."""
        return self._coverage.covered

    @classmethod
    def open_table(cls, url: str, *, cache: bool = True, offline_ok: bool = False) -> TableStore:
        """The table's Store, caught up with the server. `offline_ok` (the board): when the server cannot be
        reached, the cache as last read (`offline` says why), if it holds any row; else Offline."""
        where = parse_url(url)
        path = cache_path_for_table(where) if cache else None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                path = None
        store = cls(url, path)
        try:
            return store._refreshed()
        except Offline as err:
            if not offline_ok or store.cache_path is None:
                raise
            return cls._as_cached(url, store.cache_path, err)
        except duckdb.Error as err:
            if store.cache_path is None:
                raise
            failure = err
        with contextlib.suppress(OSError):  # only a cache: made again, else the table is read into memory
            store._remove_cache_files()
        store = cls(url, store.cache_path)
        store.cache_note = f"the cache {store.cache_path} could not be read ({failure}): rebuilt"
        try:
            return store._refreshed()
        except duckdb.Error as err:
            store = cls(url, None)
            store.cache_note = f"cannot use the cache {path} ({err}): working from memory"
            return store._refreshed()

    @classmethod
    def _as_cached(cls, url: str, path: Path, away: Offline) -> TableStore:
        """The cache as last read, unproven (the next refresh that reaches the server proves it); `away` unless
        it holds a row."""
        store = cls(url, path)
        try:
            if not store._coverage.covered:
                raise away
            with store._lock, store._con.cursor() as cur:
                store._last = store._last_row(cur)
                store._day_tz = store._resume_base(cur).tz
        except BaseException:
            store.close()
            raise
        store.offline = str(away)
        return store

    @property
    def home(self) -> TableHome:
        home = home_for(self.url)
        assert isinstance(home, TableHome)
        return home

    def refresh(self) -> int:
        """Add the rows past the last seq held; Offline (the cache untouched) when the server cannot be reached."""
        with self._lock, self._con.cursor() as cur:
            home = self.home
            if self._coverage.covered and not self._proven:
                held = cache.read_meta(cur).get(TABLE_KEY, "").split(" ", 1)
                if len(held) != 2 or home.id_at(self._coverage.covered) != held[1]:
                    self._rebuild(cur)  # another table under this name (dropped and made again): start over
            self._proven = True
            with ahead(home.iter_pieces_after(self._coverage.covered, PIECE_ROWS)) as fetched:
                added = self._load(cur, fetched)
            self._tail_problems = []
            self.offline = None
            return added

    def _load(self, cur: duckdb.DuckDBPyConnection, fetched: Iterator[Piece]) -> int:
        """The fetched pieces into the cache as a file's lines go (Store._refresh_from): one transaction, so
        that a load cut short leaves the cache as it was; the snapshot folded once; DuckDB storing a piece
        while the next is read and checked (pieces.insert_pieces)."""
        cov = self._coverage
        first = next(fetched, None)
        if first is None:  # nothing new
            self._last = self._last_row(cur)
            self._day_tz = self._resume_base(cur).tz
            return 0
        if cov.covered:  # the cache's fold for what every new row names: the rows are all fetched first
            held = deque([first, *fetched])
            ids, deals = set(), set()
            for piece in held:
                named = loading.referenced(piece.text)
                ids |= named[0]
                deals |= named[1]
            state = loading.resume_state(cur, ids, deals, self._resume_base(cur))
            source: Iterator[Piece] = _draining(held)
            text_bytes, large = sum(len(p.text) for p in held), len(held) > 1
        else:
            state = LedgerState()
            source = chain([first], fetched)
            # about the text to load: the first piece's bytes per seq, up to the table's last seq
            text_bytes = len(first.text) * first.table_last // max(1, first.last_seq)
            large = first.table_last > first.last_seq
        del first
        self._day_tz = state.tz
        ends: list = [cov.covered, cov.next_line, ""]
        problems: list = []
        recent: list | None = []

        def reads() -> Iterator[LedgerRead]:
            for piece in source:
                read = fold_piece(self.path, piece, ends[1], state)
                ends[:] = read.end_offset, read.next_line, piece.last_id
                del piece
                yield read

        def seen(read: LedgerRead) -> None:
            nonlocal recent
            problems.extend(read.problems)
            if recent is not None:
                recent = recent + read.events if len(recent) + len(read.events) <= RECENT_EVENTS else None

        wide = LedgerState()

        def covered() -> cache.Coverage:
            nonlocal state, wide
            wide, state = ledger_wide(state), LedgerState()  # the fold goes before DuckDB's fold of the snapshot
            cur.execute("INSERT OR REPLACE INTO cache_meta VALUES (?, ?)", [TABLE_KEY, f"{ends[0]} {ends[2]}"])
            return cache.Coverage(covered=ends[0], next_line=ends[1], problems=cov.problems + problems)

        added = self._load_in_one(cur, reads(), state, seen, text_bytes, large, covered)
        self._last = self._last_row(cur)
        # the fold's ledger-wide parts are resume_base's answer for the rows now loaded: kept, not queried again
        self._base = ((self._coverage.covered, self._coverage.next_line), wide)
        self.recent = (cov.covered, self._coverage.covered, recent) if recent is not None else None
        return added

    def resume(self, ids: set[str], deals: set[str]) -> Resumed | None:
        """The fold of the rows loaded so far, for these ids and deals: a table writer's StateSource.

        It spares a process's first append the read of the whole table (19 s at a million rows). No
        refresh and no server: the writer proves, under the table's lock, that the row at the last seq
        held still has the id recorded here, then reads the rows past it. None when the cache holds
        nothing, its rows have problems (the writer reads the table and refuses as without a cache),
        or a refresh holds the Store.
        """
        if not self._lock.acquire(timeout=1.0):
            return None
        try:
            cov = self._coverage
            if not cov.covered or cov.problems:
                return None
            with self.cursor() as cur:
                held = cache.read_meta(cur).get(TABLE_KEY, "").split(" ", 1)
                if len(held) != 2 or held[0] != str(cov.covered) or not held[1]:
                    return None
                state = loading.resume_state(cur, ids, deals, self._resume_base(cur))
            return Resumed(state, cov.covered, cov.next_line, (0, 0), last_id=held[1])
        finally:
            self._lock.release()


def ledger_wide(state: LedgerState) -> LedgerState:
    """The parts of a fold that loading.resume_base reads from the cache (ends, count, stages, targets, settings,
    key results), copied: what the next rows are checked against besides the deals and ids they name."""
    return LedgerState(last_ts=state.last_ts, stages=dict(state.stages), targets=dict(state.targets),
                       events=state.events, first_ts=state.first_ts, settings=dict(state.settings),
                       key_results=dict(state.key_results))


def _draining(held: deque[Piece]) -> Iterator[Piece]:
    """The pieces in order, each let go of as it is taken."""
    while held:
        yield held.popleft()


def table_source(url: str) -> contextlib.AbstractContextManager[TableStore | None]:
    """The table's cache on this laptop, unrefreshed, as a writer's source of its fold (cache.as_source)."""
    path = cache_path_for_table(parse_url(url))
    return cache.as_source(path, lambda: TableStore(url, path))
