"""The plan screen's one door to the Store (no Textual here): the year's months, the activity and the live flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from queries.activity import Activity
from queries.live import LiveOpportunities


@dataclass(frozen=True)
class MonthFigures:
    period: str  # YYYY-MM
    target: Decimal | None  # None: no target for the month
    won: Decimal


@dataclass(frozen=True)
class PlanOverview:
    """What the plan screen shows for a view: the months of the year, and the period's activity and live deals."""

    year: int
    owner: str | None
    months: tuple[MonthFigures, ...]
    target: Decimal | None  # the period's
    activity: Activity
    live: LiveOpportunities
    quarter: str = ""  # the quarter of the period shown
    key_results: tuple[Any, ...] = ()  # queries.okr.KeyResultScore of that quarter, for the view


def plan_overview(store: Any, period: str, owner: str | None, as_of: dt.datetime) -> PlanOverview:
    """The overview of the year holding `period` (the board's), for the team (owner None) or one person.
    Working days leave out weekends only: the app knows no holidays yet (`dealbook activity --country`)."""
    from queries import period_bounds, plan_inputs
    from queries.activity import activity, lookback_months
    from queries.live import live_opportunities

    today = plan_inputs.today(store, as_of)
    first, last = period_bounds(period)
    months = tuple(MonthFigures(p, t, w) for p, t, w in plan_inputs.month_figures(store, first.year, as_of, owner))
    target, needed = plan_inputs.needed(store, period, as_of, owner)
    closed = plan_inputs.closed_deals(store, as_of, lookback_months(today)[0])
    breakdown = activity(period, owner, today, first, last, needed, closed, (), plan_inputs.order_value(store))
    live = live_opportunities(plan_inputs.open_deals(store, as_of), plan_inputs.people(store), owner)
    from queries.okr import scores

    quarter = f"{first.year:04d}-Q{(first.month - 1) // 3 + 1}"
    results = store.key_results().values()
    key_results = tuple(scores(results, plan_inputs.won_deals(store, as_of), quarter, owner)
                        if any(r.period == quarter for r in results) else ())
    return PlanOverview(first.year, owner, months, target, breakdown, live, quarter, key_results)
