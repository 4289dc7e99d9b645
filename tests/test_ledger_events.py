"""Every event type survives encode -> decode, and the decoder's tolerance is as the format says."""

from decimal import Decimal
import datetime as dt

import msgspec
import pytest

from ledger import (
    AmountChanged, CloseDateChanged, DealOpened, DealSplit, EVENT_TYPES, KeyResultSet, NoteAdded, OwnerChanged,
    PriorityChanged, SettingsChanged, SplitPart, StageChanged, StageDefined, TargetSet, decode_event, encode_event,
)

TS = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
EXAMPLES = [
    StageDefined(id="1", ts=TS, stage="demo", rate=Decimal("0.3"), lead_days=25, position=3, kind="open"),
    TargetSet(id="2", ts=TS, period="2026-Q4", amount=60000, owner="lan"),
    TargetSet(id="2b", ts=TS, period="2026-10", amount=20000),
    DealOpened(id="3", ts=TS, by="lan", deal="D-1", name="Acme", owner="lan", stage="quote", amount=5000,
               priority="must", close_date=dt.date(2026, 10, 20), account="Acme Corp"),
    StageChanged(id="4", ts=TS, deal="D-1", stage="negotiation"),
    AmountChanged(id="5", ts=TS, deal="D-1", amount=Decimal("5500.5")),
    PriorityChanged(id="6", ts=TS, deal="D-1", priority="should"),
    CloseDateChanged(id="7", ts=TS, deal="D-1", close_date=None),
    CloseDateChanged(id="7b", ts=TS, deal="D-1", close_date=dt.date(2026, 11, 2)),
    OwnerChanged(id="8", ts=TS, deal="D-1", owner="marco"),
    DealSplit(id="9", ts=TS, deal="D-1", parts=[SplitPart(deal="D-1a", amount=1, priority="must"),
                                               SplitPart(deal="D-1b", amount=2, priority="could",
                                                         close_date=dt.date(2026, 12, 1))]),
    NoteAdded(id="10", ts=TS, deal="D-1a", text="send the quote", due=dt.date(2026, 10, 3)),
    SettingsChanged(id="11", ts=TS, tz="Asia/Ho_Chi_Minh", currency="VND", order_value=Decimal("2000.50")),
    SettingsChanged(id="12", ts=TS, big_at=None),
    TargetSet(id="13", ts=TS, period="2027", amount=Decimal("1200000.10")),
    KeyResultSet(id="14", ts=TS, period="2027-Q1", key="KR1", objective="Grow in the south",
                 measure="deals_won", goal=Decimal(5), at_least=Decimal("10000.50"), owner="lan"),
]


def test_every_event_type_has_an_example():
    assert {type(e) for e in EXAMPLES} == set(EVENT_TYPES.values())


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: e.id)
def test_round_trip(event):
    line = encode_event(event)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    back = decode_event(line[:-1])
    assert back == event
    assert back.ts.utcoffset() == dt.timedelta(hours=7)  # the offset as written is kept


def test_clearing_a_close_date_is_written_as_null():
    assert b'"close_date":null' in encode_event(EXAMPLES[7])


def test_unknown_fields_are_tolerated():
    event = decode_event(b'{"id":"x","ts":"2026-10-01T08:00:00Z","type":"stage_changed","deal":"D-1",'
                         b'"stage":"won","v":2,"reason":"signed"}')
    assert event == StageChanged(id="x", ts=event.ts, deal="D-1", stage="won")


@pytest.mark.parametrize("bad", [
    b'{"id":"x","ts":"2026-10-01T08:00:00Z","type":"renamed"}',
    b'{"id":"x","ts":"2026-10-01T08:00:00","type":"target_set","period":"2026-10","amount":1}',
    b'{"id":"x","ts":"2026-10-01T08:00:00Z","type":"target_set","period":"2026-13","amount":1}',
    b'{"id":"x","ts":"2026-10-01T08:00:00Z","type":"amount_changed","deal":"D","amount":-1}',
    b'{"id":"x","ts":"2026-10-01T08:00:00Z","type":"amount_changed","deal":"D","amount":1e999}',
    b'{"id":"x","ts":"2026-10-01T08:00:00Z","type":"priority_changed","deal":"D","priority":"high"}',
    b'{"id":"x","ts":"2026-10-01T08:00:00Z","type":"stage_defined","stage":"s","rate":1.5,"lead_days":1,"position":1}',
    b'{"id":"","ts":"2026-10-01T08:00:00Z","type":"stage_changed","deal":"D","stage":"won"}',
    b'{"id":"x","ts":"2026-10-01T08:00:00Z","type":"close_date_changed","deal":"D"}',
    b'{"id":"x","ts":"2026-10-01T08:00:00Z","type":"deal_split","deal":"D","parts":[]}',
])
def test_invalid_events_are_refused(bad):
    with pytest.raises((msgspec.ValidationError, msgspec.DecodeError)):
        decode_event(bad)
