"""What changed a period's progress between two moments (changes.sql): a waterfall that adds up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import msgspec

from queries import sqlfiles
from queries.model import CAUSES, Changes, DealChange
from queries.moments import epoch_us, period_bounds


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
