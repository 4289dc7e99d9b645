"""Calibration: each stage's configured conversion rate and lead time against the ledger's own history."""

from __future__ import annotations

import datetime as dt

import duckdb

from queries import sqlfiles
from queries.forecasting import moment_params
from queries.model import OwnerCalibration, StageCalibration

ALL_TIME = ("0001-01", dt.date(1, 1, 1), dt.date(9999, 12, 31))


def calibrate(cur: duckdb.DuckDBPyConnection, as_of: dt.datetime) -> list[StageCalibration]:
    """Per stage of the table in force at `as_of`, in board order, measured over the deals known then.

    - A deal *reached* stage S when an event set its stage to S: opened in S, moved to S, or created
      in S by a split (a part reaches its parent's stage on the split's day).
    - *closed*: its stage is of kind won or lost (inactive deals are not closed: they may come back).
    - measured_rate = of the closed deals that ever reached S, the share whose stage is of kind won;
      `deals` is how many closed deals that rests on (None when there are none).
    - measured_lead_days = the median, over those won deals, of the days from the day the deal first
      reached S to its won date (the day its last run of won stages began, as in the forecast
      rules); `won_deals` is how many that rests on.
    - by_owner: the same over each owner's closed deals (the deal's owner as of `as_of`).
    """
    params = moment_params(as_of, "2000-01")
    params.update(p_start=ALL_TIME[1], p_end=ALL_TIME[2])
    return [
        StageCalibration(stage=stage, rate=rate, measured_rate=measured_rate, lead_days=lead_days,
                         measured_lead_days=measured_lead, deals=deals, won_deals=won_deals, kind=kind,
                         position=position, by_owner=[OwnerCalibration(**o) for o in by_owner])
        for stage, rate, measured_rate, lead_days, measured_lead, deals, won_deals, kind, position, by_owner
        in sqlfiles.run(cur, "calibrate", **params).fetchall()
    ]
