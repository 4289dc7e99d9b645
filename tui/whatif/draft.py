"""The board's scenario as board changes: each one's hypothetical event, and changes made from events (no Textual)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ledger.events import AmountChanged, CloseDateChanged, Event, OwnerChanged, PriorityChanged, StageChanged
from queries.model import ForecastDeal
from queries.scenarios import fields_of, hypothetical
from tui.board.actions import Change, Inverse
from tui.describe import describe
from tui.text import plain

# the field each simple change sets, so that a change made from an event can be undone after a commit
_UNDOABLE = {PriorityChanged: "priority", StageChanged: "stage", AmountChanged: "amount",
             CloseDateChanged: "close_date", OwnerChanged: "owner"}


def events_of(changes: Sequence[Change]) -> tuple[Event, ...]:
    """The scenario's events, in the order the changes were made."""
    return tuple(hypothetical(change.event_type, **change.fields) for change in changes)


def change_of(event: Event, expect_version: int | None, deal: ForecastDeal | None) -> Change:
    """A board change from a hypothetical event (a built-in move, a scenario file), at the version given."""
    fields = {key: value for key, value in fields_of(event).items() if key != "by" or value is not None}
    name = _UNDOABLE.get(type(event))
    if name is not None and deal is not None:
        inverse = Inverse(type(event), {"deal": deal.deal, name: getattr(deal, name)})
    else:
        inverse = Inverse(None, {}, f"{summary(event)} came from a what-if move or file; change it back with the keys")
    return Change(type(event), fields, expect_version, inverse)


def changes_of(events: Sequence[Event], versions: Sequence[int | None],
               deals: Mapping[str, ForecastDeal]) -> list[Change]:
    return [change_of(e, v, deals.get(e.deal_id or "")) for e, v in zip(events, versions)]


def summary(event: Event) -> str:
    subject = f"{plain(event.deal_id)}: " if event.deal_id else ""
    return subject + describe(event)
