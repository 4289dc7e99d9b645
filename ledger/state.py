"""What the ledger's rules need to know of its past: a fold of events, and the checks against it."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import Any

from ledger.events import (
    AmountChanged,
    CloseDateChanged,
    DealOpened,
    DealSplit,
    Event,
    KeyResultSet,
    NoteAdded,
    OwnerChanged,
    PriorityChanged,
    SettingsChanged,
    StageChanged,
    StageDefined,
    TargetSet,
)
from ledger.ids import Ids
from ledger.stages import DEFAULT_STAGES, Stage

_LEDGER_WIDE = frozenset({StageDefined, TargetSet, SettingsChanged, KeyResultSet})  # events about no deal
_ID, _TS = operator.attrgetter("id"), operator.attrgetter("ts")
# the kinds that set a field of a deal (note_added two) and have no rule but the deal's
_ONE_FIELD = frozenset({AmountChanged, PriorityChanged, CloseDateChanged, OwnerChanged, NoteAdded})


@dataclass(slots=True)
class Deal:
    """A deal as the ledger knows it now (not a forecast: no rates, no periods)."""

    deal: str
    name: str
    owner: str
    stage: str
    amount: Decimal
    priority: str
    close_date: dt.date | None
    account: str | None
    opened_line: int
    version: int = 1
    last_line: int = 0
    next_action: str | None = None
    due: dt.date | None = None
    split_line: int | None = None  # set once the deal is split: it leaves the board for good


@dataclass(slots=True)
class LedgerState:
    """The fold of every accepted event, enough to check the next one."""

    ids: MutableMapping[str, int] = field(default_factory=Ids)  # event id -> line (a dict will do)
    last_ts: dt.datetime | None = None
    stages: dict[str, Stage] = field(default_factory=lambda: dict(DEFAULT_STAGES))
    deals: dict[str, Deal] = field(default_factory=dict)
    targets: dict[tuple[str, str | None], Decimal] = field(default_factory=dict)
    events: int = 0
    first_ts: dt.datetime | None = None
    settings: dict[str, object] = field(default_factory=dict)  # tz, currency, order_value, big_at in force
    # (quarter, key, owner) -> the key result in force (format 1.2 proposal: key_result_set)
    key_results: dict[tuple[str, str, str | None], KeyResultSet] = field(default_factory=dict)
    # when a dict (a load sets one): each stage_changed folded, its line -> the deal's stage before it
    stage_before: dict[int, str] | None = None

    @property
    def tz(self) -> str | None:
        """The ledger's IANA time zone, or None (version 1's rule: offsets as written)."""
        value = self.settings.get("tz")
        return value if isinstance(value, str) else None

    def problem_with(self, event: Event) -> str | None:
        """Why the event cannot follow the ledger as it stands, or None when it can."""
        kind = type(event)
        return self._problem(event, kind, self._deal_of(event, kind))

    def take(self, event: Event, line: int) -> str | None:
        """`problem_with`, then `apply` when there is none, looking the deal up once: a reader's hot path."""
        kind = type(event)
        deal = self._deal_of(event, kind)
        reason = self._problem(event, kind, deal)
        if reason is None:
            self._fold(event, kind, deal, line)
        return reason

    def take_all(self, events: list[Event], first_line: int) -> dict[int, str]:
        """`take` for a block of events in file order (the first on `first_line`): {index: reason} of those refused.

        When no id repeats (in the block or before it) and no ts goes back, as in any ledger a writer kept,
        those two rules hold for every event whatever else is refused, so they are checked for the block at
        once (in C) and each event is left only its deal's rules and its fold.
        """
        known = self.ids
        if not isinstance(known, Ids):  # as a cache's resumed fold gives them
            known = self.ids = Ids(known)
        ids = list(map(_ID, events))
        stamps = list(map(_TS, events))
        if ((self.last_ts is not None and stamps and stamps[0] < self.last_ts)
                or not all(map(operator.le, stamps, islice(stamps, 1, None))) or not known.add_block(ids, first_line)):
            take = self.take
            return {i: reason for i, event in enumerate(events)
                    if (reason := take(event, first_line + i)) is not None}
        refused = self._fold_block(events, first_line)
        if refused:
            known.take_back(refused)
            stamps = [ts for i, ts in enumerate(stamps) if i not in refused]
        if stamps:
            self.last_ts = stamps[-1]
            if self.first_ts is None:
                self.first_ts = stamps[0]
            self.events += len(stamps)
        return refused

    def _fold_block(self, events: list[Event], first_line: int) -> dict[int, str]:
        """Each event's deal rules and fold, its id and ts rules known to hold: {index: reason} of those refused.

        The kinds nearly every line is (a deal opened, its stage moved, one of its fields set) are checked
        and folded here as `_deal_problem` and `_fold_kind` do, without their calls; the rest go through
        them. A test holds this equal to `take`, event by event.
        """
        refused: dict[int, str] = {}
        deals, before = self.deals, self.stage_before
        # each known stage's name, by itself: a deal keeps this one object rather than its event's copy, which
        # is then freed with the event, and what reads the stage later finds it by identity, in the cache
        named = {stage: stage for stage in self.stages}
        get = deals.get
        for line, event in enumerate(events, first_line):
            kind = type(event)
            if kind is StageChanged:
                deal = get(event.deal)  # type: ignore[attr-defined]
                to = named.get(event.stage)  # type: ignore[attr-defined]
                if deal is not None and deal.split_line is None and to is not None:
                    deal.version += 1
                    deal.last_line = line
                    if before is not None:
                        before[line] = deal.stage
                    deal.stage = to
                    continue
            elif kind in _ONE_FIELD:
                deal = get(event.deal)  # type: ignore[attr-defined]
                if deal is not None and deal.split_line is None:
                    deal.version += 1
                    deal.last_line = line
                    if kind is NoteAdded:
                        deal.next_action, deal.due = event.text, event.due  # type: ignore[attr-defined]
                    elif kind is AmountChanged:
                        deal.amount = event.amount  # type: ignore[attr-defined]
                    elif kind is PriorityChanged:
                        deal.priority = event.priority  # type: ignore[attr-defined]
                    elif kind is CloseDateChanged:
                        deal.close_date = event.close_date  # type: ignore[attr-defined]
                    else:
                        deal.owner = event.owner  # type: ignore[attr-defined]
                    continue
            elif kind is DealOpened:
                deal = get(event.deal)  # type: ignore[attr-defined]
                if deal is None and (stage := named.get(event.stage)) is not None:  # type: ignore[attr-defined]
                    deals[event.deal] = Deal(  # type: ignore[attr-defined]
                        event.deal, event.name, event.owner, stage, event.amount,  # type: ignore[attr-defined]
                        event.priority, event.close_date, event.account, line, 1, line,  # type: ignore[attr-defined]
                    )
                    continue
            elif kind in _LEDGER_WIDE:
                self._fold_kind(event, kind, None, line)
                if kind is StageDefined:
                    named = {stage: stage for stage in self.stages}
                continue
            else:
                deal = get(event.deal)  # type: ignore[attr-defined]
            reason = self._deal_problem(event, kind, deal)
            if reason is None:
                self._fold_kind(event, kind, deal, line)
            else:
                refused[line - first_line] = reason
        return refused

    def _deal_of(self, event: Event, kind: type) -> Deal | None:
        return None if kind in _LEDGER_WIDE else self.deals.get(event.deal)  # type: ignore[attr-defined]

    def _problem(self, event: Event, kind: type, deal: Deal | None) -> str | None:
        if event.id in self.ids:
            return f"duplicate id {event.id!r} (first used on line {self.ids[event.id]})"
        if self.last_ts is not None and event.ts < self.last_ts:
            return f"ts {event.ts.isoformat()} is earlier than the line before ({self.last_ts.isoformat()})"
        return None if kind in _LEDGER_WIDE else self._deal_problem(event, kind, deal)

    def _deal_problem(self, event: Event, kind: type, deal: Deal | None) -> str | None:
        """The rules of an event about a deal, once its id and ts are known to be fine."""
        if kind is DealOpened:
            if deal is not None:
                return f"deal {deal.deal!r} is opened twice (first on line {deal.opened_line})"
            return self._unknown_stage(event.stage)  # type: ignore[attr-defined]
        if deal is None:
            return f"deal {event.deal_id!r} was never opened"
        if deal.split_line is not None:
            return f"deal {deal.deal!r} was split on line {deal.split_line} and takes no more events"
        if kind is StageChanged:
            return self._unknown_stage(event.stage)  # type: ignore[attr-defined]
        if kind is DealSplit:
            seen: set[str] = set()
            for part in event.parts:  # type: ignore[attr-defined]
                if part.deal in self.deals or part.deal in seen:
                    return f"split part {part.deal!r} is not a new deal id"
                seen.add(part.deal)
        return None

    def changes_nothing(self, event: Event) -> str | None:
        """What the event would leave as it is, said for people, when it changes nothing; else None."""
        deal = self.deals.get(event.deal_id or "")
        if isinstance(event, StageChanged) and deal and deal.stage == event.stage:
            return f"{deal.deal} is already at {event.stage}"
        if isinstance(event, AmountChanged) and deal and deal.amount == event.amount:
            return f"{deal.deal} is already at {event.amount}"
        if isinstance(event, PriorityChanged) and deal and deal.priority == event.priority:
            return f"{deal.deal} is already a {event.priority}-have"
        if isinstance(event, CloseDateChanged) and deal and deal.close_date == event.close_date:
            return f"{deal.deal}'s close date is already {event.close_date or 'none'}"
        if isinstance(event, OwnerChanged) and deal and deal.owner == event.owner:
            return f"{deal.deal} is already {event.owner}'s"
        if isinstance(event, NoteAdded) and deal and (deal.next_action, deal.due) == (event.text, event.due):
            return f"{deal.deal}'s next action is already that"
        if isinstance(event, TargetSet) and self.targets.get((event.period, event.owner)) == event.amount:
            return f"the target of {event.period} is already {event.amount}"
        if isinstance(event, StageDefined) and self.stages.get(event.stage) == (
                event.rate, event.lead_days, event.position, event.kind):
            return f"stage {event.stage} is already defined so"
        if isinstance(event, KeyResultSet) and (
                (known := self.key_results.get((event.period, event.key, event.owner))) is not None
                and (known.objective, known.measure, known.goal, known.at_least)
                == (event.objective, event.measure, event.goal, event.at_least)):
            return f"key result {event.key} of {event.period} is already so"
        if isinstance(event, SettingsChanged) and all(
                self.settings.get(name) == value for name, value in event.named().items()):
            return "the settings are already so"
        return None

    def _unknown_stage(self, stage: str) -> str | None:
        if stage in self.stages:
            return None
        return f"unknown stage {stage!r} (known: {', '.join(self.stages)}); define it first with a stage_defined event"

    def apply(self, event: Event, line: int) -> None:
        """Fold an event that `problem_with` accepted."""
        kind = type(event)
        self._fold(event, kind, self._deal_of(event, kind), line)

    def _fold(self, event: Any, kind: type, deal: Deal | None, line: int) -> None:
        self.ids[event.id] = line
        self.last_ts = event.ts
        if self.first_ts is None:
            self.first_ts = event.ts
        self.events += 1
        self._fold_kind(event, kind, deal, line)

    def _fold_kind(self, event: Any, kind: type, deal: Deal | None, line: int) -> None:
        """What the event changes, apart from the ids, the ts and the count."""
        if kind is StageDefined:
            self.stages[event.stage] = Stage(event.rate, event.lead_days, event.position, event.kind)
        elif kind is TargetSet:
            self.targets[(event.period, event.owner)] = event.amount
        elif kind is SettingsChanged:
            self.apply_settings(event)
        elif kind is KeyResultSet:
            self.key_results[(event.period, event.key, event.owner)] = event
        elif kind is DealOpened:
            self.deals[event.deal] = Deal(
                deal=event.deal, name=event.name, owner=event.owner, stage=event.stage,
                amount=event.amount, priority=event.priority, close_date=event.close_date,
                account=event.account, opened_line=line, last_line=line,
            )
        else:
            assert deal is not None, "apply() takes only what problem_with() accepted"
            self._fold_deal(event, kind, deal, line)

    def _fold_deal(self, event: Any, kind: type, deal: Deal, line: int) -> None:
        deal.version += 1
        deal.last_line = line
        if kind is StageChanged:
            if self.stage_before is not None:
                self.stage_before[line] = deal.stage
            deal.stage = event.stage
        elif kind is NoteAdded:
            deal.next_action, deal.due = event.text, event.due
        elif kind is AmountChanged:
            deal.amount = event.amount
        elif kind is PriorityChanged:
            deal.priority = event.priority
        elif kind is CloseDateChanged:
            deal.close_date = event.close_date
        elif kind is OwnerChanged:
            deal.owner = event.owner
        elif kind is DealSplit:
            deal.split_line = line
            for part in event.parts:  # the parent's fields but these (dataclasses.replace took 5 us a part)
                self.deals[part.deal] = Deal(
                    part.deal, deal.name, deal.owner, deal.stage, part.amount, part.priority,
                    part.close_date_from(deal.close_date), deal.account, opened_line=line, version=1,
                    last_line=line, next_action=None, due=None, split_line=None,
                )

    def apply_settings(self, event: SettingsChanged) -> None:
        for name, value in event.named().items():
            if value is None:
                self.settings.pop(name, None)
            else:
                self.settings[name] = value

    @property
    def owners(self) -> set[str]:
        return {deal.owner for deal in self.deals.values()}

    def live_deals(self) -> list[Deal]:
        """Deals still on the board (not split), in the order they were opened."""
        return [deal for deal in self.deals.values() if deal.split_line is None]
