"""What-if scenarios in queries/: the docs/method.md example by hand, past moments, refusals, files and commits."""

from __future__ import annotations

from decimal import Decimal

import datetime as dt
from pathlib import Path

import msgspec
import pytest

from conftest import line, opened
from ledger import (CloseDateChanged, Conflict, DealSplit, PriorityChanged, SplitPart, StageChanged, TargetSet,
                    read_ledger, stamp)
from queries import Store, moves, scenarios
from queries.scenario_files import commit, read_scenario, scenario_lines, write_scenario
from queries.scenarios import ScenarioError, hypothetical

TZ = dt.timezone(dt.timedelta(hours=7))
T = dt.datetime(2026, 10, 10, 23, 59, 59, 999999, tzinfo=TZ)  # --as-of 2026-10-10: 21 days left in October


def ts(day: int, hour: int = 9) -> str:
    return dt.datetime(2026, 10, day, hour, tzinfo=TZ).isoformat()


# The method's example: target 20k, must-haves worth 8.6k, so chance 43%. As of 10 Oct (default stages):
#   D-1 must negotiation 6,000 -> 4,800, big (>= 5,000 = 25% of 20k); counts (10 Oct + 7 <= 31 Oct)
#   D-2 must quote 4,000 -> 2,400; D-3 must proposal 3,500 -> 1,400 (10 Oct + 21 = 31 Oct: counts)
#   D-4 should negotiation 12,000 -> 9,600 (big, but already a backup); D-5 should quote 3,500 -> 2,100
#   D-6 could quote 2,500 -> 1,500; D-7 should lead 10,000 (45 days: cannot close in October)
METHOD_EXAMPLE = [
    line("target_set", "e1", ts(1), period="2026-10", amount=20000),
    opened("e2", "D-1", ts(1), stage="negotiation", amount=6000, priority="must", name="Big platform"),
    opened("e3", "D-2", ts(1), stage="quote", amount=4000, priority="must"),
    opened("e4", "D-3", ts(1), stage="proposal", amount=3500, priority="must"),
    opened("e5", "D-4", ts(2), stage="negotiation", amount=12000, priority="should"),
    opened("e6", "D-5", ts(2), stage="quote", amount=3500, priority="should"),
    opened("e7", "D-6", ts(2), stage="quote", amount=2500, priority="could"),
    opened("e8", "D-7", ts(2), stage="lead", amount=10000, priority="should"),
]


@pytest.fixture
def method_ledger(write_ledger) -> Path:
    return write_ledger(*METHOD_EXAMPLE)


def test_method_example_big_deal_to_should_checked_by_hand(method_ledger: Path):
    before = method_ledger.read_bytes()
    with Store.open(method_ledger) as store:
        board = moves.board_of(store, [], "2026-10", T)
        assert [e.deal for e in moves.big_to_should(board)] == ["D-1"]  # D-4 and D-7 are big but not must
        events = moves.apply_moves(store, [], [moves.big_to_should], "2026-10", T)
        result = scenarios.what_if(store, events, "2026-10", T)
    base, after = result.baseline, result.scenario
    # baseline: progress 4,800 + 2,400 + 1,400 = 8,600; needed 11,400; chance 43%; coverage 13,500 / 20,000
    assert (base.progress, base.needed, round(base.chance, 3), base.coverage) == (8600, 11400, 0.43, 0.675)
    assert base.promotions == ["D-4", "D-5"]  # 9,600 + 2,100 = 11,700 >= 11,400: stop
    # D-1 to should-have: progress 2,400 + 1,400 = 3,800; needed 16,200; chance 19%; coverage 7,500 / 20,000
    assert (after.progress, after.needed, after.chance, after.coverage) == (3800, 16200, 0.19, 0.375)
    assert not after.on_track and after.target == 20000
    # promotions: should-haves by value D-4 9,600, D-1 4,800, D-5 2,100 (16,500 >= 16,200), no could-have
    assert after.promotions == ["D-4", "D-1", "D-5"]
    assert [(c.deal, c.change) for c in result.changed] == [("D-1", -4800)]
    d1 = result.changed[0]
    assert (d1.before.priority, d1.before.counted, d1.before.promotion) == ("must", 4800, False)
    assert (d1.after.priority, d1.after.counted, d1.after.promotion) == ("should", 0, True)
    assert method_ledger.read_bytes() == before


def test_method_example_then_the_promotions(method_ledger: Path):
    with Store.open(method_ledger) as store:
        events = moves.apply_moves(store, [], [moves.big_to_should, moves.promote], "2026-10", T)
        result = scenarios.what_if(store, events, "2026-10", T)
    assert [(type(e).__name__, e.deal, e.priority) for e in events] == [
        ("PriorityChanged", "D-1", "should"), ("PriorityChanged", "D-4", "must"),
        ("PriorityChanged", "D-1", "must"), ("PriorityChanged", "D-5", "must")]
    # must-haves now D-1 4,800 + D-2 2,400 + D-3 1,400 + D-4 9,600 + D-5 2,100 = 20,300
    after = result.scenario
    assert (after.progress, after.needed, after.on_track, after.promotions) == (20300, -300, True, [])
    assert after.chance == pytest.approx(1.015)
    assert [(c.deal, c.change) for c in result.changed] == [("D-4", 9600), ("D-5", 2100)]


def test_other_moves(method_ledger: Path):
    with Store.open(method_ledger) as store:
        board = moves.board_of(store, [], "2026-10", T)
        slip = moves.slip(board, "D-2")
        assert slip[0].close_date == dt.date(2026, 11, 1)
        assert moves.slip(board, "D-2", days=10)[0].close_date == dt.date(2026, 11, 10)
        assert moves.lose(board, "D-3")[0].stage == "lost"
        rate = moves.change_stage(board, "quote", rate=Decimal("0.5"))[0]
        assert (rate.stage, rate.rate, rate.lead_days, rate.position, rate.kind) == ("quote", 0.5, 14, 4, "open")
        assert moves.set_target(board, 15000)[0].amount == 15000
        plan = [lambda b: moves.slip(b, "D-2"), lambda b: moves.lose(b, "D-3"),
                lambda b: moves.change_stage(b, "negotiation", rate=Decimal("0.5")), lambda b: moves.set_target(b, 10000)]
        result = scenarios.what_if(store, moves.apply_moves(store, [], plan, "2026-10", T), "2026-10", T)
        # only D-1 is left counting, at 6,000 x 50%; D-2 slipped, D-3 lost (and no longer listed)
        assert (result.scenario.progress, result.scenario.target, result.scenario.needed) == (3000, 10000, 7000)
        by_id = {c.deal: c for c in result.changed}
        assert by_id["D-3"].after is None and by_id["D-2"].after.counts is False
        with pytest.raises(ScenarioError, match="'D-99' is not on the board of 2026-10"):
            moves.slip(board, "D-99")
        with pytest.raises(ScenarioError, match="unknown stage 'demo'"):
            moves.change_stage(board, "demo", rate=Decimal("0.3"))


# -- a moment in the past -------------------------------------------------------------------------


PAST = [
    line("target_set", "p1", ts(1), period="2026-10", amount=10000),
    opened("p2", "D-1", ts(1), stage="quote", amount=5000, priority="must"),
    opened("p3", "D-2", ts(2), stage="negotiation", amount=8000, priority="should"),
    line("stage_changed", "p4", ts(20), deal="D-1", stage="won"),  # after T
    line("deal_split", "p5", ts(21), deal="D-2", parts=[{"deal": "D-2a", "amount": 4000, "priority": "must"}]),
    opened("p6", "D-3", ts(22), stage="quote", amount=1000, priority="must"),
]


def test_a_past_moment_sees_only_the_ledger_known_then_plus_the_scenario(write_ledger):
    path = write_ledger(*PAST)
    with Store.open(path) as store:
        events = [hypothetical(PriorityChanged, deal="D-2", priority="must")]  # D-2 is split only on 21 Oct
        result = scenarios.what_if(store, events, "2026-10", T)
        staged = scenarios.stage(store, events, T)
    # as of 10 Oct: D-1 quote 3,000 counts; D-2 negotiation 6,400 counts once must; D-3 not yet opened
    assert (result.baseline.progress, result.scenario.progress) == (3000, 9400)
    assert {d.deal for d in result.scenario.deals} == {"D-1", "D-2"}
    assert result.events[0].ts == T and result.events[0].id == "whatif-1"
    assert staged[0].expect_version == 1  # D-2's version as of T, not at the end of the ledger
    assert {d.deal: d.version for d in result.scenario.deals}["D-2"] == 2


def test_refused_scenario_events_say_which_and_why(write_ledger):
    path = write_ledger(*PAST)
    later = dt.datetime(2026, 10, 25, 12, tzinfo=TZ)
    with Store.open(path) as store:
        with pytest.raises(ScenarioError) as refused:
            scenarios.what_if(store, [
                hypothetical(PriorityChanged, deal="D-3", priority="should"),  # opened after T
                hypothetical(StageChanged, deal="D-1", stage="demo"),
                hypothetical(PriorityChanged, deal="D-1", priority="should"),  # fine
                hypothetical(DealSplit, deal="D-1", parts=[SplitPart(deal="D-2", amount=1, priority="must")]),
            ], "2026-10", T)
        message = str(refused.value)
        assert "nothing was tried" in message
        assert "scenario event 1 (priority_changed D-3): deal 'D-3' was never opened (the ledger as of 2026-10-10T23:59" in message
        assert "scenario event 2 (stage_changed D-1): unknown stage 'demo'" in message
        assert "scenario event 4 (deal_split D-1): split part 'D-2' is not a new deal id" in message
        assert "scenario event 3" not in message
        with pytest.raises(ScenarioError, match=r"deal 'D-2' was split on line 5 and takes no more events"):
            scenarios.what_if(store, [hypothetical(PriorityChanged, deal="D-2", priority="must")], "2026-10", later)
        # events on a deal the scenario opens or splits are checked against the scenario's own fold
        staged = scenarios.stage(store, [
            hypothetical(DealSplit, deal="D-3", parts=[SplitPart(deal="D-3a", amount=500, priority="must")]),
            hypothetical(StageChanged, deal="D-3a", stage="negotiation"),
        ], later)
        assert [s.expect_version for s in staged] == [1, 1]
    with pytest.raises(ScenarioError, match="invalid priority_changed event"):
        hypothetical(PriorityChanged, deal="D-1", priority="urgent")


def test_a_scenario_split_and_target_count_like_the_ledger(write_ledger):
    path = write_ledger(*PAST)
    with Store.open(path) as store:
        result = scenarios.what_if(store, [
            hypothetical(DealSplit, deal="D-2", parts=[SplitPart(deal="D-2a", amount=5000, priority="must"),
                                                       SplitPart(deal="D-2b", amount=3000, priority="could")]),
            hypothetical(TargetSet, period="2026-10", amount=20000),
        ], "2026-10", T)
    # D-2a opens in negotiation (80%): 3,000 + 4,000 = 7,000 of 20,000
    assert (result.scenario.progress, result.scenario.target, result.scenario.needed) == (7000, 20000, 13000)
    # only what moved progress is listed: D-2 (a should-have) and D-2b (a could-have) counted 0 before and after
    assert {c.deal for c in result.changed} == {"D-2a"}


# -- files and commits -----------------------------------------------------------------------------


def test_scenario_files_round_trip_without_id_and_ts(tmp_path: Path, method_ledger: Path):
    events = [hypothetical(PriorityChanged, deal="D-1", priority="should"),
              hypothetical(CloseDateChanged, deal="D-2", close_date=None)]
    path = write_scenario(tmp_path / "a.jsonl", events)
    assert path.read_text() == ('{"type":"priority_changed","deal":"D-1","priority":"should"}\n'
                                '{"type":"close_date_changed","deal":"D-2","close_date":null}\n')
    assert [scenarios.fields_of(e) for e in read_scenario(path)] == [scenarios.fields_of(e) for e in events]
    assert scenario_lines(read_scenario(path)) == path.read_bytes()
    with pytest.raises(ScenarioError, match="is the ledger"):
        write_scenario(method_ledger, events, ledger=method_ledger)


def test_a_bad_scenario_file_names_each_line(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"type":"priority_changed","deal":"D-1","priority":"should"}\n\n{oops\n[1]\n'
                    '{"type":"promoted","deal":"D-1"}\n{"type":"amount_changed","deal":"D-1","amount":-5}\n')
    with pytest.raises(ScenarioError) as refused:
        read_scenario(path)
    message = str(refused.value)
    assert f"{path} is not a scenario: 4 line(s) to fix" in message
    assert f"{path}:3: not valid JSON" in message and f"{path}:4: not a JSON object" in message
    assert f"{path}:5: unknown event type 'promoted'" in message
    assert f"{path}:6: invalid amount_changed event" in message
    with pytest.raises(ScenarioError, match="no scenario file at"):
        read_scenario(tmp_path / "missing.jsonl")


def test_commit_appends_exactly_the_scenarios_events_with_fresh_ids(method_ledger: Path):
    before = method_ledger.read_bytes()
    moment = dt.datetime(2026, 10, 11, 9, tzinfo=TZ)
    with Store.open(method_ledger) as store:
        events = moves.apply_moves(store, [], [moves.big_to_should, moves.promote], "2026-10", T)
        staged = scenarios.stage(store, events, T)
    assert [s.expect_version for s in staged] == [1, 1, 2, 1]
    done = commit(method_ledger, staged, by="lan", clock=lambda: moment)
    assert done.complete and [a.line for a in done.appended] == [9, 10, 11, 12]
    after = method_ledger.read_bytes()
    assert after.startswith(before)
    appended = read_ledger(method_ledger).events[8:]
    assert [scenarios.fields_of(e) for e in appended] == [{**scenarios.fields_of(e), "by": "lan"} for e in events]
    assert all(e.ts == moment and e.id not in ("whatif", "whatif-1") for e in appended)
    assert len({e.id for e in appended}) == 4


def test_a_conflict_stops_the_commit_and_says_what_was_appended(method_ledger: Path):
    with Store.open(method_ledger) as store:
        staged = scenarios.stage(store, [hypothetical(PriorityChanged, deal="D-4", priority="must"),
                                         hypothetical(PriorityChanged, deal="D-1", priority="should"),
                                         hypothetical(PriorityChanged, deal="D-5", priority="must")], T)
    with method_ledger.open("a") as f:  # someone else changes D-1 meanwhile
        f.write(line("amount_changed", "other", ts(11), deal="D-1", amount=7000) + "\n")
    before = method_ledger.read_bytes()
    done = commit(method_ledger, staged, clock=lambda: dt.datetime(2026, 10, 11, 10, tzinfo=TZ))
    assert not done.complete and done.conflict
    assert [a.event.deal for a in done.appended] == ["D-4"]
    assert [e.deal for e in done.not_appended] == ["D-1", "D-5"]
    assert "appended 1 of 3 event(s): line 10 (priority_changed D-4)" in done.summary()
    assert "Refused at priority_changed D-1: conflict: deal 'D-1' is at version 2" in done.summary()
    assert "Not appended: priority_changed D-1, priority_changed D-5" in done.summary()
    assert len(method_ledger.read_bytes().splitlines()) == len(before.splitlines()) + 1
    assert isinstance(Conflict("x"), scenarios.LedgerError)


def test_results_are_plain_json(method_ledger: Path):
    with Store.open(method_ledger) as store:
        result = scenarios.what_if(store, [hypothetical(PriorityChanged, deal="D-1", priority="should")],
                                   "2026-10", T)
        comparison = scenarios.compare(store, [("a", []), ("b", result.events)], "2026-10", T)
        forecast_doc = msgspec.to_builtins(store.forecast("2026-10", T))
    doc = msgspec.to_builtins(result)
    assert set(doc) >= {"baseline", "scenario", "changed", "events"}
    assert doc["baseline"] == forecast_doc and set(doc["scenario"]) == set(forecast_doc)
    assert doc["events"][0] == {"type": "priority_changed", "id": "whatif-1", "ts": "2026-10-10T23:59:59.999999+07:00",
                                "deal": "D-1", "priority": "should"}
    assert [s.name for s in comparison.scenarios] == ["a", "b"]
    assert comparison.scenarios[0].changed == [] and comparison.scenarios[1].scenario == result.scenario


def test_the_what_if_logic_loads_no_textual():
    from test_boundaries import loaded_after_import

    for module in ("queries.scenarios", "queries.moves", "queries.scenario_files", "tui.whatif.tables",
                   "tui.whatif.draft", "tui.cli.whatif"):
        assert "textual" not in loaded_after_import(module), module


def test_a_deal_moved_twice_in_a_scenario_keeps_each_moves_stage_before(method_ledger: Path):
    """The second move's row says the stage the first one left it in, not the ledger's (both overlays)."""
    moves_ = [hypothetical(StageChanged, deal="D-7", stage="proposal"),
              hypothetical(StageChanged, deal="D-7", stage="quote")]
    rows = "SELECT stage, prev_stage FROM events WHERE deal = 'D-7' AND type = 'stage_changed' ORDER BY seq"
    with Store.open(method_ledger) as store:
        appended = [stamp(StageChanged, deal="D-7", stage=stage, ts=T) for stage in ("proposal", "quote")]
        with store.cursor(appended) as cur:
            assert cur.execute(rows).fetchall() == [("proposal", "lead"), ("quote", "proposal")]
        with scenarios.overlay(store, moves_, T) as (cur, staged):
            assert len(staged) == 2
            assert cur.execute(rows).fetchall() == [("proposal", "lead"), ("quote", "proposal")]
