"""What each board key means for the ledger: the one event a change appends, and the event that undoes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ledger.events import (
    PRIORITIES,
    AmountChanged,
    CloseDateChanged,
    DealOpened,
    DealSplit,
    Event,
    NoteAdded,
    OwnerChanged,
    PriorityChanged,
    SettingsChanged,
    SplitPart,
    StageChanged,
    TargetSet,
)
from ledger.stages import Stage, board_order, open_stages
from queries.model import ForecastDeal
from tui.text import money, plain


class Refusal(Exception):
    """A key that cannot act on this deal; the message says why and what to do instead."""


@dataclass(frozen=True)
class Inverse:
    """The event that reverses a change, or why there is none."""

    event_type: type[Event] | None
    fields: Mapping[str, Any] = field(default_factory=dict)
    impossible: str | None = None  # set when the change cannot be undone


@dataclass(frozen=True)
class Change:
    """One event to append, checked against the version the board showed."""

    event_type: type[Event]
    fields: Mapping[str, Any]
    expect_version: int | None  # None for ledger-wide events (targets)
    inverse: Inverse

    @property
    def deal(self) -> str | None:
        value = self.fields.get("deal")
        return value if isinstance(value, str) else None


def _deal_change(deal: ForecastDeal, event_type: type[Event], inverse: Mapping[str, Any], **fields: Any) -> Change:
    return Change(event_type, {"deal": deal.deal, **fields}, deal.version,
                  Inverse(event_type, {"deal": deal.deal, **inverse}))


def _kind(stages: Mapping[str, Stage], stage: str) -> str:
    return stages[stage].kind if stage in stages else "open"


def _first_of_kind(stages: Mapping[str, Stage], kind: str) -> str:
    for name in board_order(dict(stages)):
        if stages[name].kind == kind:
            return name
    raise Refusal(f"the stage table has no stage of kind {kind}")


def move_stage(deal: ForecastDeal, stages: Mapping[str, Stage], step: int) -> Change:
    """The next (step 1) or previous (step -1) open stage in board order."""
    if _kind(stages, deal.stage) != "open":
        hint = ("press i to bring it back" if _kind(stages, deal.stage) == "inactive"
                else "it is closed; u undoes your own last change")
        raise Refusal(f"{plain(deal.deal)} is {plain(deal.stage)}, not in an open stage: {hint}")
    path = open_stages(dict(stages))
    index = path.index(deal.stage) + step
    if index >= len(path):
        raise Refusal(f"{plain(deal.stage)} is the last open stage: press w to mark {plain(deal.deal)} won")
    if index < 0:
        raise Refusal(f"{plain(deal.stage)} is the first open stage; there is none before it")
    return _deal_change(deal, StageChanged, {"stage": deal.stage}, stage=path[index])


def close_as(deal: ForecastDeal, stages: Mapping[str, Stage], kind: str) -> Change:
    """Move the deal to the first stage of kind won or lost."""
    target = _first_of_kind(stages, kind)
    if deal.stage == target:
        raise Refusal(f"{plain(deal.deal)} is already {plain(target)}")
    return _deal_change(deal, StageChanged, {"stage": deal.stage}, stage=target)


def toggle_inactive(deal: ForecastDeal, stages: Mapping[str, Stage], parked_from: str | None) -> Change:
    """Park an open deal, or bring an inactive one back to the open stage it was parked from."""
    kind = _kind(stages, deal.stage)
    if kind == "inactive":
        back = parked_from if parked_from and _kind(stages, parked_from) == "open" else open_stages(dict(stages))[0]
        return _deal_change(deal, StageChanged, {"stage": deal.stage}, stage=back)
    if kind != "open":
        raise Refusal(f"{plain(deal.deal)} is {plain(deal.stage)} (closed); only open deals can go inactive")
    return _deal_change(deal, StageChanged, {"stage": deal.stage}, stage=_first_of_kind(stages, "inactive"))


def move_priority(deal: ForecastDeal, step: int) -> Change:
    """Up (step -1) toward must, down (step 1) toward could."""
    index = PRIORITIES.index(deal.priority) + step  # type: ignore[arg-type]
    if not 0 <= index < len(PRIORITIES):
        raise Refusal(f"{plain(deal.deal)} is already {deal.priority}-have")
    return _deal_change(deal, PriorityChanged, {"priority": deal.priority}, priority=PRIORITIES[index])


def set_amount(deal: ForecastDeal, amount: Decimal) -> Change:
    if amount == deal.amount:
        raise Refusal(f"{plain(deal.deal)} is already at {money(amount)}")
    return _deal_change(deal, AmountChanged, {"amount": deal.amount}, amount=amount)


def set_close_date(deal: ForecastDeal, close_date: dt.date | None) -> Change:
    if close_date == deal.close_date:
        raise Refusal(f"{plain(deal.deal)}'s close date is already {close_date or 'unset'}")
    return _deal_change(deal, CloseDateChanged, {"close_date": deal.close_date}, close_date=close_date)


def set_owner(deal: ForecastDeal, owner: str) -> Change:
    owner = owner.strip()
    if not owner:
        raise Refusal("an owner needs a name")
    if owner == deal.owner:
        raise Refusal(f"{plain(deal.deal)} is already {plain(owner)}'s")
    return _deal_change(deal, OwnerChanged, {"owner": deal.owner}, owner=owner)


def set_next_action(deal: ForecastDeal, text: str, due: dt.date | None) -> Change:
    previous = {"text": deal.next_action or "", "due": deal.due}
    return _deal_change(deal, NoteAdded, previous, text=text, due=due)


def split(deal: ForecastDeal, parts: Sequence[SplitPart], taken: set[str]) -> Change:
    if not parts:
        raise Refusal("a split needs at least one tranche")
    seen: set[str] = set()
    for part in parts:
        if part.deal in taken or part.deal in seen or part.deal == deal.deal:
            raise Refusal(f"tranche id {plain(part.deal)!r} is already used; give each tranche a new id")
        seen.add(part.deal)
    impossible = (f"a split cannot be undone: {plain(deal.deal)} has left the board for good and its tranches "
                  "are new deals; change or close the tranches instead")
    return Change(DealSplit, {"deal": deal.deal, "parts": list(parts)}, deal.version, Inverse(None, {}, impossible))


def split_keeping_next_action(deal: ForecastDeal, parts: Sequence[SplitPart], taken: set[str]) -> list[Change]:
    """The split, then the parent's next action (and due date) for each tranche: a part starts with none
    (docs/forecast-rules.md), so the board writes one note_added per tranche, each at its version 1."""
    changes = [split(deal, parts, taken)]
    if deal.next_action:
        for part in parts:
            kept = f"{plain(part.deal)} keeps its parent's next action; change it with e"
            changes.append(Change(NoteAdded, {"deal": part.deal, "text": deal.next_action, "due": deal.due}, 1,
                                  Inverse(None, {}, kept)))
    return changes


def open_deal(fields: Mapping[str, Any], taken: set[str]) -> Change:
    deal = str(fields.get("deal", "")).strip()
    if not deal:
        raise Refusal("a new deal needs an id, such as D-2001")
    if deal in taken:
        raise Refusal(f"deal id {plain(deal)!r} is already used")
    impossible = (f"opening {plain(deal)} cannot be undone (a deal never leaves the ledger): "
                  "press l to mark it lost instead")
    return Change(DealOpened, {**fields, "deal": deal}, 0, Inverse(None, {}, impossible))


def set_target(period: str, owner: str | None, amount: Decimal,
               targets: Mapping[tuple[str, str | None], Decimal]) -> Change:
    key = (period, owner)
    fields = {"period": period, "amount": amount, **({"owner": owner} if owner else {})}
    if key in targets:
        inverse = Inverse(TargetSet, {**fields, "amount": targets[key]})
    elif owner is not None or not any(p == period for p, _ in targets):
        # a target of 0 is not "no target", and no event takes a target away
        inverse = Inverse(None, {}, f"{period} had no target {'for ' + plain(owner) if owner else 'for the team'} "
                                    "before, and a target cannot be taken away: set the one you want with t")
    else:
        inverse = Inverse(None, {}, f"the team had no target of its own for {period} (it was the sum of the "
                                    "persons' targets); set the one you want with t")
    return Change(TargetSet, fields, None, inverse)


def promote(deals: Sequence[ForecastDeal]) -> list[Change]:
    """One priority_changed to must per proposed promotion."""
    return [_deal_change(deal, PriorityChanged, {"priority": deal.priority}, priority="must") for deal in deals]


def undo_change(inverse: Inverse, version_after: int | None) -> Change:
    """The change that reverses an applied one, checked against the version the applied one left."""
    if inverse.event_type is None:
        raise Refusal(inverse.impossible or "this change cannot be undone")
    return Change(inverse.event_type, inverse.fields, version_after,
                  Inverse(None, {}, "an undo is not undone; make the change again"))


def next_deal_id(taken: set[str], prefix: str = "D-") -> str:
    """The first free D-n after the highest number in use."""
    numbers = [int(tail) for d in taken if d.startswith(prefix) and (tail := d[len(prefix):]).isdigit()]
    return f"{prefix}{max(numbers, default=1000) + 1}"


def tranche_ids(deal: str, count: int, taken: set[str]) -> list[str]:
    """deal-1, deal-2, ... skipping ids in use."""
    ids, n = [], 1
    while len(ids) < count:
        candidate = f"{deal}-{n}"
        if candidate not in taken:
            ids.append(candidate)
        n += 1
    return ids


def stage_choices(stages: Mapping[str, Stage]) -> list[str]:
    """The stages a new deal can open in (open ones), in board order."""
    return open_stages(dict(stages))


def change_settings(changed: Mapping[str, Any], current: Mapping[str, Any]) -> Change:
    """One settings_changed naming only what changed; its undo names the old values (None: the default)."""
    return Change(SettingsChanged, dict(changed), None,
                  Inverse(SettingsChanged, {name: current.get(name) for name in changed}))
