"""A period replayed day by day (replay_days.sql), scored against what was actually won."""

from __future__ import annotations

import datetime as dt

import duckdb

from queries import forecasting, sqlfiles
from queries.model import Checkpoint, Replay, ReplayDay
from queries.moments import end_of_day, epoch_us, period_bounds

CHECKPOINT_DAYS = (7, 14, 21)
CENT = 0.005  # within half a cent a forecast was exact


def replay(cur: duckdb.DuckDBPyConnection, period: str, owner: str | None, now: dt.datetime) -> Replay:
    """One forecast per day of the period, at the end of that day in now's offset (the ledger's)."""
    first, last = period_bounds(period)
    today = now.date()
    ended = today > last
    last_day = last if ended else today
    tz = now.tzinfo
    assert tz is not None
    outcome_at = end_of_day(last, tz) if ended else now
    outcome = forecasting.forecast(cur, period, outcome_at, owner)
    rows = []
    k = (last_day - first).days + 1
    if k > 0:
        t_last = epoch_us(end_of_day(last_day, tz))
        rows = sqlfiles.run(
            cur, "replay_days", k=k, p_start=first, p_end=last, period=period, owner=owner, t_last=t_last,
            off_us=int(now.utcoffset().total_seconds()) * 1_000_000, use_snapshot=False, t_us=t_last,
        ).fetchall()
    actual = outcome.won
    days = [
        ReplayDay(date=day, progress=progress, needed=target - progress,
                  chance=progress / target if target else None, error=progress - actual, target=target, won=won)
        for day, won, progress, target in rows
    ]
    return Replay(
        period=period, owner=owner, target=outcome.target, actual=actual, days=days,
        checkpoints=checkpoints(days, actual), first_visible=first_visible(days, actual >= outcome.target),
        as_of=outcome_at, period_start=first, period_end=last,
    )


def checkpoints(days: list[ReplayDay], actual: float) -> list[Checkpoint]:
    """Days 7, 14 and 21 of the period, when they were replayed."""
    marks = []
    for number in CHECKPOINT_DAYS:
        if number <= len(days):
            day = days[number - 1]
            verdict = "exact" if abs(day.error) < CENT else ("high" if day.error > 0 else "low")
            marks.append(Checkpoint(day=number, date=day.date, error=day.error,
                                    share=day.error / actual if actual else None, verdict=verdict))
    return marks


def first_visible(days: list[ReplayDay], outcome: bool) -> dt.date | None:
    """The first day from which every day's verdict (progress >= target) equals the outcome."""
    visible = None
    for day in reversed(days):
        if (day.progress >= day.target) != outcome:
            break
        visible = day.date
    return visible
