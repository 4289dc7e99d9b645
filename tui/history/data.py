"""The history screens' one door to the Store and the ledger (no Textual here): every figure comes from it."""

from __future__ import annotations

from decimal import Decimal

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger.home import place
from ledger.events import Event
from queries.model import Changes, Forecast, Replay
from queries.moments import end_of_day, month_of
from tui.board.view import BoardView, FileSignature
from tui.describe import describe


@dataclass(frozen=True)
class TimelineEntry:
    """One event of a deal: when, who, what it did, and the deal's estimated value just after it."""

    when: dt.datetime
    by: str
    what: str
    estimated_value: Decimal


@dataclass(frozen=True)
class Timeline:
    deal: str
    entries: tuple[TimelineEntry, ...]


def about(event: Event, deal: str) -> bool:
    """The event is about the deal, or is the split that created it."""
    if getattr(event, "deal", None) == deal:
        return True
    return any(part.deal == deal for part in getattr(event, "parts", ()))


def past_view(forecast: Forecast, period: str, owner: str | None, as_of: dt.datetime) -> BoardView:
    """A read-only board view of a forecast as it stood at a past moment (for the board's header)."""
    return BoardView(
        period=period, owner=owner, as_of=as_of, forecast=forecast, notes=(), fallback=None, problems=(),
        cut_off=None, stages={}, owners=(), parked_from={}, targets={},
        signature=FileSignature(0, 0, 0),
    )


class HistoryData:
    """The Store of one ledger, opened on first use and refreshed before each query; thread-safe.

    `shared`: the board's Store, caught up (BoardData.engine), used instead of a Store of its own: one
    cache connection and one refresh per process (a table's board also reads its cache when the server
    is away); it is the board's to close.
    """

    def __init__(self, path: Path, shared: Callable[[], Any] | None = None) -> None:
        self.path = place(path)  # a table's URL stays text
        self._lock = threading.Lock()
        self._store: Any = None
        self._shared = shared

    def store(self) -> Any:
        """The queries.Store, caught up with the ledger's latest lines."""
        if self._shared is not None:
            return self._shared()
        with self._lock:
            if self._store is None:
                from queries import Store  # here, so that importing the screens does not load DuckDB

                self._store = Store.open(self.path)
            else:
                self._store.refresh()
            return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def end_of(self, day: dt.date) -> dt.datetime:
        """The last microsecond of a day, in the offset of the ledger's last line."""
        return end_of_day(day, self.store().ledger_tz)

    def replay(self, period: str, owner: str | None, now: dt.datetime) -> Replay:
        return self.store().replay(period=period, owner=owner, now=now)

    def honesty(self, owner: str | None, now: dt.datetime) -> tuple[Any, Any]:
        """The accuracy of the last 12 ended months (the view's) and the back-test of the team's odds over them."""
        from queries.accuracy import accuracy, ledger_backtest

        store = self.store()
        return accuracy(store, owner=owner, now=now), ledger_backtest(store, now=now, owners=False)

    def changes(self, start: dt.datetime, end: dt.datetime, period: str, owner: str | None) -> Changes:
        return self.store().changes(start, end, period=period, owner=owner)

    def forecast(self, period: str | None, as_of: dt.datetime, owner: str | None) -> Forecast:
        return self.store().forecast(period=period, as_of=as_of, owner=owner)

    def timeline(self, deal: str, until: dt.datetime) -> Timeline:
        """Every event of the deal known at `until`, each with the deal's estimated value just after it."""
        from tui.board.why import deal_history

        store = self.store()
        events = deal_history(self.path, deal, until)  # a tranche's starts with its parent's, up to the split
        entries = []
        for event in events:
            forecast = store.forecast(period=month_of(event.ts.date()), as_of=event.ts, odds=False)
            shown = deal if about(event, deal) else event.deal_id  # before the split: the parent's value
            value = next((d.estimated_value for d in forecast.deals if d.deal == shown), Decimal(0))
            entries.append(TimelineEntry(event.ts, event.by or "", describe(event), value))
        return Timeline(deal, tuple(entries))
