"""The activity breakdown: from the needed value to deals, opportunities and the work of each working day left.

Pure rules of METHOD.md, "Planning the target": Decimal amounts and `datetime.date` days in; today
and the holidays are parameters (holidays.py finds a country's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal

import msgspec

LOOKBACK_MONTHS = 3  # average deal size and win rate: the last three complete months


class ClosedDeal(msgspec.Struct, frozen=True, kw_only=True):
    """A deal closed won or lost: who owned it, on which day it closed, for how much."""

    deal: str
    owner: str
    kind: str  # won | lost
    closed_day: dt.date
    amount: Decimal


class Activity(msgspec.Struct, frozen=True, kw_only=True):
    """What a view must do in a period: every figure None when it cannot be told (and why in `missing`)."""

    period: str
    owner: str | None
    today: dt.date
    needed: Decimal | None  # None: no target
    lookback: tuple[dt.date, dt.date]  # the complete months the deal size and win rate are read from
    deals_won: int
    deals_lost: int
    average_deal_size: Decimal | None
    average_from_order_value: bool
    win_rate: Decimal | None  # deals won / deals closed
    deals_needed: int | None
    opportunities_needed: int | None
    working_days_left: int
    per_working_day: Decimal | None  # opportunities needed / working days left
    missing: list[str]  # why a figure is None, in words for people


def lookback_months(today: dt.date, months: int = LOOKBACK_MONTHS) -> tuple[dt.date, dt.date]:
    """The first and last day of the `months` complete months before today's month."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    first = last.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first, last


def working_days(first: dt.date, last: dt.date, holidays: Iterable[dt.date] = ()) -> list[dt.date]:
    """Monday to Friday from first to last (both included), less the holidays."""
    off = set(holidays)
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in off:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def working_days_left(today: dt.date, period_start: dt.date, period_end: dt.date,
                      holidays: Iterable[dt.date] = ()) -> int:
    """The working days of the period from today on (today included; from its first day if it has not begun)."""
    return len(working_days(max(today, period_start), period_end, holidays))


def ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def activity(period: str, owner: str | None, today: dt.date, period_start: dt.date, period_end: dt.date,
             needed: Decimal | None, closed: Iterable[ClosedDeal], holidays: Iterable[dt.date] = (),
             order_value: Decimal | None = None) -> Activity:
    """The breakdown of `needed` for the view: average deal size (the mean amount won in the last three
    complete months, or the team's order value when set), win rate (won / closed over the same months),
    deals needed = ceil(needed / size), opportunities needed = ceil(deals / win rate), and those per
    working day left."""
    first, last = lookback_months(today)
    recent = [d for d in closed if (owner is None or d.owner == owner) and first <= d.closed_day <= last]
    won = [d.amount for d in recent if d.kind == "won"]
    lost = sum(1 for d in recent if d.kind == "lost")
    missing: list[str] = []
    size = order_value if order_value is not None else (sum(won, Decimal(0)) / len(won) if won else None)
    rate = Decimal(len(won)) / (len(won) + lost) if won or lost else None
    days = working_days_left(today, period_start, period_end, holidays)
    deals = opportunities = None
    per_day = None
    if needed is None:
        missing.append("no target: set one with `dealbook target PERIOD AMOUNT`")
    elif needed <= 0:
        deals = opportunities = 0  # on track: nothing more to win
    elif not size:
        missing.append(f"no deal won from {first} to {last}: no average deal size (set the team's order value)")
    else:
        deals = ceil(needed / size)
        if not rate:
            missing.append(f"no deal won from {first} to {last}: no win rate" if rate == 0 else
                           f"no deal closed from {first} to {last}: no win rate")
        else:
            opportunities = ceil(deals / rate)
    if opportunities is not None:
        if days:
            per_day = Decimal(opportunities) / days
        elif opportunities:
            missing.append(f"no working day left in {period}")
        else:
            per_day = Decimal(0)
    return Activity(period=period, owner=owner, today=today, needed=needed, lookback=(first, last),
                    deals_won=len(won), deals_lost=lost, average_deal_size=size,
                    average_from_order_value=order_value is not None, win_rate=rate, deals_needed=deals,
                    opportunities_needed=opportunities, working_days_left=days, per_working_day=per_day,
                    missing=missing)
