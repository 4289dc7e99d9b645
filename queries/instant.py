"""A forecast carried forward over a few events just appended, in Python, without the engine.

The board repaints from this the moment its own change is written, then reloads from the engine
in the background and shows that (the two agree; tests/test_instant.py holds them to it, change by
change and over random sequences). It covers the changes a key makes to a deal the board lists, on
the same day; anything else (a new deal, a split, a stage table or target change, a deal the view
does not hold, midnight) returns None and the board waits for the engine.

The rules are those of forecast.sql (docs/forecast-rules.md), for one deal at a time; the totals are
summed again over the listed deals, which hold every deal the totals count.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
from collections.abc import Mapping, Sequence

from decimal import Decimal

import msgspec

from ledger.events import (
    AmountChanged,
    CloseDateChanged,
    Event,
    NoteAdded,
    OwnerChanged,
    PriorityChanged,
    StageChanged,
)
from ledger.stages import Stage
from queries.model import Forecast, ForecastDeal, ratio
from queries.categories import ForecastCategories
from queries.odds_of import quick_odds

_RANK = {"must": 0, "should": 1, "could": 2}
# sums that never round (as queries.categories sums): a total that would need rounding raises instead
_EXACT = decimal.Context(prec=200, traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow])


def advance(forecast: Forecast, events: Sequence[tuple[Event, int | None]],
            stages: Mapping[str, Stage]) -> Forecast | None:
    """The forecast after `events` (each with the deal's version after it), or None when only the engine can tell.

    `stages` is the stage table in force (the events must not change it).
    """
    deals = list(forecast.deals)  # in the forecast's order (_order): kept so, one deal moved at a time
    today = forecast.as_of.date()  # as_of is written in the ledger's calendar
    as_of = forecast.as_of
    zone = as_of.tzinfo
    for event, version in events:
        moment = event.ts.astimezone(zone)
        if moment < as_of or moment.date() != today:
            return None  # another day: every deal's lead time and idle days move
        as_of = moment
        at = next((i for i, d in enumerate(deals) if d.deal == event.deal_id), None)
        if at is None:
            return None  # not listed here (lost, closed earlier, another owner's, new): the engine knows it
        deal = deals.pop(at)
        changed = _changed(deal, event, forecast, stages, today)
        if changed is None:
            return None
        changed = msgspec.structs.replace(changed, version=version if version is not None else deal.version + 1,
                                          days_since_change=0)
        if _listed(changed, forecast.owner):
            bisect.insort(deals, changed, key=_order)
    return _summed(forecast, deals, as_of)


def _changed(deal: ForecastDeal, event: Event, forecast: Forecast, stages: Mapping[str, Stage],
             today: dt.date) -> ForecastDeal | None:
    replace = msgspec.structs.replace
    if isinstance(event, StageChanged):
        stage = stages.get(event.stage)
        if stage is None or deal.stage not in stages:
            return None
        if stage.kind == "won":
            # the won date is the day it first reached a won stage in this run of won stages
            won = deal.won_in_period if deal.stage_kind == "won" else _within(today, forecast)
        else:
            won = False
        deal = replace(deal, stage=event.stage, stage_kind=stage.kind, won_in_period=won)
    elif isinstance(event, PriorityChanged):
        deal = replace(deal, priority=event.priority)
    elif isinstance(event, AmountChanged):
        deal = replace(deal, amount=event.amount)
    elif isinstance(event, CloseDateChanged):
        deal = replace(deal, close_date=event.close_date)
    elif isinstance(event, NoteAdded):
        deal = replace(deal, next_action=event.text, due=event.due)
    elif isinstance(event, OwnerChanged):
        deal = replace(deal, owner=event.owner)
    else:
        return None  # splits, new deals, targets, stage definitions
    stage = stages.get(deal.stage)
    if stage is None:
        return None
    period_end = forecast.period_end
    assert period_end is not None
    counts = (stage.kind == "open" and today + dt.timedelta(days=stage.lead_days) <= period_end
              and (deal.close_date is None or deal.close_date <= period_end))
    # big_at is None when there is no threshold (no target): then nothing is big
    return replace(deal, estimated_value=deal.amount * stage.rate, counts=counts,
                   big=forecast.big_at is not None and deal.amount >= forecast.big_at)


def _within(day: dt.date, forecast: Forecast) -> bool:
    return forecast.period_start is not None and forecast.period_end is not None and \
        forecast.period_start <= day <= forecast.period_end


def _listed(deal: ForecastDeal, owner: str | None) -> bool:
    if owner is not None and deal.owner != owner:
        return False
    return deal.stage_kind in ("open", "inactive") or deal.won_in_period


def _order(deal: ForecastDeal) -> tuple[int, Decimal, str]:
    return _RANK.get(deal.priority, 3), -deal.estimated_value, deal.deal


def _summed(forecast: Forecast, deals: list[ForecastDeal], as_of: dt.datetime) -> Forecast:
    target = forecast.target
    won = must_value = must_open = should_value = could_value = Decimal(0)
    with decimal.localcontext(_EXACT):
        for d in deals:
            if d.won_in_period:
                won += d.amount
            if d.priority == "must":
                if d.counts:
                    must_value += d.estimated_value
                if d.stage_kind == "open":
                    must_open += d.amount
            elif d.counts and d.stage_kind == "open":  # what can close: the categories' best case and pipeline
                if d.priority == "should":
                    should_value += d.estimated_value
                else:
                    could_value += d.estimated_value
        progress = won + must_value
        # queries.categories sums amount x rate; a deal's estimated value is that product, exactly
        categories = ForecastCategories(commit=progress, best_case=progress + should_value,
                                        pipeline=progress + should_value + could_value)
    needed = target - progress if target is not None else None
    promotions: list[str] = []
    if needed is not None and needed > 0:
        covered = Decimal(0)
        for d in deals:  # should-haves, then could-haves, largest estimated value first
            if d.priority != "must" and d.counts:
                if covered >= needed:
                    break
                promotions.append(d.deal)
                covered += d.estimated_value
    carried = msgspec.structs.replace(
        forecast, as_of=as_of, won=won, progress=progress, needed=needed,
        chance=ratio(progress, target), on_track=needed <= 0 if needed is not None else None,
        coverage=ratio(won + must_open, target), deals=deals, promotions=promotions, categories=categories,
    )
    # odds on a large pipeline: None, and the engine's reload brings them (the header says so)
    return msgspec.structs.replace(carried, odds=quick_odds(carried))
