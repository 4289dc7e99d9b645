"""The forecast rules of docs/forecast-rules.md, one tiny hand-made ledger each, through queries.Store."""

from __future__ import annotations

from decimal import Decimal

import datetime as dt
import itertools

import pytest

from ledger.events import (
    AmountChanged, CloseDateChanged, DealOpened, DealSplit, NoteAdded, OwnerChanged, PriorityChanged, SplitPart,
    StageChanged, StageDefined, TargetSet, encode_event,
)
from queries import Store

ICT = dt.timezone(dt.timedelta(hours=7))
_ids = itertools.count(1)


def at(day: str, time: str = "09:00", tz: dt.tzinfo = ICT) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=tz)


def ev(cls, day="2026-10-01", time="09:00", tz=ICT, **fields):
    return cls(id=f"E{next(_ids)}", ts=at(day, time, tz), **fields)


def deal(deal_id, stage="quote", amount=Decimal("5000.0"), priority="must", day="2026-10-01", owner="lan", **extra):
    return ev(DealOpened, day, deal=deal_id, name=f"{deal_id} name", owner=owner, stage=stage, amount=amount,
              priority=priority, **extra)


def target(amount, period="2026-10", owner=None, day="2026-10-01"):
    return ev(TargetSet, day, "08:00", period=period, amount=amount, owner=owner)


@pytest.fixture
def store_of(tmp_path):
    opened = []

    def make(*events, cache=True):
        path = tmp_path / f"ledger{len(opened)}.jsonl"
        path.write_bytes(b"".join(encode_event(e) for e in events))
        store = Store.open(path, cache=cache)
        opened.append(store)
        assert not store.problems, store.problems
        return store

    yield make
    for store in opened:
        store.close()


def test_method_worked_example_chance_43_percent(store_of):
    store = store_of(
        target(20_000),
        deal("D-1", "quote", 5_000),  # 5k x 60% = 3k
        deal("D-2", "negotiation", 5_000),  # 4k
        deal("D-3", "proposal", 4_000),  # 1.6k
        deal("D-4", "quote", 9_000, priority="should"),  # not a must-have: not in progress
    )
    f = store.forecast("2026-10", "2026-10-01")
    assert f.progress == pytest.approx(8_600)
    assert f.chance == pytest.approx(0.43)
    assert f.needed == pytest.approx(11_400) and not f.on_track
    assert f.coverage == pytest.approx(14_000 / 20_000)
    assert f.promotions == ["D-4"]


def test_only_what_was_known_at_the_moment_counts(store_of):
    store = store_of(target(10_000), deal("D-1", "quote", 5_000), ev(StageChanged, "2026-10-05", deal="D-1", stage="won"))
    assert store.forecast("2026-10", "2026-10-04").progress == pytest.approx(3_000)
    assert store.forecast("2026-10", "2026-10-05").won == pytest.approx(5_000)
    assert store.forecast("2026-10", at("2026-10-05", "08:59")).won == 0


def test_a_bare_date_is_the_end_of_that_day_in_the_offset_of_the_last_line(store_of):
    store = store_of(deal("D-1"), ev(NoteAdded, "2026-10-02", "23:30", tz=dt.timezone.utc, deal="D-1", text="x"))
    moment = store.as_of("2026-10-02")
    assert moment == dt.datetime(2026, 10, 2, 23, 59, 59, 999999, tzinfo=dt.timezone.utc)
    assert store.pipeline("2026-10-02")[0].next_action == "x"


def test_the_stage_table_in_force_at_the_moment(store_of):
    store = store_of(
        deal("D-1", "quote", 1_000),
        ev(StageDefined, "2026-10-03", stage="quote", rate=Decimal("0.5"), lead_days=3, position=4),
        ev(StageDefined, "2026-10-03", stage="demo", rate=Decimal("0.3"), lead_days=20, position=3),
        ev(StageChanged, "2026-10-04", deal="D-1", stage="demo"),
    )
    assert store.forecast("2026-10", "2026-10-02").deals[0].estimated_value == pytest.approx(600)
    assert store.forecast("2026-10", "2026-10-03").deals[0].estimated_value == pytest.approx(500)
    assert store.forecast("2026-10", "2026-10-04").deals[0].estimated_value == pytest.approx(300)


def test_pipeline_fields_version_and_days_since_change(store_of):
    store = store_of(
        deal("D-1", account="Acme", close_date=dt.date(2026, 10, 20)),
        ev(AmountChanged, "2026-10-02", deal="D-1", amount=6_000),
        ev(CloseDateChanged, "2026-10-03", deal="D-1", close_date=None),
        ev(OwnerChanged, "2026-10-03", deal="D-1", owner="minh"),
        ev(NoteAdded, "2026-10-04", deal="D-1", text="send quote", due=dt.date(2026, 10, 6)),
    )
    (row,) = store.pipeline("2026-10-10")
    assert (row.amount, row.close_date, row.owner, row.account) == (6_000, None, "minh", "Acme")
    assert (row.next_action, row.due, row.version, row.days_since_change) == ("send quote", dt.date(2026, 10, 6), 5, 6)
    assert row.last_change == at("2026-10-04") and row.last_change.utcoffset() == dt.timedelta(hours=7)
    assert store.pipeline("2026-10-02")[0].close_date == dt.date(2026, 10, 20)


def test_a_split_deal_leaves_the_board_and_its_parts_inherit(store_of):
    store = store_of(
        deal("D-1", "negotiation", 30_000, owner="thu", account="Big", close_date=dt.date(2026, 10, 25)),
        ev(DealSplit, "2026-10-03", deal="D-1", parts=[
            SplitPart(deal="D-1a", amount=10_000, priority="must"),
            SplitPart(deal="D-1b", amount=20_000, priority="should", close_date=dt.date(2026, 11, 5)),
        ]),
        ev(DealSplit, "2026-10-04", deal="D-1a", parts=[SplitPart(deal="D-1a1", amount=4_000, priority="must")]),
    )
    rows = {r.deal: r for r in store.pipeline("2026-10-05")}
    assert set(rows) == {"D-1b", "D-1a1"}
    part = rows["D-1a1"]
    assert (part.name, part.owner, part.account, part.stage) == ("D-1 name", "thu", "Big", "negotiation")
    assert (part.close_date, part.version, part.next_action) == (dt.date(2026, 10, 25), 1, None)
    assert rows["D-1b"].close_date == dt.date(2026, 11, 5)
    f = store.forecast("2026-10", "2026-10-05")
    assert f.progress == pytest.approx(4_000 * 0.8)  # D-1b closes in November: does not count


@pytest.mark.parametrize("as_of, counts", [("2026-10-17", True), ("2026-10-18", False)])
def test_a_deal_counts_while_its_stage_lead_time_fits(store_of, as_of, counts):
    store = store_of(deal("D-1", "quote"))  # 14 days: Oct 17 + 14 = Oct 31
    assert store.forecast("2026-10", as_of).deals[0].counts is counts


def test_close_date_after_the_period_stops_a_deal_counting_but_an_overdue_one_counts(store_of):
    store = store_of(
        deal("D-1", "negotiation", close_date=dt.date(2026, 11, 1)),
        deal("D-2", "negotiation", close_date=dt.date(2026, 9, 1)),
    )
    counts = {d.deal: d.counts for d in store.forecast("2026-10", "2026-10-10").deals}
    assert counts == {"D-1": False, "D-2": True}


def test_won_counts_in_the_period_of_the_day_a_deal_last_entered_a_won_stage(store_of):
    store = store_of(
        target(10_000, day="2026-09-20"),
        deal("D-1", "negotiation", 1_000, priority="could", day="2026-09-20"),
        ev(StageChanged, "2026-09-28", deal="D-1", stage="won"),
        deal("D-2", "won", 700, day="2026-09-30"),
        ev(StageChanged, "2026-10-02", deal="D-1", stage="negotiation"),
        ev(StageChanged, "2026-10-03", deal="D-1", stage="won"),
        ev(AmountChanged, "2026-10-04", deal="D-1", amount=1_500),  # counted at its amount as it stands
    )
    assert store.forecast("2026-09", "2026-09-30").won == pytest.approx(1_700)
    october = store.forecast("2026-10", "2026-10-05")
    assert october.won == pytest.approx(1_500)
    assert {d.deal for d in october.deals} == {"D-1"}  # won deals are listed only in their period
    assert store.forecast("2026-09", "2026-10-05").won == pytest.approx(700)


def test_won_dates_read_stage_kinds_from_the_table_at_the_moment(store_of):
    store = store_of(
        deal("D-1", "quote", 1_000, day="2026-09-25"),
        ev(StageDefined, "2026-09-26", stage="signed", rate=Decimal("1.0"), lead_days=0, position=6, kind="open"),
        ev(StageChanged, "2026-09-27", deal="D-1", stage="signed"),
        ev(StageChanged, "2026-10-02", deal="D-1", stage="won"),
        ev(StageDefined, "2026-10-03", stage="signed", rate=Decimal("1.0"), lead_days=0, position=6, kind="won"),
    )
    assert store.forecast("2026-10", "2026-10-02").won == pytest.approx(1_000)
    # once `signed` is a won stage, the deal's won run began on Sept 27
    assert store.forecast("2026-10", "2026-10-03").won == 0
    assert store.forecast("2026-09", "2026-10-03").won == pytest.approx(1_000)


def test_targets_of_an_owner_and_of_the_team(store_of):
    lines = [target(5_000, owner="lan"), target(7_000, owner="minh"), target(6_000, owner="lan", day="2026-10-02")]
    store = store_of(*lines, deal("D-1", day="2026-10-02"))
    assert store.forecast("2026-10", "2026-10-03").target == pytest.approx(13_000)
    assert store.forecast("2026-10", "2026-10-03", owner="lan").target == pytest.approx(6_000)
    assert store.forecast("2026-10", "2026-10-03", owner="thu").target is None
    team = store_of(*lines, target(20_000, day="2026-10-02"), deal("D-1", day="2026-10-02"))
    assert team.forecast("2026-10", "2026-10-03").target == pytest.approx(20_000)
    assert team.forecast("2026-11", "2026-10-03").target is None


def test_an_owner_view_holds_the_deals_the_owner_has_at_the_moment(store_of):
    store = store_of(deal("D-1", owner="lan"), deal("D-2", owner="minh"),
                     ev(OwnerChanged, "2026-10-02", deal="D-2", owner="lan"))
    assert [d.deal for d in store.forecast("2026-10", "2026-10-01", owner="lan").deals] == ["D-1"]
    assert {d.deal for d in store.forecast("2026-10", "2026-10-02", owner="lan").deals} == {"D-1", "D-2"}


def test_no_target_means_no_chance_no_coverage_and_no_big_deal(store_of):
    f = store_of(deal("D-1", amount=Decimal(10**9))).forecast("2026-10", "2026-10-01")
    assert (f.target, f.needed, f.chance, f.coverage, f.on_track, f.promotions) == (None, None, None, None, None, [])
    assert not f.deals[0].big


def test_big_deals_from_a_quarter_of_the_target_or_the_threshold_given(store_of):
    store = store_of(target(20_000), deal("D-1", amount=5_000), deal("D-2", amount=4_999))
    f = store.forecast("2026-10", "2026-10-01")
    assert f.big_at == 5_000 and {d.deal: d.big for d in f.deals} == {"D-1": True, "D-2": False}
    g = store.forecast("2026-10", "2026-10-01", big_at=4_000)
    assert all(d.big for d in g.deals)


def test_promotions_take_should_then_could_largest_first_until_covered(store_of):
    store = store_of(
        target(10_000),
        deal("D-1", "negotiation", 5_000),  # 4,000: needed 6,000
        deal("C-1", "negotiation", 10_000, priority="could"),  # 8,000
        deal("S-1", "quote", 5_000, priority="should"),  # 3,000
        deal("S-2", "quote", 5_000, priority="should"),  # 3,000: tie with S-1, by id
        deal("S-3", "negotiation", 1_000, priority="should"),  # 800
        deal("S-4", "lead", 100_000, priority="should"),  # does not count: lead time
    )
    assert store.forecast("2026-10", "2026-10-01").promotions == ["S-1", "S-2"]
    assert store.forecast("2026-10", "2026-10-20").promotions == ["S-3", "C-1"]  # quote no longer fits


def test_promotions_list_all_when_they_never_cover_and_none_on_track(store_of):
    store = store_of(target(100_000), deal("S-1", priority="should"), deal("C-1", priority="could"))
    assert store.forecast("2026-10", "2026-10-01").promotions == ["S-1", "C-1"]
    assert store_of(target(1_000), deal("D-1"), deal("S-1", priority="should")).forecast(
        "2026-10", "2026-10-01").promotions == []


def test_listed_deals_their_order_and_what_is_left_out(store_of):
    store = store_of(
        deal("A", "inactive", 9_000), deal("B", "quote", 1_000, priority="should"), deal("C", "quote", 2_000),
        deal("D", "negotiation", 1_000), deal("E", "lost", 5_000), deal("F", "quote", 3_000, priority="could"),
    )
    f = store.forecast("2026-10", "2026-10-01")
    assert [d.deal for d in f.deals] == ["C", "D", "A", "B", "F"]
    assert [d.stage_kind for d in f.deals] == ["open", "open", "inactive", "open", "open"]


def test_days_left_and_the_period_default_to_the_month_of_the_moment(store_of):
    f = store_of(deal("D-1")).forecast(as_of="2026-10-20")
    assert (f.period, f.days_left, f.period_start, f.period_end) == (
        "2026-10", 11, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    q = store_of(deal("D-1", "lead")).forecast("2026-q4", "2026-10-20")
    assert q.period == "2026-Q4" and q.deals[0].counts  # 45 days fit in the quarter


def test_a_scenario_adds_hypothetical_events_without_touching_the_ledger(store_of):
    store = store_of(target(10_000), deal("D-1", "quote", 5_000))
    what_if = [ev(StageChanged, "2026-10-02", deal="D-1", stage="negotiation"),
               ev(PriorityChanged, "2026-10-02", deal="D-1", priority="should")]
    assert store.forecast("2026-10", "2026-10-02", scenario=what_if[:1]).progress == pytest.approx(4_000)
    assert store.forecast("2026-10", "2026-10-02", scenario=what_if).promotions == ["D-1"]
    assert store.forecast("2026-10", "2026-10-02").progress == pytest.approx(3_000)
    with pytest.raises(Exception, match="never opened"):
        store.forecast("2026-10", "2026-10-02", scenario=[ev(StageChanged, "2026-10-02", deal="X", stage="won")])


def test_a_store_answers_worker_threads_at_once(store_of):
    from concurrent.futures import ThreadPoolExecutor

    store = store_of(target(10_000), *[deal(f"D-{i}", amount=1_000 * i) for i in range(1, 30)])
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: store.forecast("2026-10", "2026-10-01").progress, range(16)))
    assert results == [pytest.approx(0.6 * 1_000 * sum(range(1, 30)))] * 16
