"""The board's odds of the target: shown at once when they cost nothing, else computed once the board is painted."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

import msgspec

from queries.model import Forecast
from queries.odds_of import categories_of, known_odds, odds_of


def forecast_for_board(engine: Any, period: str, as_of: dt.datetime, owner: str | None) -> tuple[Forecast, bool]:
    """The engine's forecast with its categories, and its odds when they are known now; (forecast, pending).

    Simulating the odds of 10k open deals takes 0.3-0.8 s: the board is painted first, with "odds …",
    and the odds follow (BoardData.odds_filled), equal to the engine's own (the same odds_of)."""
    if "odds" not in inspect.signature(engine.forecast).parameters:  # an engine without the choice (tests)
        return engine.forecast(period=period, as_of=as_of, owner=owner), False
    forecast = engine.forecast(period=period, as_of=as_of, owner=owner, odds=False)
    odds = known_odds(forecast)
    return msgspec.structs.replace(forecast, odds=odds, categories=categories_of(forecast)), odds is None


def with_odds(forecast: Forecast) -> Forecast:
    """The forecast with the odds the engine would have given it."""
    return msgspec.structs.replace(forecast, odds=odds_of(forecast))
