"""Dealbook's queries: the ledger materialized in DuckDB, and the forecast rules in SQL (no UI here)."""

from queries.model import DealRow, Forecast, ForecastDeal
from queries.moments import MomentError, end_of_day, month_of, parse_as_of, parse_period, period_bounds
from queries.store import Store, cache_path_for

__all__ = [
    "DealRow", "Forecast", "ForecastDeal", "MomentError", "Store", "cache_path_for", "end_of_day", "month_of",
    "parse_as_of", "parse_period", "period_bounds",
]
