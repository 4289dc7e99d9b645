"""What the plan, the activity breakdown and the live opportunities read of a Store: one function per input.

Each converts the engine's numbers to Decimal at this one boundary (`Decimal(str(x))`: the float's
shortest text, which is the decimal the ledger wrote for any amount of up to 15 digits).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from queries import sqlfiles
from queries.activity import ClosedDeal
from queries.forecasting import moment_params
from queries.live import OpenDeal
from queries.moments import month_of
from queries.plan import WonDeal
from queries.store import Store

# Every deal closed won or lost as known at the moment, with the day it closed: for won, the day it last
# entered a won stage (units_won, the forecast's own rule); for lost, the same rule with kind `lost`.
# Days before $p_start are not looked for (the deal then has no closed day and is left out).
_CLOSED_SQL = """
WITH
moments AS (SELECT 1 AS m, $today::DATE AS today),
bucketed AS NOT MATERIALIZED (SELECT *, 1 AS bucket FROM events WHERE ts_us <= $t_us),
{moment}
{state}
lost_dates AS (
    SELECT u.deal, arg_max(c.day, c.seq) AS lost_date
    FROM units AS u
    JOIN won_candidates AS c ON c.deal = u.deal AND c.bucket <= u.from_m
    LEFT JOIN epoch_stages AS before ON before.epoch = u.epoch AND before.stage = c.prev_stage
    WHERE u.stage_kind = 'lost' AND (c.prev_stage IS NULL OR before.kind <> 'lost')
    GROUP BY u.deal
)
SELECT w.deal, w.account, w.owner, w.stage_kind, coalesce(w.won_date, l.lost_date) AS closed_day, w.amount
FROM units_won AS w LEFT JOIN lost_dates AS l ON l.deal = w.deal
WHERE w.stage_kind IN ('won', 'lost') AND coalesce(w.won_date, l.lost_date) IS NOT NULL
ORDER BY closed_day, w.deal
"""


def _closed(store: Store, as_of: dt.datetime, since: dt.date) -> list[tuple]:
    text = _CLOSED_SQL.format(moment=sqlfiles.sql("_deal_moment"), state=sqlfiles.sql("_deal_state"))
    as_of = store.calendar_at(as_of).local(as_of)  # its date is the ledger's today
    params = moment_params(as_of, month_of(as_of.date())) | {"p_start": since}
    with store.cursor() as cur:
        used = set(re.findall(r"\$(\w+)", re.sub(r"--[^\n]*", "", text)))
        return cur.execute(text, {k: v for k, v in params.items() if k in used}).fetchall()


def won_deals(store: Store, as_of: dt.datetime, since: dt.date = dt.date.min) -> list[WonDeal]:
    """The deals won (known at as_of) on a day from `since` on (default: every win the ledger has)."""
    return [WonDeal(deal=deal, account=account, owner=owner, won_day=day,
                    amount=amount)
            for deal, account, owner, kind, day, amount in _closed(store, as_of, since) if kind == "won"]


def closed_deals(store: Store, as_of: dt.datetime, since: dt.date) -> list[ClosedDeal]:
    """The deals closed won or lost (known at as_of) on a day from `since` on."""
    return [ClosedDeal(deal=deal, owner=owner, kind=kind, closed_day=day,
                       amount=amount)
            for deal, account, owner, kind, day, amount in _closed(store, as_of, since)]


def needed(store: Store, period: str, as_of: dt.datetime, owner: str | None) -> tuple[Decimal | None, Decimal | None]:
    """The view's (target, needed) for the period at as_of; (None, None) with no target."""
    result = store.forecast(period=period, as_of=as_of, owner=owner, odds=False)
    if result.target is None:  # no target (a target of 0 is a target: docs/method.md)
        return None, None
    return result.target, result.needed


def open_deals(store: Store, as_of: dt.datetime) -> list[OpenDeal]:
    """Every deal in a stage of kind `open` at as_of, with its next action."""
    return [OpenDeal(deal=d.deal, name=d.name, owner=d.owner, next_action=d.next_action)
            for d in store.pipeline(as_of) if d.stage_kind == "open"]


def people(store: Store) -> list[str]:
    """Everyone who owns a deal or has a target."""
    return list(store.facts().owners)


def first_day(store: Store) -> dt.date | None:
    """The local day of the ledger's first event (None for an empty ledger)."""
    with store.cursor() as cur:  # `day` is read in the ledger's time zone
        return cur.execute("SELECT arg_min(day, seq) FROM events").fetchone()[0]


def order_value(store: Store) -> Decimal | None:
    """The team's average order value: the ledger's `order_value` setting, or None."""
    value = store.settings().get("order_value")
    return value if isinstance(value, Decimal) else None


def today(store: Store, as_of: dt.datetime) -> dt.date:
    """The day of the moment in the ledger's calendar (its time zone, else its last line's offset)."""
    return store.calendar_at(as_of).local(as_of).date()


def month_figures(store: Store, year: int, as_of: dt.datetime,
                  owner: str | None) -> list[tuple[str, Decimal | None, Decimal]]:
    """Each month of the year: (period, its target by the forecast's rule or None, the amount won in it),
    as known at as_of."""
    figures = []
    for month in range(1, 13):
        result = store.forecast(period=f"{year:04d}-{month:02d}", as_of=as_of, owner=owner, odds=False)
        figures.append((result.period, result.target, result.won))
    return figures
