"""The rules every append passes, whatever the ledger's home: how a line is stamped, and what is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import msgspec

from ledger.calendar import MAX_AHEAD, UTC, zone
from ledger.events import Event
from ledger.problems import Conflict, LedgerError, Unchanged
from ledger.reader import LedgerRead
from ledger.state import LedgerState


def new_id() -> str:
    """A fresh event id: a ULID, which sorts by creation time."""
    from ulid import ULID  # imported when first needed: python-ulid loads importlib.metadata, 30 ms of every command

    return str(ULID())


Clock = Callable[[], dt.datetime]


def now() -> dt.datetime:
    """The current moment, in UTC: never in the machine's own offset, which says nothing of the ledger's."""
    return dt.datetime.now(UTC)


def stamp_time(state: LedgerState, clock: dt.datetime) -> dt.datetime:
    """The ts a writer stamps: its clock, or the last line's ts when the clock is behind it, written in
    the ledger's time zone (else in the offset of its last line; UTC for an empty ledger)."""
    last = state.last_ts
    moment = clock if last is None or clock >= last else last
    if state.tz is not None:
        return moment.astimezone(zone(state.tz))
    return moment.astimezone(last.tzinfo if last is not None else UTC)


def too_far_ahead(ts: dt.datetime, clock: dt.datetime) -> str | None:
    """Why a given ts may not be written (more than 5 minutes past the writer's clock), or None."""
    if ts - clock <= MAX_AHEAD:
        return None
    return (f"ts {ts.isoformat()} is more than 5 minutes past this machine's clock ({clock.isoformat()}); "
            "one line stamped ahead would block every later change. Check --ts, or this machine's clock")


def stamp(event_type: type[Event], /, **fields: object) -> Event:
    """An event of `event_type` with a fresh id and ts = now (UTC), unless given.

    A writer given a clock stamps the final ts itself, in the ledger's time zone.
    """
    fields.setdefault("id", new_id())
    fields.setdefault("ts", now())
    try:
        return msgspec.convert(fields, event_type)
    except msgspec.ValidationError as err:
        raise LedgerError(f"invalid {event_type.__struct_config__.tag} event: {err}") from None


def refuse_broken(ledger: LedgerRead) -> None:
    """Raise LedgerError naming the first problem of a ledger that takes no more lines (a cut-off tail aside)."""
    real = [p for p in ledger.problems if not (ledger.cut_tail and p.line == ledger.next_line)]
    if real:
        first = real[0]
        raise LedgerError(
            f"{ledger.path} has {len(real)} problem(s), first {first.path}:{first.line}: {first.reason}; "
            f"nothing was written. Run `dealbook check --ledger {ledger.path}` and repair the file by hand."
        )


def checked(ledger: LedgerRead, event: Event, expect_version: int | None, clock: Clock | None) -> Event:
    """The event as it is to be written after the ledger read so far (every home's one set of rules), or raise.

    A broken ledger takes no line; with a `clock` the ts is stamped (stamp_time) and refused when the
    last line is more than 5 minutes ahead of it, without one a ts a moment behind the last line moves up
    to it; then the ledger's rules, the deal's version (Conflict) and a change that changes nothing
    (Unchanged). The file writer calls it under its lock, the table's inside append_lines' check.
    """
    refuse_broken(ledger)
    if clock is not None:
        moment = clock()
        event = msgspec.structs.replace(event, ts=stamp_time(ledger.state, moment))
        if too_far_ahead(event.ts, moment) is not None:
            raise LedgerError(
                f"refused: the ledger's last line is stamped {event.ts.isoformat()}, more than 5 minutes "
                f"past this machine's clock ({moment.isoformat()}), and nothing may be written before it; "
                "nothing was written. If that line is wrong, `dealbook salvage` writes a new ledger without it")
    else:
        event = _after_last(event, ledger)
    _check(ledger, event, expect_version)
    return event


def _after_last(event: Event, ledger: LedgerRead) -> Event:
    """A ts generated a moment before the ledger's last line (another writer's clock) moves up to it."""
    last = ledger.state.last_ts
    if last is not None and event.ts < last and (last - event.ts) < dt.timedelta(seconds=5):
        return msgspec.structs.replace(event, ts=last)
    return event


def _check(ledger: LedgerRead, event: Event, expect_version: int | None) -> None:
    reason = ledger.state.problem_with(event)
    if reason is not None:
        raise LedgerError(f"refused: {reason}; nothing was written")
    same = ledger.state.changes_nothing(event)
    deal = ledger.state.deals.get(event.deal_id or "")
    version = deal.version if deal else 0
    if expect_version is not None and version != expect_version:
        where = f" (last changed on line {deal.last_line})" if deal else ""
        raise Conflict(
            f"conflict: deal {event.deal_id!r} is at version {version}{where}, you expected {expect_version}: "
            "it changed since you last saw it. Nothing was written; reload the deal and decide again."
        )
    if same is not None:
        raise Unchanged(f"nothing to do: {same}; nothing was written")
