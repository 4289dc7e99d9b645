"""The waterfall of changes: each move of progress given to its cause, adding up exactly from start to end."""

from __future__ import annotations

from decimal import Decimal

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.events import (
    AmountChanged, CloseDateChanged, DealOpened, DealSplit, OwnerChanged, PriorityChanged, SettingsChanged, SplitPart,
    StageChanged, StageDefined, TargetSet, encode_event,
)
from queries import Store
from queries.model import CAUSES
from scripts.gen_big_ledger import generate
from tests.strategies import ledgers, moments, periods

ICT = dt.timezone(dt.timedelta(hours=7))
DAY1, DAY2 = dt.datetime(2026, 10, 1, 9, tzinfo=ICT), dt.datetime(2026, 10, 2, 9, tzinfo=ICT)


def opened(deal, stage="quote", amount=5_000, priority="must", **extra):
    return DealOpened(id=f"O-{deal}", ts=DAY1, deal=deal, name=f"{deal} name", owner=extra.pop("owner", "lan"),
                      stage=stage, amount=amount, priority=priority, **extra)


def store_for(tmp_path, events):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(b"".join(encode_event(e) for e in events))
    return Store.open(path)


def waterfall(tmp_path, base, later, start="2026-10-01T23:59:59.999999+07:00", end="2026-10-02", owner=None):
    """From the end of 1 October (the base) to the end of the 2nd (the later events)."""
    with store_for(tmp_path, [TargetSet(id="T", ts=DAY1, period="2026-10", amount=50_000), *base, *later]) as store:
        result = store.changes(start, end, "2026-10", owner)
        assert result.start == store.forecast("2026-10", start, owner).progress
        assert result.end == store.forecast("2026-10", end, owner).progress
    assert sum(result.buckets.values(), Decimal(0)) == result.end - result.start
    assert list(result.buckets) == list(CAUSES)
    return result


def later(cls, id_="X", **fields):
    return cls(id=id_, ts=DAY2, **fields)


CASES = [
    ("new_deals", [], [later(DealOpened, deal="N", name="n", owner="lan", stage="quote", amount=5_000,
                             priority="must")], 3_000),
    ("promoted", [opened("D", priority="should")], [later(PriorityChanged, deal="D", priority="must")], 3_000),
    ("demoted", [opened("D")], [later(PriorityChanged, deal="D", priority="could")], -3_000),
    ("stage_advanced", [opened("D")], [later(StageChanged, deal="D", stage="negotiation")], 1_000),
    ("stage_regressed", [opened("D")], [later(StageChanged, deal="D", stage="proposal")], -1_000),
    ("amount_up", [opened("D")], [later(AmountChanged, deal="D", amount=6_000)], 600),
    ("amount_down", [opened("D")], [later(AmountChanged, deal="D", amount=1_000)], -2_400),
    ("pushed_out", [opened("D")], [later(CloseDateChanged, deal="D", close_date=dt.date(2026, 11, 3))], -3_000),
    ("pulled_in", [opened("D", close_date=dt.date(2026, 11, 3))],
     [later(CloseDateChanged, deal="D", close_date=None)], 3_000),
    ("went_inactive", [opened("D")], [later(StageChanged, deal="D", stage="inactive")], -3_000),
    ("came_back", [opened("D", "inactive")], [later(StageChanged, deal="D", stage="quote")], 3_000),
    ("lost", [opened("D")], [later(StageChanged, deal="D", stage="lost")], -3_000),
    ("won", [opened("D", priority="could")], [later(StageChanged, deal="D", stage="won")], 5_000),
    ("split", [opened("D")], [later(DealSplit, deal="D", parts=[
        SplitPart(deal="D-a", amount=2_000, priority="must"), SplitPart(deal="D-b", amount=3_000, priority="should")])],
     -1_800),
    ("rates_changed", [opened("D"), opened("E", "lead")],
     [later(StageDefined, stage="quote", rate=Decimal("0.5"), lead_days=14, position=4)], -500),
]


@pytest.mark.parametrize("cause, base, events, amount", CASES, ids=[c[0] for c in CASES])
def test_each_cause_takes_the_change_its_event_made(tmp_path, cause, base, events, amount):
    result = waterfall(tmp_path, base, events)
    assert {k: v for k, v in result.buckets.items() if v} == {cause: amount}
    assert sum((d.amount for d in result.deals), Decimal(0)) == amount
    assert all(d.cause == cause and d.events == ["X"] for d in result.deals)


def test_a_split_lists_the_parent_and_each_part(tmp_path):
    result = waterfall(tmp_path, *CASES[13][1:3])
    assert {d.deal: d.amount for d in result.deals} == {"D": -3_000, "D-a": 1_200}


def test_time_alone_runs_deals_out_of_their_lead_time(tmp_path):
    base = [opened("D"), opened("E", "negotiation"), opened("F", "won", priority="could")]
    result = waterfall(tmp_path, base, [], end="2026-10-20")
    assert {k: v for k, v in result.buckets.items() if v} == {"ran_out_of_time": -3_000}
    (only,) = result.deals
    assert (only.deal, only.events) == ("D", [])


def test_reassigned_moves_a_deal_between_owners(tmp_path):
    base, events = [opened("D", owner="minh")], [later(OwnerChanged, deal="D", owner="lan")]
    assert waterfall(tmp_path, base, events, owner="lan").buckets["reassigned"] == 3_000
    assert waterfall(tmp_path, base, events, owner="minh").buckets["reassigned"] == -3_000
    assert not any(waterfall(tmp_path, base, events).buckets.values())


def test_several_events_of_one_deal_are_attributed_in_order(tmp_path):
    base = [opened("D")]
    events = [later(AmountChanged, "X1", deal="D", amount=10_000), later(StageChanged, "X2", deal="D", stage="won"),
              later(StageChanged, "X3", deal="D", stage="negotiation")]
    result = waterfall(tmp_path, base, events, end="2026-10-28")
    moved = {k: v for k, v in result.buckets.items() if v}
    assert moved == {"amount_up": 3_000, "won": 4_000,
                     "stage_regressed": -2_000, "ran_out_of_time": -8_000}
    assert result.end == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_ledgers_reconcile_for_the_team_and_each_owner(tmp_path, seed):
    path = tmp_path / "big.jsonl"
    generate(path, 4_000, open_deals=150, seed=seed)
    with Store.open(path) as store:
        for owner in (None, "rep01", "rep07"):
            result = store.changes("2024-01-20", "2024-02-25", "2024-02", owner)
            assert result.start == store.forecast("2024-02", "2024-01-19", owner).progress  # from the 20th's start
            assert result.end == store.forecast("2024-02", "2024-02-25", owner).progress
            assert result.start + sum(result.buckets.values(), Decimal(0)) == result.end
            assert sum((d.amount for d in result.deals), Decimal(0)) == result.end - result.start


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_any_ledger_reconciles(tmp_path_factory, data):
    events = data.draw(ledgers(), label="ledger")
    t1, t2 = sorted([data.draw(moments(events), label="t1"), data.draw(moments(events), label="t2")])
    period = data.draw(periods(events, t2), label="period")
    owner = data.draw(st.sampled_from([None, "lan", "minh"]), label="owner")
    with store_for(tmp_path_factory.mktemp("l"), events) as store:
        result = store.changes(t1, t2, period, owner)
        assert result.start == store.forecast(period, t1, owner).progress
        assert result.end == store.forecast(period, t2, owner).progress
    assert result.start + sum(result.buckets.values(), Decimal(0)) == result.end


def test_from_a_bare_date_starts_at_the_start_of_that_day(tmp_path):
    """`changes --from 2026-10-01` takes in what happened on 1 October (it once started at its end)."""
    base = [opened("D-1")]
    with store_for(tmp_path, [TargetSet(id="T", ts=DAY1, period="2026-10", amount=50_000), *base]) as store:
        result = store.changes("2026-10-01", "2026-10-01", "2026-10")
        assert result.start == store.forecast("2026-10", "2026-09-30").progress == 0
        assert result.end == 3000 and result.buckets["new_deals"] == 3000


def test_a_zone_named_between_the_moments_is_a_cause_of_its_own(tmp_path):
    """A deal won at 21:00 UTC on 30 Sep is September's while the ledger has no zone (its line's own offset),
    and October's once Asia/Ho_Chi_Minh is named: the start is read in its own calendar, the move is
    zone_changed, with the deal it moved."""
    utc = dt.timezone.utc
    events = [
        TargetSet(id="T", ts=dt.datetime(2026, 9, 1, tzinfo=utc), period="2026-09", amount=1_000),
        DealOpened(id="O", ts=dt.datetime(2026, 9, 2, tzinfo=utc), deal="D", name="D name", owner="lan",
                   stage="quote", amount=500, priority="must"),
        StageChanged(id="W", ts=dt.datetime(2026, 9, 30, 21, tzinfo=utc), deal="D", stage="won"),
        SettingsChanged(id="Z", ts=dt.datetime(2026, 10, 2, tzinfo=utc), tz="Asia/Ho_Chi_Minh"),
    ]
    with store_for(tmp_path, events) as store:
        result = store.changes(dt.datetime(2026, 9, 30, 22, tzinfo=utc), "2026-10-05", "2026-09")
        assert result.start == store.forecast("2026-09", dt.datetime(2026, 9, 30, 22, tzinfo=utc)).progress == 500
        assert result.end == store.forecast("2026-09", "2026-10-05").progress == 0
    assert {k: v for k, v in result.buckets.items() if v} == {"zone_changed": -500}
    assert [(d.deal, d.cause, d.amount) for d in result.deals] == [("D", "zone_changed", -500)]
