"""The ledger's event types (LEDGER_FORMAT.md, version 1) as msgspec structs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

import msgspec

Text = Annotated[str, msgspec.Meta(min_length=1)]
EventId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Timestamp = Annotated[dt.datetime, msgspec.Meta(tz=True)]
Amount = Annotated[float, msgspec.Meta(ge=0)]
Rate = Annotated[float, msgspec.Meta(ge=0, le=1)]
LeadDays = Annotated[int, msgspec.Meta(ge=0)]
Period = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")]
Priority = Literal["must", "should", "could"]
StageKind = Literal["open", "won", "lost", "inactive"]

PRIORITIES: tuple[Priority, ...] = ("must", "should", "could")
STAGE_KINDS: tuple[StageKind, ...] = ("open", "won", "lost", "inactive")


class Event(msgspec.Struct, tag_field="type", kw_only=True, frozen=True, omit_defaults=True):
    """Fields every event has. Unknown extra fields are ignored: a newer writer may add some."""

    id: EventId
    ts: Timestamp
    by: str | None = None

    @property
    def deal_id(self) -> str | None:
        """The deal the event is about, or None for ledger-wide events."""
        return getattr(self, "deal", None)


class StageDefined(Event, tag="stage_defined", frozen=True, kw_only=True):
    stage: Text
    rate: Rate
    lead_days: LeadDays
    position: int
    kind: StageKind = "open"


class TargetSet(Event, tag="target_set", frozen=True, kw_only=True):
    period: Period
    amount: Amount
    owner: Text | None = None


class DealOpened(Event, tag="deal_opened", frozen=True, kw_only=True):
    deal: Text
    name: Text
    owner: Text
    stage: Text
    amount: Amount
    priority: Priority
    close_date: dt.date | None = None
    account: str | None = None


class StageChanged(Event, tag="stage_changed", frozen=True, kw_only=True):
    deal: Text
    stage: Text


class AmountChanged(Event, tag="amount_changed", frozen=True, kw_only=True):
    deal: Text
    amount: Amount


class PriorityChanged(Event, tag="priority_changed", frozen=True, kw_only=True):
    deal: Text
    priority: Priority


class CloseDateChanged(Event, tag="close_date_changed", frozen=True, kw_only=True):
    deal: Text
    close_date: dt.date | None  # required: null clears it


class OwnerChanged(Event, tag="owner_changed", frozen=True, kw_only=True):
    deal: Text
    owner: Text


class SplitPart(msgspec.Struct, frozen=True, omit_defaults=True):
    deal: Text
    amount: Amount
    priority: Priority
    close_date: dt.date | None = None


class DealSplit(Event, tag="deal_split", frozen=True, kw_only=True):
    deal: Text
    parts: Annotated[list[SplitPart], msgspec.Meta(min_length=1)]


class NoteAdded(Event, tag="note_added", frozen=True, kw_only=True):
    deal: Text
    text: str
    due: dt.date | None = None


AnyEvent = Union[
    StageDefined,
    TargetSet,
    DealOpened,
    StageChanged,
    AmountChanged,
    PriorityChanged,
    CloseDateChanged,
    OwnerChanged,
    DealSplit,
    NoteAdded,
]

EVENT_TYPES: dict[str, type[Event]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in AnyEvent.__args__  # type: ignore[attr-defined]
}

_decoder = msgspec.json.Decoder(AnyEvent)
_encoder = msgspec.json.Encoder()


def decode_event(line: bytes | str) -> Event:
    """One ledger line (without its newline) to an event; raises msgspec errors."""
    return _decoder.decode(line)


def decode_lines(buf: bytes) -> list[Event]:
    """A whole block of complete lines at once: the fast path for valid ledgers."""
    return _decoder.decode_lines(buf)


def encode_event(event: Event) -> bytes:
    """The event as one ledger line, newline included."""
    return _encoder.encode(event) + b"\n"
