"""The typed results the queries hand to the app and the command line (no UI here).

These are the shapes of `dealbook forecast|replay|changes|calibrate --json`:
`msgspec.to_builtins(result)` is the JSON document scripts rely on, so a field
renamed here is a breaking change.
"""

from __future__ import annotations

import datetime as dt

import msgspec


class DealRow(msgspec.Struct, frozen=True, kw_only=True):
    """One deal of the pipeline as it stood at a moment."""

    deal: str
    name: str
    owner: str
    account: str | None
    stage: str
    stage_kind: str  # open | won | lost | inactive
    amount: float
    priority: str  # must | should | could
    close_date: dt.date | None
    next_action: str | None
    due: dt.date | None
    version: int  # events about this deal so far (deal_opened is 1)
    days_since_change: int  # whole days from the deal's last event to the moment asked about
    last_change: dt.datetime


class ForecastDeal(msgspec.Struct, frozen=True, kw_only=True):
    """One deal's part in a period's forecast."""

    deal: str
    name: str
    owner: str
    stage: str
    priority: str
    amount: float
    estimated_value: float  # amount x the stage's rate
    counts: bool  # can close in the period (open stage, lead time and close date fit)
    big: bool  # amount >= the big-deal threshold
    # Board extras, beyond the JSON contract of the issue (additive):
    stage_kind: str = "open"
    account: str | None = None
    close_date: dt.date | None = None
    next_action: str | None = None
    due: dt.date | None = None
    version: int = 0
    days_since_change: int = 0
    won_in_period: bool = False


class Forecast(msgspec.Struct, frozen=True, kw_only=True):
    """A period's forecast as of a moment, for the team (owner None) or one owner."""

    period: str  # YYYY-MM or YYYY-Qn
    as_of: dt.datetime
    owner: str | None
    target: float  # 0 when no target is set
    won: float
    progress: float
    needed: float
    chance: float | None  # None when the target is 0
    on_track: bool
    coverage: float | None  # None when the target is 0
    deals: list[ForecastDeal]
    promotions: list[str]  # deal ids, in the order METHOD.md gives
    big_at: float = 0.0  # the big-deal threshold used
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    days_left: int = 0  # days of the period after today (today excluded)
