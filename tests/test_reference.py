"""Hand-checked cases of the reference fold itself, from docs/method.md and docs/forecast-rules.md."""

from __future__ import annotations

from decimal import Decimal

import datetime as dt
import itertools

import pytest

from ledger.events import (
    AmountChanged,
    CloseDateChanged,
    DealOpened,
    DealSplit,
    NoteAdded,
    OwnerChanged,
    PriorityChanged,
    SplitPart,
    StageChanged,
    StageDefined,
    TargetSet,
)
from tests.reference import forecast, pipeline

ICT = dt.timezone(dt.timedelta(hours=7))
EST = dt.timezone(dt.timedelta(hours=-5))
_ids = itertools.count(1)


def at(day: str, time: str = "09:00", tz: dt.timezone = ICT) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=tz)


def end_of(day: str, tz: dt.timezone = ICT) -> dt.datetime:
    return at(day, "23:59:59.999999", tz)


def opened(deal, stage, amount, priority="must", when="2026-10-01", owner="lan", **extra):
    return DealOpened(id=f"E{next(_ids)}", ts=at(when), deal=deal, name=f"{deal} name", owner=owner,
                      stage=stage, amount=amount, priority=priority, **extra)


def event(cls, when="2026-10-02", time="09:00", tz=ICT, **fields):
    return cls(id=f"E{next(_ids)}", ts=at(when, time, tz), **fields)


def target(amount, period="2026-10", owner=None, when="2026-10-01"):
    return event(TargetSet, when, period=period, amount=amount, owner=owner)


def test_method_worked_example_chance_43_percent():
    ledger = [
        target(20_000),
        opened("D-1", "quote", 5_000),  # 3,000
        opened("D-2", "negotiation", 5_000),  # 4,000
        opened("D-3", "proposal", 4_000),  # 1,600
        opened("D-4", "quote", 9_000, priority="should"),  # not must: not in progress
    ]
    result = forecast(ledger, "2026-10", end_of("2026-10-01"))
    assert result["progress"] == pytest.approx(8_600)
    assert result["needed"] == pytest.approx(11_400)
    assert result["chance"] == pytest.approx(0.43)
    assert result["on_track"] is False


def test_must_deal_at_quote_of_5k_is_worth_3k():
    result = forecast([opened("D-1", "quote", 5_000)], "2026-10", end_of("2026-10-01"))
    value, counts, big = result["deals"]["D-1"]
    assert (value, counts, big) == (pytest.approx(3_000), True, False)
    assert result["chance"] is None and result["coverage"] is None  # no target set


def test_with_two_weeks_left_only_quote_onward_counts():
    stages = ["lead", "qualified", "proposal", "quote", "negotiation"]
    ledger = [opened(f"D-{i}", stage, 1_000) for i, stage in enumerate(stages)]
    result = forecast(ledger, "2026-10", end_of("2026-10-17"))  # 31 - 17 = 14 days left
    assert {d: counts for d, (_, counts, _) in result["deals"].items()} == {
        "D-0": False, "D-1": False, "D-2": False, "D-3": True, "D-4": True,
    }
    assert result["progress"] == pytest.approx(600 + 800)
    one_day_later = forecast(ledger, "2026-10", end_of("2026-10-18"))
    assert one_day_later["progress"] == pytest.approx(800)


def test_own_close_date_after_the_period_drops_the_deal_but_an_overdue_one_counts():
    ledger = [
        opened("D-1", "negotiation", 1_000, close_date=dt.date(2026, 11, 1)),
        opened("D-2", "negotiation", 1_000, close_date=dt.date(2026, 9, 1)),
        event(CloseDateChanged, "2026-10-03", deal="D-1", close_date=None),
    ]
    assert forecast(ledger, "2026-10", end_of("2026-10-02"))["progress"] == pytest.approx(800)
    assert forecast(ledger, "2026-10", end_of("2026-10-03"))["progress"] == pytest.approx(1_600)


def test_won_counts_in_full_whatever_its_priority():
    ledger = [
        target(10_000),
        opened("D-1", "quote", 2_000, priority="could"),
        event(StageChanged, "2026-10-05", deal="D-1", stage="won"),
        event(AmountChanged, "2026-10-06", deal="D-1", amount=2_500),  # won counts its amount at T
    ]
    result = forecast(ledger, "2026-10", end_of("2026-10-06"))
    assert result["won"] == pytest.approx(2_500)
    assert result["progress"] == pytest.approx(2_500)
    assert result["deals"]["D-1"] == (pytest.approx(2_500), False, True)  # big: >= 25% of 10k


def test_won_on_another_local_day_than_utc_is_counted_in_its_own_month():
    # 2026-09-30 23:30 at -05:00 is already October 1 in UTC; the event's own offset decides.
    ledger = [
        opened("D-1", "quote", 2_000, when="2026-09-01"),
        event(StageChanged, "2026-09-30", "23:30", EST, deal="D-1", stage="won"),
    ]
    assert forecast(ledger, "2026-10", end_of("2026-10-31"))["won"] == 0
    assert "D-1" not in forecast(ledger, "2026-10", end_of("2026-10-31"))["deals"]
    assert forecast(ledger, "2026-09", end_of("2026-10-31"))["won"] == pytest.approx(2_000)
    assert forecast(ledger, "2026-Q3", end_of("2026-10-31"))["won"] == pytest.approx(2_000)


def test_won_date_is_the_last_entry_into_a_won_stage_from_outside():
    ledger = [
        StageDefined(id="S", ts=at("2026-09-01"), stage="paid", rate=Decimal("1.0"), lead_days=0, position=9, kind="won"),
        opened("D-1", "quote", 1_000, when="2026-09-02"),
        event(StageChanged, "2026-09-10", deal="D-1", stage="won"),
        event(StageChanged, "2026-10-03", deal="D-1", stage="paid"),  # won to won: still won in September
        opened("D-2", "won", 500, when="2026-09-05"),  # opened won: won that day
        event(StageChanged, "2026-09-20", deal="D-2", stage="negotiation"),
        event(StageChanged, "2026-10-04", deal="D-2", stage="won"),  # back to won: won in October
    ]
    assert forecast(ledger, "2026-09", end_of("2026-10-31"))["won"] == pytest.approx(1_000)
    assert forecast(ledger, "2026-10", end_of("2026-10-31"))["won"] == pytest.approx(500)
    assert forecast(ledger, "2026-09", end_of("2026-09-30"))["won"] == pytest.approx(1_000)


def test_split_parent_leaves_and_its_parts_count():
    ledger = [
        opened("D-1", "quote", 10_000, close_date=dt.date(2026, 10, 20), account="Acme"),
        event(NoteAdded, "2026-10-02", deal="D-1", text="call", due=dt.date(2026, 10, 3)),
        event(DealSplit, "2026-10-03", deal="D-1", parts=[
            SplitPart(deal="D-1a", amount=6_000, priority="must"),
            SplitPart(deal="D-1b", amount=4_000, priority="must", close_date=dt.date(2026, 11, 5)),
        ]),
        event(StageChanged, "2026-10-04", deal="D-1a", stage="negotiation"),
    ]
    board = pipeline(ledger, end_of("2026-10-04"))
    assert set(board) == {"D-1a", "D-1b"}
    assert board["D-1a"] | {"last_change": None} == dict(
        name="D-1 name", owner="lan", account="Acme", stage="negotiation", amount=6_000,
        priority="must", close_date=dt.date(2026, 10, 20), next_action=None, due=None,
        version=2, last_change=None, days_since_change=0,
    )
    assert board["D-1b"]["version"] == 1 and board["D-1b"]["stage"] == "quote"
    assert board["D-1b"]["last_change"] == at("2026-10-03")
    assert board["D-1b"]["close_date"] == dt.date(2026, 11, 5)
    result = forecast(ledger, "2026-10", end_of("2026-10-04"))
    assert set(result["deals"]) == {"D-1a", "D-1b"}
    assert result["progress"] == pytest.approx(6_000 * 0.8)  # D-1b closes in November


def test_pipeline_fields_versions_and_notes():
    ledger = [
        opened("D-1", "lead", 100, priority="could"),
        event(PriorityChanged, "2026-10-02", deal="D-1", priority="should"),
        event(OwnerChanged, "2026-10-03", deal="D-1", owner="minh"),
        event(NoteAdded, "2026-10-04", deal="D-1", text="send quote", due=dt.date(2026, 10, 6)),
        event(NoteAdded, "2026-10-05", deal="D-1", text="call back"),  # replaces text and due
    ]
    assert pipeline(ledger, at("2026-10-01", "08:59")) == {}
    assert pipeline(ledger, at("2026-10-04"))["D-1"]["version"] == 4  # the event at T is known
    deal = pipeline(ledger, end_of("2026-10-07"))["D-1"]
    assert (deal["priority"], deal["owner"], deal["next_action"], deal["due"]) == ("should", "minh", "call back", None)
    assert (deal["version"], deal["days_since_change"]) == (5, 2)


def test_team_target_falls_back_to_the_sum_of_owners_latest():
    ledger = [
        target(10_000, owner="lan"),
        target(5_000, owner="minh"),
        target(12_000, owner="lan", when="2026-10-02"),  # replaces lan's 10k
        target(99_000, period="2026-11", owner="thu"),  # another period
    ]
    assert forecast(ledger, "2026-10", end_of("2026-10-02"))["target"] == pytest.approx(17_000)
    assert forecast(ledger, "2026-10", end_of("2026-10-01"))["target"] == pytest.approx(15_000)
    assert forecast(ledger, "2026-10", end_of("2026-10-02"), owner="lan")["target"] == pytest.approx(12_000)
    assert forecast(ledger, "2026-10", end_of("2026-10-02"), owner="thu")["target"] is None
    with_team = ledger + [target(20_000, when="2026-10-03")]
    assert forecast(with_team, "2026-10", end_of("2026-10-03"))["target"] == pytest.approx(20_000)


def test_owner_view_holds_the_deals_of_the_owner_at_t():
    ledger = [
        opened("D-1", "negotiation", 1_000, owner="lan"),
        opened("D-2", "negotiation", 2_000, owner="minh"),
        event(OwnerChanged, "2026-10-02", deal="D-1", owner="minh"),
    ]
    assert forecast(ledger, "2026-10", end_of("2026-10-01"), owner="lan")["progress"] == pytest.approx(800)
    assert forecast(ledger, "2026-10", end_of("2026-10-02"), owner="lan")["deals"] == {}
    assert forecast(ledger, "2026-10", end_of("2026-10-02"), owner="minh")["progress"] == pytest.approx(2_400)


def test_promotions_should_first_by_value_then_could_and_stop_once_covered():
    ledger = [
        target(5_000),
        opened("D-1", "won", 3_000, priority="must"),
        opened("D-2", "quote", 2_500, priority="should"),  # 1,500
        opened("D-3", "negotiation", 1_125, priority="should"),  # 900
        opened("D-4", "quote", 5_000, priority="could"),  # 3,000, but a could-have
        opened("D-5", "proposal", 5_000, priority="should"),  # 2,000 but cannot close with 14 days left
        opened("D-6", "quote", 1_500, priority="should"),  # 900: ties with D-3, after it by id
    ]
    result = forecast(ledger, "2026-10", end_of("2026-10-17"))
    assert result["needed"] == pytest.approx(2_000)
    assert result["promotions"] == ["D-2", "D-3"]  # 1,500 + 900 >= 2,000
    higher = forecast(ledger + [target(10_000, when="2026-10-02")], "2026-10", end_of("2026-10-17"))
    assert higher["promotions"] == ["D-2", "D-3", "D-6", "D-4"]  # 6,300 < 7,000: all of them
    lower = forecast(ledger + [target(3_000, when="2026-10-02")], "2026-10", end_of("2026-10-17"))
    assert lower["on_track"] is True and lower["promotions"] == []


def test_coverage_counts_must_open_amounts_whether_they_count_or_not():
    ledger = [
        target(10_000),
        opened("D-1", "won", 1_000, priority="should"),
        opened("D-2", "lead", 2_000),  # open must, too slow: coverage yes, progress no
        opened("D-3", "quote", 3_000, close_date=dt.date(2026, 12, 1)),  # open must, closes later
        opened("D-4", "inactive", 4_000),  # not open
        opened("D-5", "lost", 5_000),
        opened("D-6", "negotiation", 500, priority="should"),
    ]
    result = forecast(ledger, "2026-10", end_of("2026-10-20"))
    assert result["coverage"] == pytest.approx((1_000 + 2_000 + 3_000) / 10_000)
    assert result["progress"] == pytest.approx(1_000)
    assert set(result["deals"]) == {"D-1", "D-2", "D-3", "D-4", "D-6"}  # lost is not listed


def test_stage_table_at_t_and_quarters():
    ledger = [
        target(30_000, period="2026-Q4"),
        opened("D-1", "proposal", 10_000, close_date=dt.date(2026, 12, 15)),
        StageDefined(id="S", ts=at("2026-10-05"), stage="proposal", rate=Decimal("0.5"), lead_days=50, position=3),
    ]
    before = forecast(ledger, "2026-Q4", end_of("2026-10-04"))
    assert (before["progress"], before["target"]) == (pytest.approx(4_000), pytest.approx(30_000))
    after = forecast(ledger, "2026-Q4", end_of("2026-10-05"))
    assert after["progress"] == pytest.approx(5_000)  # Oct 5 + 50 days = Nov 24, inside Q4
    assert forecast(ledger, "2026-Q4", end_of("2026-11-20"))["progress"] == 0  # Nov 20 + 50 > Dec 31
    assert forecast(ledger, "2026-10", end_of("2026-10-05"))["progress"] == 0


def test_big_threshold_defaults_to_a_quarter_of_the_view_target_or_big_at():
    ledger = [target(8_000), opened("D-1", "quote", 2_000), opened("D-2", "quote", Decimal("1999.99"))]
    result = forecast(ledger, "2026-10", end_of("2026-10-01"))
    assert (result["deals"]["D-1"][2], result["deals"]["D-2"][2]) == (True, False)
    assert forecast(ledger, "2026-10", end_of("2026-10-01"), big_at=1_000)["deals"]["D-2"][2] is True
    assert forecast(ledger[1:], "2026-10", end_of("2026-10-01"))["deals"]["D-1"][2] is False
