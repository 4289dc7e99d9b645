"""A forecast's probability of making the target and its categories, from the deals it lists (one computation for all views)."""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from decimal import Decimal

import msgspec

from queries.categories import ForecastCategories, forecast_categories
from queries.model import Forecast, ForecastDeal
from queries.probability import TargetOdds, target_odds

# a rate read back as estimated value / amount is exact (both are exact Decimals): refuse to round it
_EXACT = decimal.Context(prec=60, traps=[decimal.Inexact, decimal.InvalidOperation, decimal.DivisionByZero])


def rate_of(deal: ForecastDeal) -> Decimal:
    """The deal's stage rate, read back exactly from its estimated value (amount x rate); 0 for an amount of 0."""
    if not deal.amount:
        return Decimal(0)
    return _EXACT.divide(deal.estimated_value, deal.amount).normalize(_EXACT)


def can_close(forecast: Forecast) -> list[ForecastDeal]:
    """The open deals that can close in the forecast's period (the rule of the forecast: `counts`)."""
    return [d for d in forecast.deals if d.counts and d.stage_kind == "open"]


def odds_of(forecast: Forecast, *, draws: int | None = None) -> TargetOdds:
    """The probability of making the forecast's target (None without one), with p10/p50/p90 of what will be won."""
    return odds_from(forecast.won, forecast.target, ((d.amount, rate_of(d)) for d in can_close(forecast)),
                     draws=draws)


def odds_from(won: Decimal, target: Decimal | None, deals: Iterable[tuple[Decimal, Decimal]], *,
              draws: int | None = None) -> TargetOdds:
    """target_odds with the forecast's conventions: exact when cheap, else a seeded simulation."""
    return target_odds(won, target, list(deals), draws=draws)


def categories_of(forecast: Forecast) -> ForecastCategories:
    """Commit, best case and pipeline of the forecast (commit equals its progress)."""
    return forecast_categories(forecast.won, ((d.amount, rate_of(d), d.priority) for d in can_close(forecast)))


def with_odds(forecast: Forecast) -> Forecast:
    """The forecast with its `odds` and `categories` filled in."""
    return msgspec.structs.replace(forecast, odds=odds_of(forecast), categories=categories_of(forecast))
