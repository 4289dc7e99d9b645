"""Accuracy across months, and the back-test of the probability on the ledger: is the team's forecasting getting better?"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from queries.backtest import Reliability, backtest
from queries.model import Checkpoint, Replay
from queries.moments import period_bounds

MONTHS = 12


class MonthAccuracy(msgspec.Struct, frozen=True, kw_only=True):
    """One ended month: how far off the forecast was on days 7, 14 and 21, and when the outcome showed."""

    period: str
    target: Decimal | None
    actual: Decimal
    made: bool | None  # actual >= target; None without a target
    checkpoints: list[Checkpoint]  # day 7, 14, 21 (replaying.checkpoints)
    first_visible: dt.date | None  # replaying.first_visible: None without a target, or never visible
    first_visible_day: int | None  # its day of the month (1 = visible from the first day)


class Accuracy(msgspec.Struct, frozen=True, kw_only=True):
    """The forecast's errors month by month, oldest first, for the team or one owner."""

    owner: str | None
    months: list[MonthAccuracy]


class MonthOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """One month-view of the back-test: its outcome and each day's probability of making its target."""

    period: str
    owner: str | None
    target: Decimal
    actual: Decimal
    made: bool
    probabilities: list[float | None]  # day 1 onwards; None on a day without a target


class LedgerBacktest(msgspec.Struct, frozen=True, kw_only=True):
    """Every ended month's daily probability against its outcome: the reliability table and the Brier score."""

    reliability: Reliability
    months: list[MonthOutcome]


def ended_months(store: Any, now: dt.datetime, months: int | None) -> list[str]:
    """The ledger's months that ended before today (in the ledger's calendar), the last `months` of them."""
    today = store.calendar_at(now).local(now).date()
    ended = sorted(p for p in store.facts().months if period_bounds(p)[1] < today)
    return ended if months is None else ended[-months:] if months > 0 else []


def month_accuracy(replay: Replay) -> MonthAccuracy:
    made = replay.actual >= replay.target if replay.target is not None else None
    visible = replay.first_visible
    return MonthAccuracy(
        period=replay.period, target=replay.target, actual=replay.actual, made=made,
        checkpoints=replay.checkpoints, first_visible=visible,
        first_visible_day=visible.day if visible is not None else None,
    )


def accuracy(store: Any, months: int | None = MONTHS, owner: str | None = None,
             now: dt.datetime | None = None) -> Accuracy:
    """The last `months` ended months (None: all), each replayed without the probability (not needed here)."""
    now = store.as_of(now)
    return Accuracy(owner=owner, months=[month_accuracy(store.replay(period, owner, now=now, odds=False))
                                         for period in ended_months(store, now, months)])


def ledger_backtest(store: Any, months: int | None = MONTHS, now: dt.datetime | None = None,
                    owners: bool = True) -> LedgerBacktest:
    """Every ended month (the last `months`; None: all) and view with a target at its end (the team, then
    each owner unless `owners` is False): each day's probability, as replayed, against whether the
    month made its target."""
    now = store.as_of(now)
    outcomes, pairs = [], []
    for period in ended_months(store, now, months):
        for owner in (None, *(store.facts().owners if owners else ())):
            replay = store.replay(period, owner, now=now)
            if replay.target is None:
                continue
            made = replay.actual >= replay.target
            probabilities = [d.odds.probability if d.odds is not None else None for d in replay.days]
            pairs += [(p, made) for p in probabilities if p is not None]
            outcomes.append(MonthOutcome(period=period, owner=owner, target=replay.target, actual=replay.actual,
                                         made=made, probabilities=probabilities))
    return LedgerBacktest(reliability=backtest(pairs), months=outcomes)

