"""What changed a period's progress between two moments (changes.sql): a waterfall that adds up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import msgspec

from queries import sqlfiles
from queries.model import CAUSES, Changes, DealChange, Forecast
from queries.moments import epoch_us, period_bounds
from queries.scenarios import changed_deals


class _Bucket(msgspec.Struct):
    cause: str
    amount: Decimal


_buckets = msgspec.json.Decoder(list[_Bucket])
_deals = msgspec.json.Decoder(list[DealChange])


def changes(cur: duckdb.DuckDBPyConnection, period: str, start_at: dt.datetime, end_at: dt.datetime,
            owner: str | None, zoned: bool = False) -> Changes:
    """The waterfall of `period`'s progress from `start_at` to `end_at` (see changes.sql)."""
    if end_at < start_at:
        raise ValueError(f"--from {start_at.isoformat()} is after --to {end_at.isoformat()}")
    first, last = period_bounds(period)
    offset = end_at.utcoffset() or dt.timedelta(0)
    start, end, buckets_json, deals_json = sqlfiles.run(
        cur, "changes", t1=epoch_us(start_at), today1=start_at.date(), t2=epoch_us(end_at), today2=end_at.date(),
        off2_us=int(offset.total_seconds()) * 1_000_000, period=period, p_start=first, p_end=last, owner=owner,
        zoned=zoned,
    ).fetchone()
    amounts = {bucket.cause: bucket.amount for bucket in _buckets.decode(buckets_json)}
    order = {cause: i for i, cause in enumerate(CAUSES)}
    deals = sorted(_deals.decode(deals_json), key=lambda d: (order.get(d.cause, len(order)), -abs(d.amount), d.deal))
    return Changes(
        period=period, owner=owner, start=start, end=end,
        buckets={cause: amounts.get(cause, Decimal(0)) for cause in CAUSES}, deals=deals,
        start_as_of=start_at, end_as_of=end_at,
    )


def start_in_its_own_calendar(moved: Changes, own: Forecast, read_anew: Forecast) -> Changes:
    """The waterfall whose start is `own`, the forecast at the start in the calendar then in force.

    changes.sql reads both moments in the end's calendar (`read_anew` is the start read so). When the
    ledger's time zone changed in between, days read in the new zone move events across the period's
    edges: each deal whose part of progress differs between the two readings of the start goes to the
    `zone_changed` cause, so that start + every cause still adds up to the end.
    """
    moved_by_zone = [
        DealChange(deal=c.deal, name=c.name, owner=c.owner, cause="zone_changed", amount=c.change)
        for c in changed_deals(own, read_anew)
    ]
    buckets = dict(moved.buckets)
    buckets["zone_changed"] += read_anew.progress - own.progress
    return msgspec.structs.replace(moved, start=own.progress, buckets=buckets, deals=[*moved.deals, *moved_by_zone])
