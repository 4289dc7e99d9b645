"""Appending one event: checked against the ledger, written whole under a lock, fsynced before success."""

from __future__ import annotations

import dataclasses
import fcntl
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import xxhash

from ledger.events import Event, encode_event
from ledger.prefix import Proven, hash_into, last_line
from ledger.problems import LedgerError, is_url
from ledger.reader import LedgerRead, read_bytes, read_ledger, referenced, side_file
from ledger.state import LedgerState
from ledger.rules import (  # noqa: F401 (the rules' names, as callers have always imported them)
    Clock, checked, new_id, now, refuse_broken, stamp, stamp_time, too_far_ahead,
)


class FileOps:
    """The system calls an append makes; tests swap in one that fails (ENOSPC, EIO) to prove nothing is lost."""

    def write(self, fd: int, data: bytes) -> int:
        return os.write(fd, data)

    def fsync(self, fd: int) -> None:
        os.fsync(fd)

    def truncate(self, fd: int, length: int) -> None:
        os.ftruncate(fd, length)


SYSTEM = FileOps()


@dataclass(frozen=True)
class Appended:
    """What an acknowledged append wrote."""

    event: Event
    line: int
    deal_version: int | None  # the deal's version after the event, for deal events
    set_aside: int = 0  # bytes of a cut-off tail moved to the side file first


@dataclass(frozen=True)
class Resumed:
    """Part of the ledger's fold, from something that already read a prefix of the file (the query cache).

    `state` is the fold of the first `end_offset` bytes (lines 1 .. next_line - 1), complete in its
    last_ts and stage table but holding only the event ids and deals that were asked for; the
    receiver owns it and folds further lines into it. `file` and `prefix_hash` let the writer prove
    that the file under its lock still starts with those very bytes, every one of them (an edit in
    the middle with its mtime put back included), so that it refuses what a full read refuses.
    """

    state: LedgerState
    end_offset: int
    next_line: int
    file: tuple[int, int]  # st_dev, st_ino of the file the prefix was read from
    prefix_hash: str | None = None  # xxh3-128 hex of bytes 0 .. end_offset (None: not proven, read the file)
    last_id: str | None = None  # a table's: the id of its row at seq `end_offset`, proved under the table's lock


class StateSource(Protocol):
    """What can spare a writer the full read of a large ledger: a partial fold on demand (queries.Store)."""

    def resume(self, ids: set[str], deals: set[str]) -> Resumed | None:
        """The fold of the prefix it has read, for these ids and deals; None when it cannot vouch for one."""
        ...


SEED_ATTEMPTS = 3  # asks of a source whose coverage keeps moving (it is refreshing) before reading it all
SEED_HINT_BYTES = 1 << 20  # the lines after the source's last fold read ahead of asking it (a hint only)


class LedgerWriter:
    """Appends to one ledger, keeping its fold in memory between appends.

    Under the lock it reads only the lines other writers appended since its last
    look, so an append costs the same on a ledger of ten lines or a million.
    With a `source` (the query cache), an append that holds no fold yet starts from
    the source's partial fold and reads only the lines after it, instead of the file.
    """

    def __init__(self, path: str | os.PathLike[str], ops: FileOps = SYSTEM,
                 source: StateSource | None = None) -> None:
        self.path = Path(path)
        self.ops = ops
        self.source = source
        self._seen: LedgerRead | None = None
        self._seen_last_line = b""  # the bytes of the last line read: proof the prefix is unchanged
        self._seen_file = (0, 0)  # st_dev, st_ino of the file read: a replaced file is read again
        self._seed_hint: tuple[int, int, int] | None = None  # st_dev, st_ino, end of the source's last fold
        self._proven: Proven | None = None  # the last prefix hashed for a source: extended, not hashed again

    def append(self, event: Event, *, expect_version: int | None = None, clock: Clock | None = None) -> Appended:
        """Append `event`, or raise LedgerError (Conflict for a stale version); nothing is written on refusal.

        With a `clock`, the writer stamps the event's ts itself, under the lock (stamp_time), and refuses
        when the ledger's last line is more than 5 minutes past that clock; without one, the event's own
        ts is written as given (a caller taking a ts from a person checks it with too_far_ahead first).
        """
        return self._append(event, expect_version, self.source, clock)

    def _append(self, event: Event, expect_version: int | None, source: StateSource | None,
                clock: Clock | None = None, fresh_id: bool = False) -> Appended:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            ledger = self._catch_up(fd, event, source, fresh_id)
            event = checked(ledger, event, expect_version, clock)
            set_aside = _set_aside_cut_tail(fd, self.path, ledger, self.ops)
            line = encode_event(event)
            _write_durably(fd, ledger.end_offset, line, self.ops)
            number = ledger.next_line
            ledger.state.apply(event, number)
            ledger.cut_tail = b""
            ledger.problems = []
            ledger.end_offset += len(line)
            ledger.next_line += 1
            self._seen_last_line = line
            deal = ledger.state.deals.get(event.deal_id or "")
            return Appended(event, number, deal.version if deal else None, set_aside)
        except BaseException:
            self._seen = None  # after any failure, trust nothing remembered
            raise
        finally:
            os.close(fd)  # closing releases the lock

    def append_all(self, items: Sequence[tuple[Event, int | None]], *, clock: Clock | None = None) -> list[Appended]:
        """Append every (event, expected version) in order, all or nothing: one lock, one write, one fsync.

        Each event is checked against the ledger with the ones before it folded in (an import's opens,
        then their changes). The first refusal raises LedgerError naming which event, and nothing is
        written; a failed write is cut back, as for one event.
        """
        if not items:
            return []
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            ledger = self._catch_up(fd, items[0][0], None)
            size_before, first_line = ledger.end_offset, ledger.next_line
            lines, done = [], []
            for index, (event, expect_version) in enumerate(items):
                try:
                    event = checked(ledger, event, expect_version, clock)
                except LedgerError as err:
                    raise type(err)(f"event {index + 1} of {len(items)}: {err}; nothing was written") from None
                number = first_line + index
                ledger.state.apply(event, number)  # the next events are checked against this one too
                deal = ledger.state.deals.get(event.deal_id or "")
                done.append(Appended(event, number, deal.version if deal else None, 0))
                lines.append(encode_event(event))
            set_aside = _set_aside_cut_tail(fd, self.path, ledger, self.ops)
            data = b"".join(lines)
            _write_durably(fd, size_before, data, self.ops)
            ledger.cut_tail, ledger.problems = b"", []
            ledger.end_offset += len(data)
            ledger.next_line += len(lines)
            self._seen_last_line = lines[-1]
            if set_aside:
                done[0] = dataclasses.replace(done[0], set_aside=set_aside)
            return done
        except BaseException:
            self._seen = None  # the fold took events that were not written: trust nothing remembered
            raise
        finally:
            os.close(fd)

    def _catch_up(self, fd: int, event: Event, source: StateSource | None, fresh_id: bool = False) -> LedgerRead:
        seen = self._seen
        if seen is not None and self._prefix_unchanged(fd, seen):
            more = read_ledger(self.path, start_offset=seen.end_offset, start_line=seen.next_line,
                               state=seen.state, keep_events=False)
            more.problems = [*(p for p in seen.problems if p.line < seen.next_line), *more.problems]
        else:
            self._seen = None
            seeded = self._seeded(fd, event, source, fresh_id) if source is not None else None
            if seeded is not None:
                return seeded  # a partial fold: not kept, the next append seeds again
            more = read_ledger(self.path, keep_events=False)
        self._seen = more
        self._seen_last_line = last_line(fd, more.end_offset)
        stat = os.fstat(fd)
        self._seen_file = (stat.st_dev, stat.st_ino)
        return more

    def _seeded(self, fd: int, event: Event, source: StateSource, fresh_id: bool = False) -> LedgerRead | None:
        """The fold `event`'s checks need: the source's partial fold, then the lines after it; None to read it all.

        The partial fold must name every id and deal that the event and those lines mention, so
        the source is asked again when the lines mention more (or it refreshed meanwhile). An id the
        caller minted just now (`fresh_id`: a new ULID) is in no line, and is not looked up.
        """
        stat = os.fstat(fd)
        ids, deals = referenced(encode_event(event))
        if fresh_id:
            ids.discard(event.id)
        hint = self._seed_hint  # where the source's fold ended last time: the lines since are named at once
        if hint is not None and hint[:2] == (stat.st_dev, stat.st_ino) and 0 < stat.st_size - hint[2] <= SEED_HINT_BYTES:
            more_ids, more_deals = referenced(os.pread(fd, stat.st_size - hint[2], hint[2]))
            ids |= more_ids
            deals |= more_deals
        for _ in range(SEED_ATTEMPTS):
            try:
                resumed = source.resume(set(ids), set(deals))
            except Exception:  # a cache that fails costs a full read, never an append
                return None
            if resumed is None or not self._is_prefix(fd, stat, resumed):
                return None
            size = stat.st_size - resumed.end_offset
            if size > stat.st_size // 2:
                return None  # a source far behind saves little over reading the file
            fresh = os.pread(fd, size, resumed.end_offset) if size else b""
            if len(fresh) != size:
                return None
            more_ids, more_deals = referenced(fresh)
            if more_ids <= ids and more_deals <= deals:
                self._seed_hint = (stat.st_dev, stat.st_ino, resumed.end_offset)
                return read_bytes(self.path, fresh, start_offset=resumed.end_offset,
                                  start_line=resumed.next_line, state=resumed.state, keep_events=False)
            ids |= more_ids
            deals |= more_deals
        return None

    def _is_prefix(self, fd: int, stat: os.stat_result, resumed: Resumed) -> bool:
        """Whether the locked file is the one the source read, still starting with the bytes it read.

        The bytes up to the prefix proven last time on this file (the same file, that prefix's last line
        unchanged: the proof `_prefix_unchanged` accepts for the writer's own fold) are not hashed again:
        a board's keystroke at a million lines hashed all 135 MB for each append.
        """
        end = resumed.end_offset
        if (stat.st_dev, stat.st_ino) != resumed.file or not 0 <= end <= stat.st_size or resumed.next_line < 1:
            return False
        if end and os.pread(fd, 1, end - 1) != b"\n":
            return False
        if resumed.prefix_hash is None:
            return False
        proven = self._proven
        if (proven is not None and proven.file == resumed.file and proven.end <= end
                and last_line(fd, proven.end) == proven.last_line):
            digest, start = proven.digest.copy(), proven.end
        else:
            digest, start = xxhash.xxh3_128(), 0
        hash_into(digest, fd, start, end)
        self._proven = Proven(resumed.file, end, digest.copy(), last_line(fd, end))
        return digest.hexdigest() == resumed.prefix_hash

    def _prefix_unchanged(self, fd: int, seen: LedgerRead) -> bool:
        stat = os.fstat(fd)
        if stat.st_size < seen.end_offset or (stat.st_dev, stat.st_ino) != self._seen_file:
            return False
        return last_line(fd, seen.end_offset) == self._seen_last_line


_writers: dict[Path, LedgerWriter] = {}
_writers_lock = threading.Lock()


def append_event(
    path: str | os.PathLike[str],
    event: Event,
    *,
    expect_version: int | None = None,
    ops: FileOps = SYSTEM,
    source: StateSource | None = None,
    clock: Clock | None = None,
    fresh_id: bool = False,
) -> Appended:
    """Append one event to the ledger at `path`.

    The appends of one process to one file share a LedgerWriter: only the first reads the whole
    ledger (4 s at a million lines), the next ones read what anyone appended since (a board's
    keystroke). A `source` (the query cache) spares that first read: while the shared writer holds
    no fold, each append starts from the source's instead. The source is used for this call only,
    so the shared writer never outlives, nor mixes, the sources of its callers.
    Given other `ops` (tests), a one-off writer is used. With a `clock`, the ts is stamped under the
    lock (LedgerWriter.append). `fresh_id`: the caller minted the event's id just now (ledger.rules.new_id,
    a ULID: 80 random bits), so no line holds it, and a writer seeded by the source does not look it up.
    """
    if isinstance(path, str) and is_url(path):  # a PostgreSQL table (ledger/home_table.py): same rules, same answer
        from ledger.home import home_for

        return home_for(path).append(event, expect_version=expect_version, clock=clock, source=source)
    if ops is not SYSTEM:
        return LedgerWriter(path, ops, source).append(event, expect_version=expect_version, clock=clock)
    key = Path(os.path.abspath(path))
    with _writers_lock:
        writer = _writers.get(key)
        if writer is None:
            writer = _writers[key] = LedgerWriter(key)
        return writer._append(event, expect_version, source, clock, fresh_id)


def prove_prefix(path: str | os.PathLike[str], source: StateSource) -> bool:
    """Hash the prefix of the file that the source's fold covers, for the appends of this process to come.

    The first append of a process proves the whole prefix (135 MB at a million lines, 20-60 ms); a board
    does it once it is painted, so that its first key hashes only the lines after the prefix, as every
    later key does. The proof is kept as an append's is (LedgerWriter._is_prefix), and an append checks
    it again under its lock. True when the file starts with the bytes the source read.
    """
    key = Path(os.path.abspath(path))
    resumed = source.resume(set(), set())  # before the writers' lock: a source that is refreshing holds no append up
    if resumed is None:
        return False
    with _writers_lock:
        writer = _writers.get(key)
        if writer is None:
            writer = _writers[key] = LedgerWriter(key)
        fd = os.open(key, os.O_RDONLY)
        try:
            return writer._is_prefix(fd, os.fstat(fd), resumed)
        finally:
            os.close(fd)


def append_events(path: str | os.PathLike[str], items: Sequence[tuple[Event, int | None]], *,
                  clock: Clock | None = None) -> list[Appended]:
    """Append many events at once, all or nothing (LedgerWriter.append_all): an import of ten thousand
    deals pays for one fsync, not one each. On a table, each is appended in turn (its own transaction)."""
    if isinstance(path, str) and is_url(path):
        return [append_event(path, event, expect_version=expect, clock=clock) for event, expect in items]
    key = Path(os.path.abspath(path))
    with _writers_lock:
        writer = _writers.get(key)
        if writer is None:
            writer = _writers[key] = LedgerWriter(key)
        return writer.append_all(items, clock=clock)


def _set_aside_cut_tail(fd: int, path: Path, ledger: LedgerRead, ops: FileOps) -> int:
    """Copy an unacknowledged cut-off tail to the side file, then cut it off the ledger."""
    if not ledger.cut_tail:
        return 0
    side = os.open(side_file(path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        _write_all(side, ledger.cut_tail + b"\n", ops)
        ops.fsync(side)
    finally:
        os.close(side)
    ops.truncate(fd, ledger.end_offset)
    ops.fsync(fd)
    return len(ledger.cut_tail)


def _write_durably(fd: int, size_before: int, line: bytes, ops: FileOps) -> None:
    try:
        _write_all(fd, line, ops)
        ops.fsync(fd)
    except OSError as err:
        try:
            ops.truncate(fd, size_before)
            ops.fsync(fd)
        except OSError:
            pass  # the unacknowledged partial line is then reported as cut off, and set aside next time
        raise LedgerError(f"write failed ({err.strerror or err}); the event was not recorded") from err


def _write_all(fd: int, data: bytes, ops: FileOps) -> None:
    view = memoryview(data)
    while view:
        written = ops.write(fd, view)
        view = view[written:]
