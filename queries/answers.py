"""The questions asked of a loaded ledger: the pipeline, a forecast, a replay, the changes between two
moments, the stages' calibration, each read in the calendar in force at its moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from ledger import Calendar, Event
from queries import calibration, changes, forecasting, replaying
from queries.model import Changes, DealRow, Forecast, Replay, StageCalibration
from queries.moments import month_of, parse_as_of, parse_period, parse_start


class Answers:
    """The queries of a Store (queries/store.py), which gives them a cursor over the loaded rows in a
    calendar (`cursor`), the calendar in force at a moment (`calendar_at`), the ledger's settings and the
    zone its days are read in (`ledger_tz`)."""

    def _local(self, moment: dt.datetime) -> tuple[dt.datetime, Calendar]:
        """The moment written in the calendar in force then, and that calendar."""
        calendar = self.calendar_at(moment)
        return calendar.local(moment), calendar

    def as_of(self, when: str | dt.datetime | None = None, now: dt.datetime | None = None) -> dt.datetime:
        """A moment from `--as-of` text (see moments.parse_as_of), a datetime, or None for now."""
        if isinstance(when, dt.datetime):
            if when.tzinfo is None:
                return when.replace(tzinfo=self.ledger_tz)
            return when
        return parse_as_of(when, self.ledger_tz, now)

    def big_at(self, given: Decimal | None) -> Decimal | None:
        """The big-deal threshold: the one given, else the ledger's `big_at` setting, else None (a quarter of the target)."""
        if given is not None:
            return given
        value = self.settings().get("big_at")
        return value if isinstance(value, Decimal) else None

    def pipeline(self, as_of: str | dt.datetime | None = None, *, scenario: Sequence[Event] = ()) -> list[DealRow]:
        """Every deal on the board at the moment (split parents gone, closed deals kept), in board order."""
        moment, calendar = self._local(self.as_of(as_of))
        with self.cursor(scenario, calendar) as cur:
            return forecasting.pipeline(cur, moment)

    def forecast(self, period: str | None = None, as_of: str | dt.datetime | None = None, owner: str | None = None,
                 big_at: float | None = None, *, scenario: Sequence[Event] = (), odds: bool = True) -> Forecast:
        """The period's forecast as of the moment (default: now, and the month of today), team or one owner.

        `scenario`: hypothetical events, read as if appended to the ledger (the what-if view). `odds`:
        with the probability of making the target and the categories (leave out when not shown).
        """
        moment, calendar = self._local(self.as_of(as_of))
        period = parse_period(period) if period else month_of(moment.date())
        with self.cursor(scenario, calendar) as cur:
            return forecasting.forecast(cur, period, moment, owner, self.big_at(big_at), odds=odds)

    def replay(self, period: str | None = None, owner: str | None = None, *,
               now: str | dt.datetime | None = None, odds: bool = True) -> Replay:
        """The period (default: this month) replayed to its last day, or to today if it has not ended
        (`odds`: with each day's probability of making the target)."""
        moment, calendar = self._local(self.as_of(now))
        period = parse_period(period) if period else month_of(moment.date())
        with self.cursor(calendar=calendar) as cur:
            return replaying.replay(cur, period, owner, moment, calendar, odds=odds)

    def changes(self, start: str | dt.datetime, end: str | dt.datetime | None = None, period: str | None = None,
                owner: str | None = None) -> Changes:
        """What moved the period's progress (default: the month of `end`) from `start` to `end` (default: now)."""
        end_at, calendar = self._local(self.as_of(end))
        start_at = calendar.local(self.as_of(start) if isinstance(start, dt.datetime)
                                  else parse_start(start, calendar.tzinfo))  # a bare date: from its start
        period = parse_period(period) if period else month_of(end_at.date())
        with self.cursor(calendar=calendar) as cur:
            moved = changes.changes(cur, period, start_at, end_at, owner, zoned=calendar.tz is not None)
        if self.calendar_at(start_at).tz == calendar.tz:
            return moved
        own = self.forecast(period, start_at, owner, odds=False)  # the start in its own calendar
        with self.cursor(calendar=calendar) as cur:
            read_anew = forecasting.forecast(cur, period, start_at, owner, self.big_at(None), odds=False)
        return changes.start_in_its_own_calendar(moved, own, read_anew)

    def calibrate(self, as_of: str | dt.datetime | None = None) -> list[StageCalibration]:
        """Each stage's configured rate and lead time beside the ledger's own history (calibration.py)."""
        moment, calendar = self._local(self.as_of(as_of))
        with self.cursor(calendar=calendar) as cur:
            return calibration.calibrate(cur, moment)
