"""Why a deal counts or not, whether it slipped, and its own history: plain functions (no Textual, no DuckDB)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import msgspec

from ledger import DealSplit, Event, decode_event, encode_event, read_ledger
from ledger.problems import is_url
from ledger.stages import Stage
from queries.model import Forecast, ForecastDeal
from tui.text import money, plain



def slipped(deal: ForecastDeal, today: dt.date) -> bool:
    """docs/method.md: an open deal whose close date is before today has slipped (its date needs updating)."""
    return deal.stage_kind == "open" and deal.close_date is not None and deal.close_date < today


def slipped_count(deals: Sequence[ForecastDeal], today: dt.date) -> int:
    """How many of the deals slipped (slipped(), inlined: the board counts 10k deals on every repaint)."""
    return sum(1 for d in deals if d.close_date is not None and d.close_date < today and d.stage_kind == "open")


def settled(deal: ForecastDeal) -> bool:
    """Won or lost: its close date and next action are history, not something pending."""
    return deal.stage_kind in ("won", "lost")


def counts_reason(deal: ForecastDeal, stage: Stage | None, forecast: Forecast) -> tuple[bool, str]:
    """(counts, the sentence saying why), by the rule of docs/forecast-rules.md: an open stage, today +
    the stage's lead days <= the period's last day, and a close date unset or <= that day."""
    end = forecast.period_end
    left = forecast.days_left
    if deal.stage_kind == "won":
        if deal.won_in_period:
            return False, f"counts: as won, {money(deal.amount)} is in this period's won (and progress)"
        return False, "counts: no, it was won in another period"
    if deal.stage_kind == "lost":
        return False, "counts: no, it is lost"
    if deal.stage_kind == "inactive":
        return False, "counts: no, it is parked (inactive)"
    if stage is None:
        return deal.counts, f"counts: {'yes' if deal.counts else 'no'} (stage {plain(deal.stage)} is not in the table)"
    lead = stage.lead_days
    if lead > left:
        return False, f"counts: no, {lead} days of lead time > {left} days left"
    if end is not None and deal.close_date is not None and deal.close_date > end:
        return False, f"counts: no, its close date {deal.close_date:%d %b %Y} is after the period's end ({end:%d %b})"
    why = f"counts: yes, {lead} days of lead time <= {left} days left"
    if deal.close_date is not None:
        why += f" and it closes by {deal.close_date:%d %b}"
    if deal.priority == "must":
        return True, why + f": its {money(deal.estimated_value)} is in progress"
    return True, why + f", but as a {deal.priority}-have it adds to progress only once promoted to must"


def to_update(deals: list[ForecastDeal], today: dt.date, stale_days: int) -> list[tuple[ForecastDeal, str]]:
    """What to update, slipped deals first (oldest close date first), then overdue next actions, then idle deals."""
    rows: list[tuple[tuple, ForecastDeal, str]] = []
    for d in deals:
        if d.stage_kind != "open":
            continue
        if slipped(d, today):
            days = (today - d.close_date).days  # type: ignore[operator]
            rows.append(((0, d.close_date, d.deal), d, f"slipped: close date {d.close_date:%d %b} was {days} day(s) ago"))
        elif d.due is not None and d.due < today:
            rows.append(((1, d.due, d.deal), d, f"next action overdue since {d.due:%d %b}"))
        elif d.days_since_change >= stale_days:
            rows.append(((2, -d.days_since_change, d.deal), d, f"idle {d.days_since_change} days"))
    rows.sort(key=lambda r: r[0])
    return [(d, why) for _, d, why in rows]


def _mentions(event: Event, deal: str) -> bool:
    return getattr(event, "deal", None) == deal or any(p.deal == deal for p in getattr(event, "parts", ()))


def deal_history(path: Path | str, deal: str, until: dt.datetime | None = None) -> list[Event]:
    """The deal's events up to a moment, oldest first; a tranche's history starts with its parent's (up to
    the split). Lines are picked by the id's JSON text before decoding: a line that spells the id with
    \\u escapes is not found (writers never do)."""
    if is_url(str(path)):  # a table: its accepted lines, as the file would hold them
        ledger = read_ledger(str(path))
        raw = b"".join(encode_event(e) for e in ledger.events)
    else:
        raw = Path(path).read_bytes()
    events: list[Event] = []
    wanted, cutoff = deal, until
    while wanted:
        needle = msgspec.json.encode(wanted)
        found: list[Event] = []
        for line in raw.splitlines():
            if needle not in line:
                continue
            try:
                event = decode_event(line)
            except (msgspec.DecodeError, ValueError):
                continue  # a broken line is the checker's business; the board says the ledger has problems
            if _mentions(event, wanted) and (cutoff is None or event.ts <= cutoff):
                found.append(event)
        events = found + events
        split = next((e for e in found if isinstance(e, DealSplit) and e.deal != wanted), None)
        if split is None:
            break
        wanted, cutoff = split.deal, split.ts
        events = [e for e in events if not (e is split)]  # the split comes again with the parent's events
    return events


def stage_rows(stages: Mapping[str, Stage]) -> list[tuple[str, Stage]]:
    return sorted(stages.items(), key=lambda item: (item[1].position, item[0]))

