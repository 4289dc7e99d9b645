"""Dealbook's queries: the ledger materialized in DuckDB, and the forecast rules in SQL (no UI here).

    store = Store.open("dealbook.jsonl")           # cache beside the ledger; store.refresh() after appends
    store.pipeline(as_of=None)                     # -> list[DealRow]
    store.forecast(period=None, as_of=None, owner=None, big_at=None, scenario=())   # -> Forecast
    store.replay(period=None, owner=None, now=None)                                  # -> Replay
    store.changes(start, end=None, period=None, owner=None)                          # -> Changes
    store.calibrate(as_of=None)                                                      # -> list[StageCalibration]

Moments are aware datetimes, or `--as-of` texts read by store.as_of (a bare date is the end of that
day in the ledger's time zone, else in the offset of its last line); periods are YYYY-MM, YYYY-Qn or
YYYY (parse_period). Money is Decimal.
"""

from queries.model import (
    CAUSES, Changes, Checkpoint, DealChange, DealRow, Forecast, ForecastDeal, Replay, ReplayDay, StageCalibration,
)
from queries.moments import MomentError, end_of_day, month_of, parse_as_of, parse_period, period_bounds
from queries.store import Store, cache_path_for

__all__ = [
    "CAUSES", "Changes", "Checkpoint", "DealChange", "DealRow", "Forecast", "ForecastDeal", "MomentError", "Replay",
    "ReplayDay", "StageCalibration", "Store", "cache_path_for", "end_of_day", "month_of", "parse_as_of",
    "parse_period", "period_bounds",
]
