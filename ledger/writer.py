"""Appending one event: checked against the ledger, written whole under a lock, fsynced before success."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

import msgspec
from ulid import ULID

from ledger.events import Event, encode_event
from ledger.problems import Conflict, LedgerError
from ledger.reader import LedgerRead, read_ledger, side_file


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


def new_id() -> str:
    """A fresh event id: a ULID, which sorts by creation time."""
    return str(ULID())


def now() -> dt.datetime:
    """The current moment in the machine's local offset."""
    return dt.datetime.now().astimezone()


def append_event(
    path: str | os.PathLike[str],
    event: Event,
    *,
    expect_version: int | None = None,
    ops: FileOps = SYSTEM,
) -> Appended:
    """Append `event` to the ledger at `path`, or raise LedgerError (Conflict for a stale version).

    The event's id and ts are used as given; build it with `stamp()` to get fresh ones.
    Nothing is written unless every check passes; a failed write is undone.
    """
    path = Path(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        ledger = read_ledger(path)
        _refuse_broken(ledger)
        event = _after_last(event, ledger)
        _check(ledger, event, expect_version)
        set_aside = _set_aside_cut_tail(fd, path, ledger, ops)
        _write_durably(fd, ledger.end_offset, encode_event(event), ops)
        ledger.state.apply(event, ledger.next_line)
        deal = ledger.state.deals.get(event.deal_id or "")
        return Appended(event, ledger.next_line, deal.version if deal else None, set_aside)
    finally:
        os.close(fd)  # closing releases the lock


def stamp(event_type: type[Event], /, **fields: object) -> Event:
    """An event of `event_type` with a fresh id and ts = now, unless given."""
    fields.setdefault("id", new_id())
    fields.setdefault("ts", now())
    try:
        return msgspec.convert(fields, event_type)
    except msgspec.ValidationError as err:
        raise LedgerError(f"invalid {event_type.__struct_config__.tag} event: {err}") from None


def _refuse_broken(ledger: LedgerRead) -> None:
    real = [p for p in ledger.problems if not (ledger.cut_tail and p.line == ledger.next_line)]
    if real:
        first = real[0]
        raise LedgerError(
            f"{ledger.path} has {len(real)} problem(s), first {first.path}:{first.line}: {first.reason}; "
            f"nothing was written. Run `dealbook check --ledger {ledger.path}` and repair the file by hand."
        )


def _after_last(event: Event, ledger: LedgerRead) -> Event:
    """A ts generated a moment before the ledger's last line (another machine's clock) moves up to it."""
    last = ledger.state.last_ts
    if last is not None and event.ts < last and (last - event.ts) < dt.timedelta(seconds=5):
        return msgspec.structs.replace(event, ts=last)
    return event


def _check(ledger: LedgerRead, event: Event, expect_version: int | None) -> None:
    reason = ledger.state.problem_with(event)
    if reason is not None:
        raise LedgerError(f"refused: {reason}; nothing was written")
    if expect_version is None:
        return
    deal = ledger.state.deals.get(event.deal_id or "")
    version = deal.version if deal else 0
    if version != expect_version:
        where = f" (last changed on line {deal.last_line})" if deal else ""
        raise Conflict(
            f"conflict: deal {event.deal_id!r} is at version {version}{where}, you expected {expect_version}: "
            "it changed since you last saw it. Nothing was written; reload the deal and decide again."
        )


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
