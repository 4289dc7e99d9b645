"""The pipeline and a period's forecast as of a moment: forecast.sql and pipeline.sql into typed results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import msgspec

from queries import sqlfiles
from queries.model import DealRow, Forecast, ForecastDeal, ratio
from queries.odds_of import with_odds
from queries.moments import days_left, epoch_us, month_of, months_in, period_bounds

# the SQL hands lists of rows over as JSON: msgspec builds the structs far faster than Python loops
_deals = msgspec.json.Decoder(list[ForecastDeal])
_rows = msgspec.json.Decoder(list[DealRow])


def moment_params(as_of: dt.datetime, period: str) -> dict[str, object]:
    """The parameters of a single-moment query: the moment, today, the period's days.

    Such a query may start from deal_snapshot (see _deal_partials.sql): it does when the moment
    comes after every row the snapshot folds, as it does for "now".
    """
    first, last = period_bounds(period)
    return {"t_us": epoch_us(as_of), "today": as_of.date(), "period": period, "p_start": first, "p_end": last,
            "use_snapshot": True, "months": months_in(period)}


def forecast(cur: duckdb.DuckDBPyConnection, period: str, as_of: dt.datetime, owner: str | None = None,
             big_at: Decimal | None = None, snapshot: object = None, *, odds: bool = True) -> Forecast:
    """The forecast on this cursor's `events` (`snapshot` is ignored: the SQL checks the snapshot itself).

    `as_of` is written in the calendar of the moment: its date is *today*. `odds`: with the
    probability of making the target and the categories (queries/odds_of.py; 0.3 s at 10k open deals).
    """
    row = sqlfiles.run(cur, "forecast", owner=owner, big_at=big_at, **moment_params(as_of, period)).fetchone()
    target, won, progress, needed, covered, on_track, threshold, deals, promotions = row
    # the shares from the exact figures, in Python, as the carried forecast (instant.py) computes them
    chance, coverage = ratio(progress, target), ratio(covered, target)
    first, last = period_bounds(period)
    result = Forecast(
        period=period, as_of=as_of, owner=owner, target=target, won=won, progress=progress, needed=needed,
        chance=chance, on_track=on_track, coverage=coverage, deals=_deals.decode(deals),
        promotions=promotions, big_at=threshold,
        period_start=first, period_end=last, days_left=days_left(period, as_of.date()),
    )
    return with_odds(result) if odds else result


def pipeline(cur: duckdb.DuckDBPyConnection, as_of: dt.datetime, snapshot: object = None) -> list[DealRow]:
    """The pipeline on this cursor's `events` (`snapshot` is ignored, as in forecast)."""
    params = moment_params(as_of, month_of(as_of.date()))
    return _rows.decode(sqlfiles.run(cur, "pipeline", **params).fetchone()[0])
