"""A period replayed day by day (replay_days.sql), scored against what was actually won."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb

from ledger.calendar import Calendar
from queries import forecasting, sqlfiles
from queries.model import Checkpoint, Replay, ReplayDay, ratio
from queries.moments import epoch_us, months_in, period_bounds
from queries.replay_odds import DaysOdds, spans_of

CHECKPOINT_DAYS = (7, 14, 21)
CENT = Decimal("0.005")  # within half a cent a forecast was exact



def replay(cur: duckdb.DuckDBPyConnection, period: str, owner: str | None, now: dt.datetime,
           calendar: Calendar | None = None, *, odds: bool = True) -> Replay:
    """One forecast per day of the period, at the end of that day in the calendar in force at `now`
    (the ledger's time zone; without one, now's offset: the ledger's last line's), each with its
    probability of making the target unless `odds` is False."""
    first, last = period_bounds(period)
    calendar = calendar or Calendar(None, now.tzinfo or dt.UTC)
    now = calendar.local(now)
    today = now.date()
    ended = today > last
    last_day = last if ended else today
    outcome_at = calendar.end_of_day(last) if ended else now
    rows = []
    k = (last_day - first).days + 1
    if k > 0:
        t_last = epoch_us(calendar.end_of_day(last_day))
        rows = sqlfiles.run(
            cur, "replay_days", k=k, p_start=first, p_end=last, period=period, owner=owner, t_last=t_last,
            off_us=int((now.utcoffset() or dt.timedelta(0)).total_seconds()) * 1_000_000,
            zoned=calendar.tz is not None, months=months_in(period), odds=odds,
        ).fetchall()
    if ended and rows:  # the last day replayed is the period's end: its won and target are the outcome
        actual, target_then = rows[-1][1], rows[-1][3]
    else:
        outcome = forecasting.forecast(cur, period, outcome_at, owner, odds=False)
        actual, target_then = outcome.won, outcome.target
    days_odds = DaysOdds(spans_of(rows[0][4]), len(rows)) if odds and rows else None
    days = [
        ReplayDay(date=day, progress=progress, needed=target - progress if target is not None else None,
                  chance=ratio(progress, target), error=progress - actual, target=target, won=won,
                  odds=days_odds.odds(m, won, target) if days_odds else None)
        for m, (day, won, progress, target, _) in enumerate(rows, start=1)
    ]
    made = actual >= target_then if target_then is not None else None
    return Replay(
        period=period, owner=owner, target=target_then, actual=actual, days=days,
        checkpoints=checkpoints(days, actual), first_visible=first_visible(days, made),
        as_of=outcome_at, period_start=first, period_end=last,
    )


def checkpoints(days: list[ReplayDay], actual: Decimal) -> list[Checkpoint]:
    """Days 7, 14 and 21 of the period, when they were replayed."""
    marks = []
    for number in CHECKPOINT_DAYS:
        if number <= len(days):
            day = days[number - 1]
            verdict = "exact" if abs(day.error) < CENT else ("high" if day.error > 0 else "low")
            marks.append(Checkpoint(day=number, date=day.date, error=day.error,
                                    share=ratio(day.error, actual), verdict=verdict))
    return marks


def first_visible(days: list[ReplayDay], outcome: bool | None) -> dt.date | None:
    """The first day from which every day's verdict (progress >= target) equals the outcome (None: no target)."""
    if outcome is None:
        return None
    visible = None
    for day in reversed(days):
        if day.target is None or (day.progress >= day.target) != outcome:
            break
        visible = day.date
    return visible
