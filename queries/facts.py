"""What the board needs of the whole ledger besides a forecast, asked of the cache instead of a fold.

The board used to fold every event itself to learn these (5 s and 680 MB at a million events); each
is one query over the cache here, a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from ledger.stages import Stage
from queries import sqlfiles
from queries.moments import from_epoch_us


@dataclass(frozen=True)
class LedgerFacts:
    """The ledger as a whole: what it spans, who is in it, its stage table and targets now."""

    months: frozenset[str] = frozenset()  # YYYY-MM of every event's day, and every monthly target's period
    owners: tuple[str, ...] = ()  # of any deal or target, sorted
    stages: dict[str, Stage] = field(default_factory=dict)  # the table in force after the last line
    targets: dict[tuple[str, str | None], float] = field(default_factory=dict)  # (period, owner) -> latest
    parked_from: dict[str, str] = field(default_factory=dict)  # parked deal -> the stage it was parked from
    last_ts: dt.datetime | None = None  # the ledger's last line, in its own offset


def ledger_facts(cur: duckdb.DuckDBPyConnection, last: tuple[int, int, int] | None) -> LedgerFacts:
    """The facts from the cache's tables (`last`: seq, ts_us, offset of the last row, as the Store keeps it)."""
    event_months, owners, targets = sqlfiles.run(cur, "board_facts").fetchone()
    target_map = {(t["period"], t["owner"]): t["amount"] for t in targets or []}
    stages = {name: Stage(rate, lead_days, position, kind)
              for name, rate, lead_days, position, kind in sqlfiles.run(cur, "stage_table", t_us=2**62).fetchall()}
    return LedgerFacts(
        months=frozenset(f"{m:%Y-%m}" for m in event_months or ()) | {period for period, _ in target_map if "Q" not in period},
        owners=tuple(sorted(owners or ())),
        stages=stages,
        targets=target_map,
        parked_from=dict(sqlfiles.run(cur, "parked_from").fetchall()),
        last_ts=None if last is None else from_epoch_us(last[1], last[2]),
    )


def deal_ids(cur: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Every deal id the ledger ever used, split parents included: a new deal or tranche must avoid them."""
    return frozenset(row[0] for row in cur.execute("SELECT deal FROM deal_snapshot").fetchall())
