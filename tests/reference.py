"""A plain-Python reference fold of docs/forecast-rules.md, independent of queries/, to check the engine."""

from __future__ import annotations

import calendar
import datetime as dt
import math

from ledger.events import (
    DealOpened,
    DealSplit,
    NoteAdded,
    StageChanged,
    StageDefined,
    TargetSet,
)

# stage -> (rate, lead days, kind): METHOD.md's table, in force before any stage_defined.
DEFAULT_STAGES = {
    "lead": (0.10, 45, "open"),
    "qualified": (0.20, 30, "open"),
    "proposal": (0.40, 21, "open"),
    "quote": (0.60, 14, "open"),
    "negotiation": (0.80, 7, "open"),
    "won": (1.0, 0, "won"),
    "lost": (0.0, 0, "lost"),
    "inactive": (0.0, 0, "inactive"),
}
PRIORITY_ORDER = {"must": 0, "should": 1, "could": 2}
# The deal fields that amount_changed, priority_changed, close_date_changed and owner_changed overwrite.
COPIED_FIELDS = ("amount", "priority", "close_date", "owner")


def stage_table(events) -> dict[str, tuple[float, int, str]]:
    table = dict(DEFAULT_STAGES)
    for e in events:
        if isinstance(e, StageDefined):
            table[e.stage] = (e.rate, e.lead_days, e.kind)
    return table


def _fold(events, as_of: dt.datetime) -> dict[str, dict]:
    """Every deal on the board at as_of, with `stage_sets`: (day, stage before or None) per stage-setting event."""
    deals: dict[str, dict] = {}
    for e in (e for e in events if e.ts <= as_of):
        if isinstance(e, DealOpened):
            deals[e.deal] = dict(
                name=e.name, owner=e.owner, account=e.account, stage=e.stage, amount=e.amount,
                priority=e.priority, close_date=e.close_date, next_action=None, due=None,
                version=1, last_change=e.ts, stage_sets=[(e.ts.date(), None)],
            )
            continue
        if e.deal_id is None:
            continue
        deal = deals[e.deal_id]
        deal["version"] += 1
        deal["last_change"] = e.ts
        if isinstance(e, DealSplit):
            parent = deals.pop(e.deal)
            for part in e.parts:
                deals[part.deal] = dict(
                    parent, amount=part.amount, priority=part.priority,
                    close_date=part.close_date or parent["close_date"], next_action=None, due=None,
                    version=1, stage_sets=[(e.ts.date(), None)],
                )
        elif isinstance(e, StageChanged):
            deal["stage_sets"] = deal["stage_sets"] + [(e.ts.date(), deal["stage"])]
            deal["stage"] = e.stage
        elif isinstance(e, NoteAdded):
            deal["next_action"], deal["due"] = e.text, e.due
        else:
            for field in COPIED_FIELDS:
                if field in e.__struct_fields__:
                    deal[field] = getattr(e, field)
    return deals


def pipeline(events, as_of: dt.datetime) -> dict[str, dict]:
    """deal id -> its fields at as_of (split parents gone, closed deals kept)."""
    today = as_of.date()
    return {
        deal_id: {k: v for k, v in deal.items() if k != "stage_sets"}
        | {"days_since_change": (today - deal["last_change"].date()).days}
        for deal_id, deal in _fold(events, as_of).items()
    }


def period_days(period: str) -> tuple[dt.date, dt.date]:
    year, part = int(period[:4]), period[5:]
    first_month, last_month = (3 * int(part[1]) - 2, 3 * int(part[1])) if part[0] == "Q" else (int(part),) * 2
    last_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last_day)


def won_date(deal: dict, table) -> dt.date:
    """The day of the latest stage-setting event whose stage before it was not of kind won."""
    return [day for day, before in deal["stage_sets"] if before is None or table[before][2] != "won"][-1]


def forecast(events, period: str, as_of: dt.datetime, owner: str | None = None, big_at: float | None = None) -> dict:
    known = [e for e in events if e.ts <= as_of]
    table = stage_table(known)
    first, last = period_days(period)
    today = as_of.date()

    targets = {e.owner: e.amount for e in known if isinstance(e, TargetSet) and e.period == period}
    if owner is not None:
        target = targets.get(owner, 0.0)
    else:
        target = targets[None] if None in targets else sum(targets.values())
    threshold = big_at if big_at is not None else (0.25 * target if target > 0 else math.inf)

    won = must_open_amounts = must_counting_value = 0.0
    listed: dict[str, tuple[float, bool, bool]] = {}
    candidates = []  # (priority order, -estimated value, deal id) of the should/could deals that count
    for deal_id, deal in _fold(known, as_of).items():
        if owner is not None and deal["owner"] != owner:
            continue
        rate, lead_days, kind = table[deal["stage"]]
        value = deal["amount"] * rate
        counts = (
            kind == "open"
            and today + dt.timedelta(days=lead_days) <= last
            and (deal["close_date"] is None or deal["close_date"] <= last)
        )
        won_in_period = kind == "won" and first <= won_date(deal, table) <= last
        if kind in ("open", "inactive") or won_in_period:
            listed[deal_id] = (value, counts, deal["amount"] >= threshold)
        if won_in_period:
            won += deal["amount"]
        if deal["priority"] == "must" and kind == "open":
            must_open_amounts += deal["amount"]
            must_counting_value += value if counts else 0.0
        if deal["priority"] != "must" and counts:
            candidates.append((PRIORITY_ORDER[deal["priority"]], -value, deal_id))

    progress = won + must_counting_value
    needed = target - progress
    promotions, covered = [], 0.0
    for _, minus_value, deal_id in (sorted(candidates) if needed > 0 else []):
        if covered >= needed:
            break
        promotions.append(deal_id)
        covered -= minus_value
    return dict(
        target=target, won=won, progress=progress, needed=needed,
        chance=progress / target if target else None, on_track=needed <= 0,
        coverage=(won + must_open_amounts) / target if target else None,
        deals=listed, promotions=promotions, big_at=threshold,
    )
