"""The ledger's event types (docs/ledger-format.md, version 1.1) as msgspec structs."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal, Union

import msgspec
from msgspec import UNSET, UnsetType

from ledger.calendar import is_zone, needs_plain_ts, read_plain
from ledger.money import check_amount, check_rate, exact

Text = Annotated[str, msgspec.Meta(min_length=1)]
EventId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Timestamp = Annotated[dt.datetime, msgspec.Meta(tz=True)]
# Money and rates are exact decimals (ledger-format.md, "Money"); their bounds are checked in
# __post_init__, since msgspec sets no numeric bounds on Decimal.
Amount = Decimal
Rate = Decimal
LeadDays = Annotated[int, msgspec.Meta(ge=0)]
# A period: a year YYYY, a month YYYY-MM or a quarter YYYY-Qn; the one pattern of the project (the groups:
# year, month, quarter), read by the reader here, by tui/parse.py and by queries/moments.py
PERIOD_PATTERN = r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$"
QUARTER_PATTERN = r"^\d{4}-Q[1-4]$"
Period = Annotated[str, msgspec.Meta(pattern=PERIOD_PATTERN)]
Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
Priority = Literal["must", "should", "could"]
StageKind = Literal["open", "won", "lost", "inactive"]

PRIORITIES: tuple[Priority, ...] = ("must", "should", "could")
STAGE_KINDS: tuple[StageKind, ...] = ("open", "won", "lost", "inactive")


def _exact(struct: msgspec.Struct, name: str) -> Decimal:
    """The field as an exact Decimal (an int given in code becomes one); a float is refused."""
    value = getattr(struct, name)
    if value.__class__ is Decimal:  # as decoded: nothing to set (a reader's hot path)
        return value  # type: ignore[no-any-return]
    value = exact(value, name)
    msgspec.structs.force_setattr(struct, name, value)
    return value


class Event(msgspec.Struct, tag_field="type", kw_only=True, frozen=True, omit_defaults=True, gc=False):
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

    def __post_init__(self) -> None:
        check_rate(_exact(self, "rate"), "rate")


class TargetSet(Event, tag="target_set", frozen=True, kw_only=True):
    period: Period
    amount: Amount
    owner: Text | None = None

    def __post_init__(self) -> None:
        check_amount(_exact(self, "amount"), "amount")


class DealOpened(Event, tag="deal_opened", frozen=True, kw_only=True):
    deal: Text
    name: Text
    owner: Text
    stage: Text
    amount: Amount
    priority: Priority
    close_date: dt.date | None = None
    account: str | None = None

    def __post_init__(self) -> None:
        check_amount(_exact(self, "amount"), "amount")


class StageChanged(Event, tag="stage_changed", frozen=True, kw_only=True):
    deal: Text
    stage: Text


class AmountChanged(Event, tag="amount_changed", frozen=True, kw_only=True):
    deal: Text
    amount: Amount

    def __post_init__(self) -> None:
        check_amount(_exact(self, "amount"), "amount")


class PriorityChanged(Event, tag="priority_changed", frozen=True, kw_only=True):
    deal: Text
    priority: Priority


class CloseDateChanged(Event, tag="close_date_changed", frozen=True, kw_only=True):
    deal: Text
    close_date: dt.date | None  # required: null clears it


class OwnerChanged(Event, tag="owner_changed", frozen=True, kw_only=True):
    deal: Text
    owner: Text


class SplitPart(msgspec.Struct, frozen=True, omit_defaults=True, gc=False):
    """A tranche. Its close date left out inherits the parent's; `null` gives it none."""

    deal: Text
    amount: Amount
    priority: Priority
    close_date: dt.date | None | UnsetType = UNSET

    def __post_init__(self) -> None:
        check_amount(_exact(self, "amount"), "part amount")

    def close_date_from(self, parent: dt.date | None) -> dt.date | None:
        return parent if self.close_date is UNSET else self.close_date


class DealSplit(Event, tag="deal_split", frozen=True, kw_only=True):
    deal: Text
    parts: Annotated[list[SplitPart], msgspec.Meta(min_length=1)]


class NoteAdded(Event, tag="note_added", frozen=True, kw_only=True):
    deal: Text
    text: str
    due: dt.date | None = None


class SettingsChanged(Event, tag="settings_changed", frozen=True, kw_only=True):
    """The ledger's settings from this line on; a field left out is unchanged, `null` resets it."""

    tz: str | None | UnsetType = UNSET
    currency: Currency | None | UnsetType = UNSET
    order_value: Amount | None | UnsetType = UNSET
    big_at: Amount | None | UnsetType = UNSET

    def __post_init__(self) -> None:
        if isinstance(self.tz, str) and not is_zone(self.tz):
            raise ValueError(f"unknown time zone {self.tz!r} (an IANA name such as Asia/Ho_Chi_Minh)")
        if self.order_value not in (None, UNSET):
            check_amount(_exact(self, "order_value"), "order_value")
            if self.order_value <= 0:
                raise ValueError("order_value must be > 0")
        if self.big_at not in (None, UNSET):
            check_amount(_exact(self, "big_at"), "big_at")

    def named(self) -> dict[str, object]:
        """The settings this event names (a None value resets one)."""
        return {f: getattr(self, f) for f in SETTINGS if getattr(self, f) is not UNSET}


SETTINGS: tuple[str, ...] = ("tz", "currency", "order_value", "big_at")

Quarter = Annotated[str, msgspec.Meta(pattern=QUARTER_PATTERN)]
Measure = Literal["won_amount", "deals_won", "new_accounts"]


class KeyResultSet(Event, tag="key_result_set", frozen=True, kw_only=True):
    """A key result of a quarter's objective, measured from the ledger (a proposal for format 1.2).

    `measure`: won_amount (the amount won in the quarter), deals_won (deals won in it of at least
    `at_least`), new_accounts (accounts whose first win falls in it). `goal` > 0 is what scores 1.
    A later line with the same period, key and owner replaces this one.
    """

    period: Quarter
    key: Text
    objective: Text
    measure: Measure
    goal: Amount
    at_least: Amount = Decimal(0)
    owner: Text | None = None

    def __post_init__(self) -> None:
        check_amount(_exact(self, "goal"), "goal")
        check_amount(_exact(self, "at_least"), "at_least")
        if self.goal <= 0:
            raise ValueError("goal must be > 0")
        if self.measure != "won_amount" and self.goal != self.goal.to_integral_value():
            raise ValueError(f"goal of {self.measure} is a count: a whole number")


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
    SettingsChanged,
    KeyResultSet,
]

EVENT_TYPES: dict[str, type[Event]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in AnyEvent.__args__  # type: ignore[attr-defined]
}

_decoder = msgspec.json.Decoder(AnyEvent)
# decimals as JSON numbers: 100.10 is written 100.10, never "100.10" nor a binary float
_encoder = msgspec.json.Encoder(decimal_format="number")


# msgspec reads a Decimal from a JSON string too; the format wants a number there.
_QUOTED_NUMBER = re.compile(rb'"(amount|rate|order_value|big_at|goal|at_least)"\s*:\s*"')


def decode_event(line: bytes | str) -> Event:
    """One ledger line (without its newline) to an event; raises msgspec errors."""
    raw = line.encode() if isinstance(line, str) else line
    quoted = _QUOTED_NUMBER.search(raw)
    if quoted:
        raise msgspec.ValidationError(f"Expected `number`, got `str` - at `$.{quoted.group(1).decode()}`")
    return _decoder.decode(read_plain(raw) if needs_plain_ts(raw) else raw)


def decode_lines(buf: bytes) -> list[Event]:
    """A whole block of complete lines at once: the fast path for valid ledgers."""
    if _QUOTED_NUMBER.search(buf):
        raise msgspec.ValidationError("a quoted number: read line by line")  # each line then says which
    return _decoder.decode_lines(read_plain(buf) if needs_plain_ts(buf) else buf)


def encode_event(event: Event) -> bytes:
    """The event as one ledger line, newline included."""
    return _encoder.encode(event) + b"\n"
