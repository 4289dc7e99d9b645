"""A snapshot is a diff: the events that bring the ledger's deals to what the CRM export says, and no more."""

from __future__ import annotations

from dataclasses import dataclass, field

from ledger import (
    AmountChanged, CloseDateChanged, Deal, DealOpened, Event, LedgerState, NoteAdded, OwnerChanged, PriorityChanged,
    StageChanged, stamp,
)
from queries.crm.snapshot import DealRecord, Snapshot


@dataclass
class Planned:
    """The events of one deal, with the deal's version they were worked out against (0: a new deal)."""

    deal: str
    row: int
    version: int
    events: list[Event]


@dataclass
class Plan:
    """What an import would append, and what it noticed but will not touch."""

    deals: list[Planned] = field(default_factory=list)
    opened: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)  # (deal, name): still open, not in the file
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (deal, ledger name, CRM name)
    split: list[str] = field(default_factory=list)  # deals split in Dealbook: the CRM row is not applied

    @property
    def events(self) -> list[Event]:
        return [event for planned in self.deals for event in planned.events]


def plan_import(snapshot: Snapshot, state: LedgerState, *, by: str | None = None) -> Plan:
    """The events that bring `state` to the snapshot: opens for new deals, one event per changed field."""
    plan = Plan()
    common: dict[str, object] = {"by": by} if by else {}
    seen: set[str] = set()
    for record in snapshot.records:
        seen.add(record.deal)
        deal = state.deals.get(record.deal)
        if deal is None:
            plan.deals.append(Planned(record.deal, record.row, 0, _opened(record, snapshot, common)))
            plan.opened += 1
            continue
        if deal.split_line is not None:
            plan.split.append(record.deal)
            continue
        if deal.name != record.name:
            plan.renamed.append((record.deal, deal.name, record.name))
        events = _changes(record, deal, common)
        if events:
            plan.deals.append(Planned(record.deal, record.row, deal.version, events))
            plan.changed += 1
        else:
            plan.unchanged += 1
    prefix = snapshot.crm.prefix
    for deal in state.deals.values():
        if (deal.deal not in seen and deal.split_line is None and deal.deal.startswith(prefix)
                and _kind(state, deal.stage) in ("open", "inactive")):
            plan.missing.append((deal.deal, deal.name))
    return plan


def _kind(state: LedgerState, stage: str) -> str:
    known = state.stages.get(stage)
    return known.kind if known is not None else "open"


def _opened(record: DealRecord, snapshot: Snapshot, common: dict[str, object]) -> list[Event]:
    events = [stamp(DealOpened, deal=record.deal, name=record.name, owner=record.owner, stage=record.stage,
                    amount=record.amount, priority=record.priority or snapshot.crm.priority,
                    close_date=record.close_date, account=record.account, **common)]
    if record.next_step is not None:
        events.append(stamp(NoteAdded, deal=record.deal, text=record.next_step, due=record.due, **common))
    return events


def _changes(record: DealRecord, deal: Deal, common: dict[str, object]) -> list[Event]:
    events: list[Event] = []
    if deal.owner != record.owner:
        events.append(stamp(OwnerChanged, deal=record.deal, owner=record.owner, **common))
    if deal.amount != record.amount:  # both exact: 12500.00 == 12500
        events.append(stamp(AmountChanged, deal=record.deal, amount=record.amount, **common))
    if deal.close_date != record.close_date:
        events.append(stamp(CloseDateChanged, deal=record.deal, close_date=record.close_date, **common))
    if record.priority is not None and deal.priority != record.priority:
        events.append(stamp(PriorityChanged, deal=record.deal, priority=record.priority, **common))
    if deal.stage != record.stage:
        events.append(stamp(StageChanged, deal=record.deal, stage=record.stage, **common))
    if record.next_step is not None and (deal.next_action, deal.due) != (record.next_step, record.due):
        events.append(stamp(NoteAdded, deal=record.deal, text=record.next_step, due=record.due, **common))
    return events
