"""A plain-Python reference fold of docs/forecast-rules.md, independent of queries/, to check the engine."""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from decimal import Decimal

from ledger.events import (
    DealOpened,
    DealSplit,
    NoteAdded,
    SettingsChanged,
    StageChanged,
    StageDefined,
    TargetSet,
)

# stage -> (rate, lead days, kind): docs/method.md's table, in force before any stage_defined.
D = Decimal
DEFAULT_STAGES = {
    "lead": (D("0.10"), 45, "open"),
    "qualified": (D("0.20"), 30, "open"),
    "proposal": (D("0.40"), 21, "open"),
    "quote": (D("0.60"), 14, "open"),
    "negotiation": (D("0.80"), 7, "open"),
    "won": (D(1), 0, "won"),
    "lost": (D(0), 0, "lost"),
    "inactive": (D(0), 0, "inactive"),
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


def zone_at(events, as_of: dt.datetime) -> str | None:
    """The IANA zone named by the latest settings_changed naming one, known at as_of (None: offsets as written)."""
    tz = None
    for e in events:
        if e.ts <= as_of and isinstance(e, SettingsChanged) and "tz" in e.named():
            tz = e.tz
    return tz


def local_day(ts: dt.datetime, tz: str | None) -> dt.date:
    return ts.astimezone(zoneinfo.ZoneInfo(tz)).date() if tz else ts.date()


AT_AS_OF = "the zone known at as_of"  # the default calendar; a replay passes the one in force at its now


def today_of(events, as_of: dt.datetime, tz: str | None = AT_AS_OF) -> dt.date:
    """as_of's local date: in the zone at as_of, else in as_of's own offset (the caller's: the last line's)."""
    return local_day(as_of, zone_at(events, as_of) if tz is AT_AS_OF else tz)


def _fold(events, as_of: dt.datetime, tz: str | None = AT_AS_OF) -> dict[str, dict]:
    """Every deal on the board at as_of, with `stage_sets`: (day, stage before or None) per stage-setting event."""
    deals: dict[str, dict] = {}
    tz = zone_at(events, as_of) if tz is AT_AS_OF else tz
    table = dict(DEFAULT_STAGES)  # as it stands at each event: a split passes on a won run in a won stage then
    for e in (e for e in events if e.ts <= as_of):
        day = local_day(e.ts, tz)
        if isinstance(e, StageDefined):
            table[e.stage] = (e.rate, e.lead_days, e.kind)
        if isinstance(e, DealOpened):
            deals[e.deal] = dict(
                name=e.name, owner=e.owner, account=e.account, stage=e.stage, amount=e.amount,
                priority=e.priority, close_date=e.close_date, next_action=None, due=None,
                version=1, last_change=e.ts, last_day=day, stage_sets=[(day, None)],
            )
            continue
        if e.deal_id is None:
            continue
        deal = deals[e.deal_id]
        deal["version"] += 1
        deal["last_change"], deal["last_day"] = e.ts, day
        if isinstance(e, DealSplit):
            parent = deals.pop(e.deal)
            for part in e.parts:
                # a part opened in a won stage keeps its parent's won run (its stage_sets), else starts anew
                won_run = parent["stage_sets"] if table[parent["stage"]][2] == "won" else [(day, None)]
                deals[part.deal] = dict(
                    parent, amount=part.amount, priority=part.priority,
                    close_date=part.close_date_from(parent["close_date"]), next_action=None, due=None,
                    version=1, stage_sets=won_run,
                )
        elif isinstance(e, StageChanged):
            deal["stage_sets"] = deal["stage_sets"] + [(day, deal["stage"])]
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
    today = today_of(events, as_of)
    return {
        deal_id: {k: v for k, v in deal.items() if k not in ("stage_sets", "last_day")}
        | {"days_since_change": (today - deal["last_day"]).days}
        for deal_id, deal in _fold(events, as_of).items()
    }


def period_days(period: str) -> tuple[dt.date, dt.date]:
    year, part = int(period[:4]), period[5:]
    if not part:
        first_month, last_month = 1, 12
    else:
        first_month, last_month = (3 * int(part[1]) - 2, 3 * int(part[1])) if part[0] == "Q" else (int(part),) * 2
    last_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last_day)


def won_date(deal: dict, table) -> dt.date:
    """The day of the latest stage-setting event whose stage before it was not of kind won."""
    return [day for day, before in deal["stage_sets"] if before is None or table[before][2] != "won"][-1]


def months_of(period: str) -> list[str]:
    first, last = period_days(period)
    return [] if first.month == last.month else [f"{first.year}-{m:02d}" for m in range(first.month, last.month + 1)]


def target_of(known, period: str, owner: str | None) -> Decimal | None:
    """The view's target: its own for the period; else the sum of its months' (a quarter or a year) when one
    has one; else, for the team, the sum of the persons' for the period; else None (no target)."""
    latest = {(e.period, e.owner): e.amount for e in known if isinstance(e, TargetSet)}

    def own(p: str) -> Decimal | None:
        return latest.get((p, owner))

    def persons(p: str) -> Decimal | None:
        found = [amount for (q, who), amount in latest.items() if q == p and who is not None]
        return sum(found, Decimal(0)) if found else None

    if own(period) is not None:
        return own(period)
    months = [own(m) if owner is not None else (own(m) if own(m) is not None else persons(m))
              for m in months_of(period)]
    if any(m is not None for m in months):
        return sum((m for m in months if m is not None), Decimal(0))
    return persons(period) if owner is None else None


def forecast(events, period: str, as_of: dt.datetime, owner: str | None = None, big_at: Decimal | None = None,
             tz: str | None = AT_AS_OF) -> dict:
    """The forecast at as_of, every day read in the zone known at as_of (or in `tz`, when given: a replay
    reads each past day in the calendar in force at its own now)."""
    known = [e for e in events if e.ts <= as_of]
    table = stage_table(known)
    first, last = period_days(period)
    today = today_of(known, as_of, tz)

    target = target_of(known, period, owner)
    threshold = big_at if big_at is not None else (target / 4 if target is not None and target > 0 else None)

    won = must_open_amounts = must_counting_value = Decimal(0)
    listed: dict[str, tuple[Decimal, bool, bool]] = {}
    candidates = []  # (priority order, -estimated value, deal id) of the should/could deals that count
    for deal_id, deal in _fold(known, as_of, tz).items():
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
            listed[deal_id] = (value, counts, threshold is not None and deal["amount"] >= threshold)
        if won_in_period:
            won += deal["amount"]
        if deal["priority"] == "must" and kind == "open":
            must_open_amounts += deal["amount"]
            must_counting_value += value if counts else Decimal(0)
        if deal["priority"] != "must" and counts:
            candidates.append((PRIORITY_ORDER[deal["priority"]], -value, deal_id))

    progress = won + must_counting_value
    needed = target - progress if target is not None else None
    promotions, covered = [], Decimal(0)
    for _, minus_value, deal_id in (sorted(candidates) if needed is not None and needed > 0 else []):
        if covered >= needed:
            break
        promotions.append(deal_id)
        covered -= minus_value
    return dict(
        target=target, won=won, progress=progress, needed=needed,
        chance=float(progress / target) if target else None, on_track=needed <= 0 if needed is not None else None,
        coverage=float((won + must_open_amounts) / target) if target else None,
        deals=listed, promotions=promotions, big_at=threshold,
    )
