"""The cache holds the same rows whichever way it was loaded: from nothing, or by refreshes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from ledger import DealOpened, DealSplit, StageChanged, StageDefined, stamp
from ledger.events import SplitPart, encode_event
from queries import Store

T0 = dt.datetime(2026, 10, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=7)))
PARTS = "SELECT deal, won_us, won_day FROM ledger_events WHERE type = 'split_part' ORDER BY deal"


def at(days: int) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_a_split_parts_won_date_does_not_depend_on_how_the_cache_was_loaded(tmp_path: Path, cut: int):
    """A part keeps its parent's won date: the moment the parent entered a stage of kind won by the stage
    table at the split (here one made won after the parent entered it), worked out from the rows, so that a
    load from nothing and a refresh from any line agree (they gave 0 and 100 for October before)."""
    events = [
        stamp(DealOpened, deal="D1", name="x", owner="a", stage="lead", amount=Decimal("100"), priority="must",
              ts=at(0)),
        stamp(StageChanged, deal="D1", stage="negotiation", ts=at(1)),  # 2 October
        stamp(StageDefined, stage="negotiation", rate=Decimal("0.75"), lead_days=10, position=4, kind="won",
              ts=at(14)),  # the stage D1 is in becomes a won one
        stamp(DealSplit, deal="D1", parts=[SplitPart(deal="D1-1", amount=Decimal("60"), priority="must"),
                                           SplitPart(deal="D1-2", amount=Decimal("40"), priority="should")],
              ts=at(32)),  # 2 November
    ]
    whole, stepwise = tmp_path / "whole.jsonl", tmp_path / "stepwise.jsonl"
    whole.write_bytes(b"".join(map(encode_event, events)))
    with Store.open(whole) as store, store.cursor() as cur:
        from_nothing = cur.execute(PARTS).fetchall()
        won = store.forecast("2026-10", as_of=at(40), odds=False).won
    stepwise.write_bytes(b"".join(map(encode_event, events[:cut])))
    with Store.open(stepwise) as store:
        stepwise.write_bytes(b"".join(map(encode_event, events)))
        assert store.refresh() == len(events) - cut
        with store.cursor() as cur:
            refreshed = cur.execute(PARTS).fetchall()
        won_too = store.forecast("2026-10", as_of=at(40), odds=False).won
    assert won == won_too == 100  # October's won: the same on two laptops of one team, as tests/reference.py says
    assert len(from_nothing) == 2 and from_nothing == refreshed


@pytest.mark.parametrize("cut", [1, 2, 3, 4])
def test_a_part_split_again_passes_the_won_date_on_whether_or_not_both_splits_load_together(tmp_path: Path,
                                                                                          cut: int):
    events = [
        stamp(DealOpened, deal="D1", name="x", owner="a", stage="negotiation", amount=Decimal("100"),
              priority="must", ts=at(0)),
        stamp(StageChanged, deal="D1", stage="won", ts=at(1)),  # won on 2 October
        stamp(DealSplit, deal="D1", parts=[SplitPart(deal="D1-1", amount=Decimal("60"), priority="must"),
                                           SplitPart(deal="D1-2", amount=Decimal("40"), priority="must")],
              ts=at(32)),
        stamp(DealSplit, deal="D1-1", parts=[SplitPart(deal="D1-1a", amount=Decimal("30"), priority="must"),
                                             SplitPart(deal="D1-1b", amount=Decimal("30"), priority="must")],
              ts=at(33)),
    ]
    whole, stepwise = tmp_path / "whole.jsonl", tmp_path / "stepwise.jsonl"
    whole.write_bytes(b"".join(map(encode_event, events)))
    with Store.open(whole) as store, store.cursor() as cur:
        from_nothing = cur.execute(PARTS).fetchall()
        won = store.forecast("2026-10", as_of=at(40), odds=False).won
    stepwise.write_bytes(b"".join(map(encode_event, events[:cut])))
    with Store.open(stepwise) as store:
        stepwise.write_bytes(b"".join(map(encode_event, events)))
        assert store.refresh() == len(events) - cut
        with store.cursor() as cur:
            refreshed = cur.execute(PARTS).fetchall()
        won_too = store.forecast("2026-10", as_of=at(40), odds=False).won
    assert len(from_nothing) == 4 and all(row[1] is not None for row in from_nothing)
    assert from_nothing == refreshed and won == won_too == 100
