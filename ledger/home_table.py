"""A ledger in a PostgreSQL table as a home: appends checked by the writer's rules inside append_lines' lock.

The home keeps the fold of the rows it has read (as the file writer keeps its fold), so an append
reads only the rows other laptops added since: append_lines hands them to the check, which folds
them and runs writer.checked, the very code that checks an append to a file. The rows' lines are
read by the file reader's code too (reader.read_bytes), so a table and a file accept the same lines.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from itertools import islice

import psycopg
import psycopg.sql

from ledger import postgres
from ledger.events import Event, encode_event
from ledger.problems import LedgerError, Offline
from ledger.reader import LedgerRead, read_bytes, referenced
from ledger.state import LedgerState
from ledger.writer import Appended, Clock, StateSource, checked


SEED_ATTEMPTS = 3  # asks of the source for more ids and deals (the rows past it name others) before reading it all


class _Moved(Exception):
    """The source's fold could not be widened in place to the deals the rows past it name (`deals`; none: give up)."""

    def __init__(self, deals: set[str]) -> None:
        super().__init__("the rows past the cache name more deals")
        self.deals = deals


def _deals_named(rows: Sequence[postgres.Row]) -> set[str]:
    return referenced("".join(text + "\n" for _, text in rows).encode("utf-8", "surrogateescape"))[1]


class TableName(str):
    """The table's URL as messages show it (no password): what LedgerRead.path and problems name."""


def fold_rows(name: str, rows: Sequence[postgres.Row], seq: int, line: int, state: LedgerState | None,
              keep_events: bool = True) -> LedgerRead:
    """The rows past `seq` (the start of line `line`) read as a file's lines are, folded into `state`.

    end_offset is the last seq read (the position of the next read), next_line the next line's number.
    """
    buf = "".join(text + "\n" for _, text in rows).encode("utf-8", errors="surrogateescape")
    read = read_bytes(TableName(name), buf, start_offset=0, start_line=line, state=state,  # type: ignore[arg-type]
                      keep_events=keep_events)
    read.end_offset = rows[-1][0] if rows else seq
    return read


def fold_piece(name: str, piece: postgres.Piece, line: int, state: LedgerState) -> LedgerRead:
    """A Piece of rows (its first row line `line`) read as a file's lines are, folded into `state`; its events
    kept. end_offset is the piece's last seq, next_line the next line's number."""
    read = read_bytes(TableName(name), piece.text, start_offset=0, start_line=line, state=state)  # type: ignore[arg-type]
    read.end_offset = piece.last_seq
    return read


def role(url: str) -> str | None:
    """The role a table's URL connects as: its user, else PGUSER (None when neither names one)."""
    import os

    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(postgres.parse_url(url).conninfo).get("user") or os.environ.get("PGUSER") or None


class TableHome:
    """One ledger table, for this process: a connection for reads and appends, one for LISTEN, and the fold."""

    def __init__(self, url: str) -> None:
        self.where = postgres.parse_url(url)
        self.name = str(self.where)
        self._lock = threading.RLock()
        self._conn: psycopg.Connection | None = None
        self._listener: postgres.Listener | None = None
        self._seen: LedgerRead | None = None  # the fold of every row read so far (appends only)

    def __str__(self) -> str:
        return self.name

    def connection(self) -> psycopg.Connection:
        """The home's connection, made again after a loss; Offline when the server cannot be reached."""
        with self._lock:
            if self._conn is None or self._conn.closed or self._conn.broken:
                self._drop()
                conn = postgres.connect(self.where)
                try:
                    postgres.require_table(conn, self.where)
                except psycopg.OperationalError as err:
                    conn.close()
                    raise Offline(f"lost the connection to the ledger {self.name} ({err})") from err
                except BaseException:
                    conn.close()
                    raise
                self._conn = conn
            return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except psycopg.Error:
                pass
        self._conn = None

    @contextlib.contextmanager
    def _serving(self) -> Iterator[None]:
        """The home held for one read; a connection lost in it is dropped (made again next time)."""
        with self._lock:
            try:
                yield
            except Offline:
                self._drop()
                raise

    def rows_after(self, seq: int) -> list[postgres.Row]:
        """Every (seq, line) past `seq`, in order; Offline when the connection is lost (made again next time)."""
        with self._serving():
            return list(postgres.read_from(self.connection(), self.where.table, seq))

    def iter_rows_after(self, seq: int, batch: int = postgres.READ_BATCH) -> Iterator[postgres.Row]:
        """Every (seq, line) past `seq`, fetched `batch` at a time (the query cache's load of a large table)."""
        with self._serving():
            yield from postgres.read_from(self.connection(), self.where.table, seq, batch)

    def iter_pieces_after(self, seq: int, rows: int) -> Iterator[postgres.Piece]:
        """The rows past `seq` in pieces of `rows` rows, as postgres.read_pieces (the query cache's load). The
        home is held until the iterator ends or is closed."""
        with self._serving():
            yield from postgres.read_pieces(self.connection(), self.where.table, seq, rows)

    def id_at(self, seq: int) -> str | None:
        """The id of the row at `seq` (None when there is none): proof that a cache's rows are this table's."""
        with self._lock:
            try:
                row = self.connection().execute(
                    psycopg.sql.SQL("SELECT id FROM {} WHERE seq = %s").format(psycopg.sql.Identifier(self.where.table)),
                    (seq,)).fetchone()
            except psycopg.OperationalError as err:
                self._drop()
                raise Offline(f"lost the connection to the ledger {self.name} ({err})") from err
            return row[0] if row else None

    def read_from(self, position: int = 0, line: int = 1, state: LedgerState | None = None, *,
                  keep_events: bool = True) -> LedgerRead:
        return fold_rows(self.name, self.rows_after(position), position, line, state, keep_events)

    def append(self, event: Event, *, expect_version: int | None = None, clock: Clock | None = None,
               source: StateSource | None = None) -> Appended:
        """Append after every check, against the fold this home keeps (the rows past it read under the lock);
        with none yet, against a `source`'s (the query cache on this laptop), proved under the lock to be
        this table's (the row at its last seq has its id), so that a process's first append reads only
        the rows past the cache, not the whole table. Else the whole table is read once."""
        if self._seen is None and source is not None:
            appended = self._append_seeded(event, expect_version, clock, source)
            if appended is not None:
                return appended
        with self._lock:
            seen = self._seen or LedgerRead(path=TableName(self.name), keep_events=False)  # type: ignore[arg-type]
            return self._append_after(seen, event, expect_version, clock, keep=True)

    def _append_seeded(self, event: Event, expect_version: int | None, clock: Clock | None,
                       source: StateSource) -> Appended | None:
        """The append checked against the source's partial fold and the rows past it; None to read the table.

        The fold must hold every deal that the event and the rows past it name, so those rows are read
        first without the lock (a hint: their deals are asked for at once), and an append whose rows past
        name still more under the lock is rolled back and tried again. Their ids need no asking: the
        table's UNIQUE id already refuses a repeated one. The source is never asked under this home's
        lock (a refreshing Store holds its own lock, then this home's).
        """
        ids, deals = referenced(encode_event(event))
        hinted = None
        for _ in range(SEED_ATTEMPTS):
            try:
                resumed = source.resume(set(ids), set(deals))
            except Exception:  # noqa: BLE001 - a cache that fails costs a full read, never an append
                return None
            if resumed is None or resumed.last_id is None or resumed.end_offset < 1:
                return None
            if hinted != resumed.end_offset:
                hinted = resumed.end_offset
                rows = self.iter_rows_after(resumed.end_offset)
                try:
                    past = list(islice(rows, resumed.next_line + 1))
                finally:
                    rows.close()  # stopped early: let go of the home's lock now, not when collected
                if len(past) > resumed.next_line:
                    return None  # a cache far behind saves little over reading the table
                named = _deals_named(past)
                if not named <= deals:
                    deals |= named
                    continue
            seen = LedgerRead(path=TableName(self.name), state=resumed.state, end_offset=resumed.end_offset,  # type: ignore[arg-type]
                              next_line=resumed.next_line, keep_events=False)

            def widened(caught_up: list[postgres.Row], seen: LedgerRead = seen) -> LedgerState:
                if len(caught_up) > seen.next_line:
                    raise _Moved(set())
                named = _deals_named(caught_up)
                if not named <= deals:
                    raise _Moved(named)
                return seen.state

            with self._lock:
                try:
                    return self._append_after(seen, event, expect_version, clock, keep=False,
                                              proof=resumed.last_id, widened=widened)
                except postgres.NotProven:
                    return None  # another table under this name: the cache is not its prefix
                except _Moved as moved:
                    if not moved.deals:
                        return None
                    deals |= moved.deals
        return None

    def _append_after(self, seen: LedgerRead, event: Event, expect_version: int | None, clock: Clock | None, *,
                      keep: bool, proof: str | None = None,
                      widened: Callable[[list[postgres.Row]], LedgerState] | None = None) -> Appended:
        """The append checked against `seen` and the rows past it; `keep`: whether `seen` is a full fold, kept
        for the next append. `widened`: a partial fold's state holding what the rows past it name."""
        conn = self.connection()
        outcome: dict[str, object] = {}

        def check(caught_up: list[postgres.Row]) -> list[str]:
            state = widened(caught_up) if widened is not None and caught_up else seen.state
            more = fold_rows(self.name, caught_up, seen.end_offset, seen.next_line, state, keep_events=False)
            more.problems = [*seen.problems, *more.problems]
            outcome["read"] = more  # other laptops' rows, committed: kept whatever this append becomes
            final = checked(more, event, expect_version, clock)
            outcome["event"] = final
            return [encode_event(final).decode().rstrip("\n")]

        try:
            result = postgres.append_lines(conn, self.where.table, seen.end_offset,
                                           [encode_event(event).decode().rstrip("\n")], check, proof=proof)
        except Offline:
            self._seen = None
            self._drop()
            raise
        except LedgerError:
            read = outcome.get("read")
            self._seen = read if keep and isinstance(read, LedgerRead) else None
            raise
        except BaseException:
            self._seen = None
            raise
        if result.repeated:  # the line was there already (a retry after a lost answer): read it again
            self._seen = None
            read = self.read_from(0, 1, None, keep_events=False)
            deal = read.state.deals.get(event.deal_id or "")
            return Appended(event, read.state.ids.get(event.id, read.next_line - 1),
                            deal.version if deal else None)
        read = outcome["read"]
        final = outcome["event"]
        assert isinstance(read, LedgerRead) and isinstance(final, Event)
        number = read.next_line
        read.state.apply(final, number)
        read.end_offset = result.seqs[-1]
        read.next_line += 1
        self._seen = read if keep else None  # a partial fold is not kept: the next append asks the source again
        deal = read.state.deals.get(final.deal_id or "")
        return Appended(final, number, deal.version if deal else None)

    def wait(self, timeout: float) -> bool:
        """Whether another process appended within `timeout` (LISTEN); Offline when the connection is lost."""
        try:
            if self._listener is None:
                self._listener = postgres.Listener(self.where)
            return self._listener.wait(timeout) is not None
        except Offline:
            self._close_listener()
            raise

    def _close_listener(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            except psycopg.Error:
                pass
        self._listener = None

    def close(self) -> None:
        with self._lock:
            self._drop()
            self._seen = None
        self._close_listener()
