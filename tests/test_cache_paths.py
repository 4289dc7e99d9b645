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


@pytest.mark.xfail(strict=True, reason=(
    "known bug: a load from nothing gives a split part its parent's won moment by the stage kinds as they "
    "were at each move (the reader's fold), a refresh by the kinds in force when it resumes (deal_heads); "
    "docs/forecast-rules.md reads kinds from the table at T: here October's won is 0 from nothing, 100 refreshed"))
def test_a_split_parts_won_date_does_not_depend_on_how_the_cache_was_loaded(tmp_path: Path):
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
    stepwise.write_bytes(b"".join(map(encode_event, events[:3])))
    with Store.open(stepwise) as store:
        stepwise.write_bytes(b"".join(map(encode_event, events)))
        assert store.refresh() == 1
        with store.cursor() as cur:
            refreshed = cur.execute(PARTS).fetchall()
        won_too = store.forecast("2026-10", as_of=at(40), odds=False).won
    assert won == won_too  # what October won: the same on two laptops of one team
    assert len(from_nothing) == 2 and from_nothing == refreshed
