"""The reader's hot paths keep the rules: money's decimal places, and event structs the GC need not track."""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.events import DealOpened, DealSplit, StageDefined, decode_lines
from ledger.money import AMOUNT_PLACES, RATE_PLACES, check_amount, check_rate, places


@pytest.mark.parametrize("text", ["12500", "12500.0000000", "1.25E+4", "1E+13", "100.10", "0.0001", "0"])
def test_amounts_within_four_places_pass(text: str) -> None:
    check_amount(Decimal(text), "amount")


@pytest.mark.parametrize("text", ["0.00001", "100.12345", "1.5E-5", "12500.00001"])
def test_amounts_past_four_places_are_refused_as_before(text: str) -> None:
    with pytest.raises(ValueError, match=f"amount {Decimal(text)} has more than 4 decimal places"):
        check_amount(Decimal(text), "amount")


@pytest.mark.parametrize("text", ["1", "1.000000000", "0.123456", "0"])
def test_rates_within_six_places_pass(text: str) -> None:
    check_rate(Decimal(text), "rate")


def test_a_rate_past_six_places_is_refused() -> None:
    with pytest.raises(ValueError, match="has more than 6 decimal places"):
        check_rate(Decimal("0.1234567"), "rate")


@given(st.integers(0, 10**17), st.integers(0, 12), st.integers(-3, 3))
def test_the_places_rule_is_the_normalized_exponent(digits: int, shift: int, zeros: int) -> None:
    value = Decimal(digits).scaleb(-shift)
    value = value.scaleb(zeros).scaleb(-zeros) if zeros >= 0 else value
    for check, limit in ((check_amount, AMOUNT_PLACES), (check_rate, RATE_PLACES)):
        if check is check_rate and value > 1:
            continue
        if value > 10**13:
            continue
        if places(value) > limit:
            with pytest.raises(ValueError):
                check(value, "x")
        else:
            check(value, "x")


def test_decoded_events_are_not_tracked_by_the_gc() -> None:
    """A million decoded structs tracked by the GC cost a second of collections in a read of 1M lines."""
    lines = (
        b'{"type":"deal_opened","id":"a","ts":"2026-01-01T00:00:00Z","deal":"D","name":"n","owner":"o",'
        b'"stage":"lead","amount":100.5,"priority":"must"}\n'
        b'{"type":"deal_split","id":"b","ts":"2026-01-01T00:00:00Z","deal":"D","parts":'
        b'[{"deal":"D1","amount":50,"priority":"must"}]}\n'
    )
    opened, split = decode_lines(lines)
    assert isinstance(opened, DealOpened) and isinstance(split, DealSplit)
    assert not gc.is_tracked(opened) and not gc.is_tracked(split) and not gc.is_tracked(split.parts[0])
    assert opened.amount == Decimal("100.5") and split.parts[0].amount == Decimal(50)


def test_an_int_given_in_code_still_becomes_a_decimal() -> None:
    ts = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    stage = StageDefined(id="s", ts=ts, stage="x", rate=1, lead_days=0, position=1)
    assert type(stage.rate) is Decimal and stage.rate == 1
    with pytest.raises(TypeError, match="must be a Decimal"):
        DealOpened(id="o", ts=ts, deal="D", name="n", owner="o", stage="lead", amount=1.5, priority="must")


def test_a_split_part_is_its_parent_but_for_the_fields_the_part_sets(tmp_path) -> None:
    """The fold builds a part's Deal field by field (not dataclasses.replace): no field of the parent lost."""
    import dataclasses

    from ledger import read_ledger
    from ledger.events import SplitPart, StageChanged, encode_event

    ts = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    events = [
        DealOpened(id="o", ts=ts, deal="D", name="n", owner="o", stage="lead", amount=Decimal(10), priority="must",
                   close_date=dt.date(2026, 2, 1), account="acme"),
        StageChanged(id="w", ts=ts + dt.timedelta(hours=1), deal="D", stage="won"),
        DealSplit(id="s", ts=ts + dt.timedelta(hours=2), deal="D", parts=[
            SplitPart(deal="D1", amount=Decimal(4), priority="could"),
            SplitPart(deal="D2", amount=Decimal(6), priority="should", close_date=None)]),
    ]
    path = tmp_path / "l.jsonl"
    path.write_bytes(b"".join(map(encode_event, events)))
    state = read_ledger(path).state
    parent = state.deals["D"]
    for part, close in (("D1", dt.date(2026, 2, 1)), ("D2", None)):
        want = dataclasses.replace(parent, deal=part, amount=state.deals[part].amount,
                                   priority=state.deals[part].priority, close_date=close, opened_line=3,
                                   last_line=3, version=1, next_action=None, due=None, split_line=None)
        assert state.deals[part] == want


def test_stages_defined_within_a_block_hold_for_what_follows() -> None:
    """The block fold reads the stage table as each stage_defined in the block leaves it."""
    from ledger.events import StageChanged
    from ledger.state import LedgerState

    ts = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

    def at(hours: int) -> dict:
        return {"id": f"e{hours}", "ts": ts + dt.timedelta(hours=hours)}

    block = [
        DealOpened(**at(0), deal="D", name="n", owner="o", stage="lead", amount=Decimal(1), priority="must"),
        StageChanged(**at(1), deal="D", stage="quote"),
        StageDefined(**at(2), stage="quote", rate=Decimal(1), lead_days=0, position=4, kind="won"),
        StageChanged(**at(3), deal="D", stage="quote"),
        StageDefined(**at(4), stage="demo", rate=Decimal(1), lead_days=0, position=9, kind="won"),
        StageChanged(**at(5), deal="D", stage="lead"),
        StageChanged(**at(6), deal="D", stage="demo"),
        StageDefined(**at(7), stage="won", rate=Decimal(0), lead_days=0, position=6, kind="open"),
        DealOpened(**at(8), deal="E", name="n", owner="o", stage="lead", amount=Decimal(1), priority="must"),
        StageChanged(**at(9), deal="E", stage="won"),
        StageDefined(**at(10), stage="signed", rate=Decimal(1), lead_days=0, position=7, kind="won"),
        StageChanged(**at(11), deal="D", stage="signed"),  # a stage the block itself defined
    ]
    by_block, one_by_one = LedgerState(), LedgerState()
    assert by_block.take_all(block, 1) == {}
    assert [one_by_one.take(event, line) for line, event in enumerate(block, start=1)] == [None] * len(block)
    assert by_block.deals == one_by_one.deals
    assert (by_block.deals["D"].stage, by_block.deals["D"].version, by_block.deals["E"].stage) == ("signed", 6, "won")
