"""What the board needs of the whole ledger besides a forecast, asked of the cache instead of a fold.

The board used to fold every event itself to learn these (5 s and 680 MB at a million events); each
is one query over the cache here, a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from ledger.stages import Stage
from ledger.state import LedgerState
from queries import sqlfiles


@dataclass(frozen=True)
class LedgerFacts:
    """The ledger as a whole: what it spans, who is in it, its stage table and targets now."""

    months: frozenset[str] = frozenset()  # YYYY-MM of every event's day, and every monthly target's period
    owners: tuple[str, ...] = ()  # of any deal or target, sorted
    stages: dict[str, Stage] = field(default_factory=dict)  # the table in force after the last line
    targets: dict[tuple[str, str | None], float] = field(default_factory=dict)  # (period, owner) -> latest
    parked_from: dict[str, str] = field(default_factory=dict)  # parked deal -> the stage it was parked from
    last_ts: dt.datetime | None = None  # the ledger's last line, in its own offset


def ledger_facts(cur: duckdb.DuckDBPyConnection, base: LedgerState) -> LedgerFacts:
    """The facts from the cache's tables; `base` (loading.resume_base, which the Store keeps for its
    appends' checks too) already holds the stage table, the targets and the last line's ts."""
    event_months, owners = sqlfiles.run(cur, "board_facts").fetchone()
    return LedgerFacts(
        months=frozenset(f"{m:%Y-%m}" for m in event_months or ()) | {period for period, _ in base.targets
                                                                        if "Q" not in period},
        owners=tuple(sorted(owners or ())),
        stages=dict(base.stages),
        targets=dict(base.targets),
        parked_from=dict(sqlfiles.run(cur, "parked_from").fetchall()),
        last_ts=base.last_ts,
    )


def deal_ids(cur: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Every deal id the ledger ever used, split parents included: a new deal or tranche must avoid them."""
    return frozenset(row[0] for row in cur.execute("SELECT deal FROM deal_snapshot").fetchall())
