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
PARTS = "SELECT deal, won_run FROM ledger_events WHERE type = 'split_part' ORDER BY deal"


def at(days: int) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def both_ways(tmp_path: Path, events: list, cut: int) -> tuple[tuple[list, object], tuple[list, object]]:
    """The split parts' rows and October's won: loaded from nothing, and loaded up to line `cut` then
    refreshed with the rest."""
    answers = []
    for name, first in (("whole", len(events)), ("stepwise", cut)):
        path = tmp_path / f"{name}.jsonl"
        path.write_bytes(b"".join(map(encode_event, events[:first])))
        with Store.open(path) as store:
            path.write_bytes(b"".join(map(encode_event, events)))
            assert store.refresh() == len(events) - first
            with store.cursor() as cur:
                answers.append((cur.execute(PARTS).fetchall(), store.forecast("2026-10", as_of=at(40), odds=False).won))
    return answers[0], answers[1]


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_a_split_parts_won_date_does_not_depend_on_how_the_cache_was_loaded(tmp_path: Path, cut: int):
    """A part split from a deal in a stage of kind won (by the table at the split: here one made won after
    the parent entered it) keeps its parent's won run, worked out from the rows, so that a load from nothing
    and a refresh from any line agree (they gave 0 and 100 for October before)."""
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
    (from_nothing, won), (refreshed, won_too) = both_ways(tmp_path, events, cut)
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
    (from_nothing, won), (refreshed, won_too) = both_ways(tmp_path, events, cut)
    assert len(from_nothing) == 4 and all(row[1] is True for row in from_nothing)
    assert from_nothing == refreshed and won == won_too == 100


@pytest.mark.parametrize("cut", [2, 5, 6])
def test_a_kind_changed_after_a_split_moves_the_parts_won_date_as_the_reference_does(tmp_path: Path, cut: int):
    """A part opened in a won stage carries its parent's stage moves on, judged by the stage table at T, not
    at the split: made won later, the stage the parent came from no longer starts the won run."""
    from tests import reference

    events = [
        stamp(DealOpened, deal="D1", name="x", owner="a", stage="lead", amount=Decimal("100"), priority="must",
              ts=at(-11)),  # 20 September
        stamp(StageChanged, deal="D1", stage="negotiation", ts=at(-6)),  # 25 September
        stamp(StageChanged, deal="D1", stage="won", ts=at(2)),  # 3 October: won, from an open stage
        stamp(DealSplit, deal="D1", parts=[SplitPart(deal="D1-1", amount=Decimal("60"), priority="must"),
                                           SplitPart(deal="D1-2", amount=Decimal("40"), priority="should")],
              ts=at(19)),  # 20 October
        stamp(DealSplit, deal="D1-1", parts=[SplitPart(deal="D1-1a", amount=Decimal("30"), priority="must"),
                                             SplitPart(deal="D1-1b", amount=Decimal("30"), priority="must")],
              ts=at(21)),
        stamp(StageDefined, stage="negotiation", rate=Decimal("1"), lead_days=0, position=4, kind="won",
              ts=at(35)),  # 5 November: the won run began when the deal entered negotiation, on 25 September
    ]
    as_of = at(40)
    assert [reference.forecast(events, p, as_of)["won"] for p in ("2026-09", "2026-10")] == [100, 0]
    for name, first in (("whole", len(events)), ("stepwise", cut)):
        path = tmp_path / f"{name}.jsonl"
        path.write_bytes(b"".join(map(encode_event, events[:first])))
        with Store.open(path) as store:
            path.write_bytes(b"".join(map(encode_event, events)))
            store.refresh()
            for period, won in (("2026-09", 100), ("2026-10", 0)):
                assert store.forecast(period, as_of=as_of, odds=False).won == won, (name, period)
            assert store.forecast("2026-10", as_of=at(30), odds=False).won == 100  # before the kind changed


def test_every_board_query_runs_past_line_32767_and_agrees_with_the_reference(tmp_path: Path):
    """A row's seq is line * 65536, past 2**31 from line 32768 on: each query that folds the deals (forecast,
    pipeline, replay, changes, calibration, the plan's closed deals) over a 40,000-line ledger, its forecast
    equal to the reference's (a WITH RECURSIVE once typed seq as an INTEGER there, and every query failed)."""
    import sys

    from queries import plan_inputs
    from tests import reference

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from gen_big_ledger import generate

    path = tmp_path / "big.jsonl"
    generate(path, 40_000, open_deals=400, seed=9)
    from ledger import read_ledger

    last = read_ledger(path).events[-1].ts
    review = stamp(StageDefined, stage="proposal", rate=Decimal("0.35"), lead_days=21, position=3, kind="open",
                   ts=last + dt.timedelta(minutes=1))  # a stage row past line 32767
    with path.open("ab") as f:
        f.write(encode_event(review))
    events = read_ledger(path).events
    as_of = events[-1].ts
    period = f"{as_of:%Y-%m}"
    with Store.open(path, cache=False) as store:
        got = store.forecast(period, as_of=as_of, odds=False)
        want = reference.forecast(events, period, as_of)
        assert (got.won, got.progress, got.target) == (want["won"], want["progress"], want["target"])
        assert got.won > 0
        assert len(store.pipeline(as_of)) == len(reference.pipeline(events, as_of))
        assert store.replay(period, now=as_of, odds=False).days
        assert store.changes(as_of - dt.timedelta(days=7), as_of) is not None
        assert store.calibrate(as_of)
        assert plan_inputs.won_deals(store, as_of)
