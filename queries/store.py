"""The Store: one ledger file materialized in DuckDB (cached beside it), and the queries over it."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import duckdb

from ledger import DEFAULT_STAGES, Calendar, Event, LedgerError, LedgerState, Problem
from ledger.problems import is_url
from ledger.reader import LedgerRead, read_pieces
from ledger.writer import Resumed
from queries import cache, days, loading, pieces, sqlfiles
from queries.answers import Answers
from queries.facts import LedgerFacts
from queries.loaded import Loaded

LOADER_VERSION = "3"
CACHE_SUFFIX = ".dealbook-cache.duckdb"
# About 75k events of the generated ledgers (pieces.py). Each chunk costs DuckDB's worker some fixed work
# (staging tables, a plan, scans of the rows stored): at 1M, 8 MB pieces (17 chunks) kept the reading thread
# waiting on the worker 0.5-0.9 s; at 10 MB (13) it hardly waits, and the load took 5.39 -> 5.02 s (medians
# of 3 alternated runs) for 10-30 MiB more at peak (754-775 MiB); 12 MB gained nothing more, 16 MB came
# within 10-20 MiB of the 800 MiB target.
LOAD_PIECE_BYTES = 10 * 1024 * 1024


def cache_path_for(ledger: Path) -> Path:
    """Where a ledger's cache lives: beside it (`*.dealbook-cache*` is git-ignored)."""
    return ledger.with_name(ledger.name + CACHE_SUFFIX)


def engine_fingerprint() -> str:
    """What the cache's rows depend on besides the ledger: the SQL, the loader, the default stages."""
    return f"{LOADER_VERSION}:{sqlfiles.fingerprint()}:{sorted(DEFAULT_STAGES.items())!r}:{duckdb.__version__}"


class Store(Loaded, Answers):
    """A ledger read into DuckDB, kept up to date by `refresh()`.

    Every query runs on its own cursor, so a Store may be shared by worker threads; `refresh()` is
    serialized by a lock. With `cache=True` the database is a file beside the ledger, reused on the
    next open when it provably holds the ledger's current bytes (see cache.Coverage); if another
    process holds that file, the Store works in memory (`cache_note` says so).
    """

    def __init__(self, ledger: Path, cache_file: Path | None, full_check: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.path = ledger
        self.cache_path = cache_file
        self.full_check = full_check
        self._proven = False  # whether this Store has hashed the covered prefix since it was opened
        self.cache_note = ""
        self.progress = progress  # see open()
        self._lock = threading.RLock()
        self._engine = engine_fingerprint()
        self._coverage = cache.Coverage()
        self._tail_problems: list[Problem] = []
        self._last: tuple[int, int, int] | None = None  # seq, ts_us, utc_offset of the last row
        self._facts: tuple[tuple[int, int], LedgerFacts] | None = None  # facts() for the coverage it was read at
        self._base: tuple[tuple[int, int], LedgerState] | None = None  # resume_base() for the coverage, likewise
        self._zones: tuple[tuple[int, int], list[tuple[int, str | None]]] | None = None  # (ts_us, tz) named, likewise
        self._day_tz: str | None = None  # the zone the rows' `day` is read in: the ledger's latest
        self._con = self._connect()

    @classmethod
    def open(cls, ledger: str | os.PathLike[str], *, cache: bool = True, full_check: bool = False,
             progress: Callable[[int, int], None] | None = None) -> Store:
        """Open the ledger (a missing file is an empty ledger) and load what is new since the cache.

        A postgresql:// URL opens the table's Store (queries/table_store.py), cached on this laptop.
        `progress` (a file's Store): called with (bytes read, bytes to read) after each piece this refresh
        and later ones read, from the thread that refreshes; the first open of a large ledger reads many.
        """
        if is_url(ledger):
            from queries.table_store import TableStore

            return TableStore.open_table(str(ledger), cache=cache)
        path = Path(ledger)
        store = cls(path, cache_path_for(path) if cache else None, full_check, progress)
        try:
            return store._refreshed()
        except duckdb.Error as err:
            if store.cache_path is None:
                raise
            failure = err
        # A cache cut short or corrupt is only a cache: made again, else the ledger is read into memory.
        with contextlib.suppress(OSError):
            store._remove_cache_files()
        store = cls(path, store.cache_path, full_check, progress)
        store.cache_note = store.cache_note or f"the cache {store.cache_path} could not be read ({failure}): rebuilt"
        try:
            return store._refreshed()
        except duckdb.Error as err:
            store = cls(path, None, full_check, progress)
            store.cache_note = f"cannot use the cache {cache_path_for(path)} ({err}): working from memory"
            return store._refreshed()

    def _refreshed(self) -> Store:
        """This store after its first refresh; closed when that fails."""
        try:
            self.refresh()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def cursor(self, scenario: Sequence[Event] = (),
               calendar: Calendar | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own; with a scenario, its `events` are the ledger's plus those events.

        With a `calendar` other than the ledger's latest (a moment before its time zone was set or
        changed), its `events` read each row's day in that calendar, and the snapshot is not used.
        """
        cur = self._con.cursor()
        try:
            shadow = calendar is not None and calendar.tz != self._day_tz
            if scenario:
                self._overlay(cur, scenario)
            if shadow:
                assert calendar is not None
                self._reread_days(cur, calendar.tz, bool(scenario))
            yield cur
        finally:
            cur.close()

    def _reread_days(self, cur: duckdb.DuckDBPyConnection, tz: str | None, scenario: bool) -> None:
        rows = "main.ledger_events" + (" UNION ALL SELECT * FROM temp.scenario_events" if scenario else "")
        self.events_view(cur, f"SELECT * FROM {rows}", Calendar(tz, self.last_offset))

    def events_view(self, cur: duckdb.DuckDBPyConnection, rows: str, calendar: Calendar) -> None:
        """Make this cursor's `events` the rows of the query `rows`, each row's day read in `calendar`.

        In the ledger's latest calendar the loaded days stand; in another (a moment before its time
        zone was set or changed) every day is read again, and the snapshot (whose days are the
        latest calendar's) is hidden behind an empty one, so that forecasts fold the rows.
        """
        if calendar.tz == self._day_tz:
            cur.execute(f"CREATE OR REPLACE TEMP VIEW events AS {rows}")
        else:
            days.reread_view(cur, rows, calendar.tz)

    # -- loading -----------------------------------------------------------------------------

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self.cache_path is None:
            return self._prepare(duckdb.connect())
        # ICU's zone is only for display here: every day is computed in a named zone, or an offset
        try:
            return self._prepare(duckdb.connect(str(self.cache_path)))
        except duckdb.IOException as err:
            if "lock" in str(err).lower():
                self.cache_note = f"cache in use by another process ({self.cache_path.name}): reading into memory"
                self.cache_path = None
                return self._prepare(duckdb.connect())
        except duckdb.Error:
            pass  # not a database this DuckDB can read: it is only a cache, made again below
        try:
            self._remove_cache_files()
            return self._prepare(duckdb.connect(str(self.cache_path)))
        except (duckdb.Error, OSError) as err:  # a read-only directory, a directory in its place, a full disk
            self.cache_note = f"cannot write the cache {self.cache_path} ({err}): working from memory"
            self.cache_path = None
            return self._prepare(duckdb.connect())

    def _remove_cache_files(self) -> None:
        assert self.cache_path is not None
        for path in (self.cache_path, self.cache_path.with_name(self.cache_path.name + ".wal")):
            path.unlink(missing_ok=True)

    def _prepare(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """Create the schema, or drop a cache made by other code, so that the tables match this engine."""
        tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        meta = cache.read_meta(con) if "cache_meta" in tables else {}
        if meta.get("engine") != self._engine:
            con.execute("DROP VIEW IF EXISTS events")
            for table in ("ledger_events", "deal_snapshot", "default_stages", "cache_meta"):
                con.execute(f"DROP TABLE IF EXISTS {table}")
            con.execute(sqlfiles.sql("schema"))
            con.executemany("INSERT INTO default_stages VALUES (?, ?, ?, ?, ?)",
                            [(name, *stage) for name, stage in DEFAULT_STAGES.items()])
            cache.write_meta(con, self._engine, cache.Coverage())
            meta = cache.read_meta(con)
        self._coverage = cache.coverage_from(meta)
        return con

    def refresh(self) -> int:
        """Add the lines appended since the last load (rebuilding when the covered bytes changed).

        Returns the number of events added.
        """
        with self._lock, self._con.cursor() as cur:
            try:
                f = open(self.path, "rb")
            except FileNotFoundError:
                if self._coverage.covered:
                    self._rebuild(cur)
                self._tail_problems = []
                return 0
            with f:
                return self._refresh_from(cur, f)

    def _refresh_from(self, cur: duckdb.DuckDBPyConnection, f: BinaryIO) -> int:
        stat = os.fstat(f.fileno())
        cov = self._coverage
        digest = None  # the xxh3-128 of the covered prefix, once it has been read
        if cov.covered > stat.st_size:
            self._rebuild(cur)  # truncated
        elif (self._proven and not self.full_check and cov.identity == cache.identity(stat)
              and cache.tail_digest(f, cov.covered) == cov.tail_sha256):
            if stat.st_size == cov.covered:
                return self._unchanged(cur)  # the very file the cache was written from, unchanged
        elif cov.covered:
            digest = cache.hash_range(f, 0, cov.covered)
            if digest.hexdigest() != cov.prefix_hash:
                self._rebuild(cur)  # edited or replaced
                digest = None
            elif stat.st_size == cov.covered:  # every byte proven, and no new line
                self._proven = True
                if cov.identity != cache.identity(stat):  # the same bytes, touched: this Store's later
                    self._coverage = dataclasses.replace(cov, identity=cache.identity(stat))  # refreshes trust it
                return self._unchanged(cur)
        self._proven = True  # this Store has hashed the whole prefix (or rebuilt): it covers the file as it is
        cov = self._coverage
        f.seek(cov.covered)
        fresh = f.read()
        read_all = len(fresh) == stat.st_size - cov.covered  # nothing appended since the stat
        state = self._resume_state(cur, fresh) if cov.covered else LedgerState()
        self._day_tz, problems = state.tz, []
        if fresh and digest is None:
            digest = cache.hash_range(f, 0, cov.covered)
        ends = [cov.covered, cov.next_line]

        def seen(read: LedgerRead) -> None:
            if digest is not None:
                digest.update(memoryview(fresh)[ends[0] - cov.covered: read.end_offset - cov.covered])
            ends[:] = read.end_offset, read.next_line
            problems.extend(read.problems)
            if self.progress is not None:
                self.progress(read.end_offset - cov.covered, len(fresh))

        def covered() -> cache.Coverage:
            nonlocal state, fresh
            state, fresh = LedgerState(), b""  # the fold and the text (400 MB at 1M events) go before DuckDB's fold
            return cache.Coverage(
                covered=ends[0], next_line=ends[1],
                prefix_hash=digest.hexdigest() if digest is not None else cov.prefix_hash,
                tail_sha256=cache.tail_digest(f, ends[0]),
                identity=cache.identity(stat) if read_all else [],
                problems=cov.problems + [p for p in problems if p.line < ends[1]],
            )
        reads = read_pieces(self.path, fresh, start_offset=cov.covered, start_line=cov.next_line, state=state,
                            piece_bytes=LOAD_PIECE_BYTES)
        added = self._load_in_one(cur, reads, state, seen, len(fresh), len(fresh) > LOAD_PIECE_BYTES, covered)
        self._tail_problems = [p for p in problems if p.line >= ends[1]]
        self._last = self._last_row(cur)
        return added

    def _load_in_one(self, cur: duckdb.DuckDBPyConnection, reads: Iterator[LedgerRead], state: LedgerState,
                     seen: Callable[[LedgerRead], None], text_bytes: int, large: bool,
                     covered: Callable[[], cache.Coverage]) -> int:
        """A refresh's pieces into the cache in one transaction (the file's and the table's): the events added.

        The rows (pieces.insert_pieces), the snapshot and the coverage `covered()` gives are committed
        together or not at all, so that a load cut short leaves the cache as it was, never claiming lines it
        does not hold. `covered` runs inside the transaction once every piece is in (it may write meta of its
        own), before the snapshot's fold: the caller lets its fold and text go there.
        """
        with pieces.capped_memory(cur, self.cache_path, text_bytes, large) as freed:
            cur.begin()
            try:
                added = pieces.insert_pieces(cur, reads, state, self._day_tz, seen)
                tz = state.tz
                del state, reads
                new = covered()
                freed()
                if added:  # nothing covered before: deal_snapshot is empty (a rebuild empties both)
                    loading.update_snapshot(cur, empty=not self._coverage.covered)
                cache.write_meta(cur, self._engine, new)
                cur.commit()
            except BaseException:
                cur.rollback()
                raise
            self._coverage, self._day_tz = new, tz
            if added > 50_000 and self.cache_path is not None:
                cur.execute("CHECKPOINT")  # so that the next open does not replay a large write-ahead log
        return added

    def _unchanged(self, cur: duckdb.DuckDBPyConnection) -> int:
        """No line added: the figures kept by the load are read back from the cache."""
        self._tail_problems = []
        self._last = self._last_row(cur)
        self._day_tz = self._resume_base(cur).tz
        return 0

    def _resume_state(self, cur: duckdb.DuckDBPyConnection, fresh: bytes) -> LedgerState:
        ids, deals = loading.referenced(fresh)
        return loading.resume_state(cur, ids, deals)

    def resume(self, ids: set[str], deals: set[str]) -> Resumed | None:
        """The fold of the lines loaded so far, for these ids and deals: a LedgerWriter's StateSource.

        It spares the writer's first append the read of the whole file (4.7 s at a million lines).
        No refresh: the writer reads the lines after the coverage itself, under its lock. None when
        the coverage vouches for no file (not read to its end), or its lines have problems (the
        writer then reads the file and refuses as without a source), or a refresh holds the Store.
        """
        if not self._lock.acquire(timeout=1.0):  # a long refresh under way: the writer reads the file
            return None
        try:
            cov = self._coverage
            if len(cov.identity) != 4 or cov.problems:
                return None
            with self.cursor() as cur:
                state = loading.resume_state(cur, ids, deals, self._resume_base(cur))
            return Resumed(state, cov.covered, cov.next_line, (cov.identity[0], cov.identity[1]), cov.prefix_hash)
        finally:
            self._lock.release()

    def _rebuild(self, cur: duckdb.DuckDBPyConnection) -> None:
        cur.begin()
        cur.execute("DELETE FROM ledger_events")
        cur.execute("DELETE FROM deal_snapshot")
        cache.write_meta(cur, self._engine, cache.Coverage())
        cur.commit()
        self._coverage = cache.Coverage()
        self._day_tz = None
        self._last = self._last_row(cur)

    def _overlay(self, cur: duckdb.DuckDBPyConnection, scenario: Sequence[Event]) -> None:
        """Make this cursor's `events` the ledger's plus hypothetical events appended after its last line."""
        ids = {event.id for event in scenario}
        deals = {d for event in scenario for d in loading.deals_named(event)}
        state = loading.resume_state(cur, ids, deals)
        state.stage_before = {}  # the fold notes each stage change's prior stage, which its row keeps
        first_line = self._coverage.next_line
        refused = loading.check_scenario(state, scenario, first_line)
        if refused:
            raise LedgerError("; ".join(refused))
        cur.execute("CREATE TEMP TABLE scenario_events AS SELECT * FROM main.ledger_events LIMIT 0")
        cur.execute("CREATE TEMP VIEW events AS SELECT * FROM main.ledger_events "
                    "UNION ALL SELECT * FROM temp.scenario_events")
        loading.insert_scenario(cur, scenario, first_line, state, self._day_tz)
