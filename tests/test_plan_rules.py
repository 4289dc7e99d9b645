"""Planning rules against figures worked by hand: seasonality, the spread, existing customers, activity, live deals."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import line, opened
from queries import Store, plan_inputs
from queries.activity import ClosedDeal, activity, lookback_months, working_days_left
from queries.live import OpenDeal, live_opportunities, load_flag
from queries.plan import PlanError, Seasonality, WonDeal, complete_years, plan_year, seasonality, spread
from queries.workdays import HolidayError, team_holidays

D = Decimal


def ts(day: str) -> str:
    return f"{day}T10:00:00+07:00"


# The ledger of the hand-worked figures (today: 2026-03-10; complete years 2024 and 2025):
#   D-1 Acme  lan   1000 won 2024-01-05      D-4 (no account) minh 4000 won 2025-12-01
#   D-2 Beta  minh  3000 won 2025-01-20      D-5 Beta  minh  500 won 2026-02-01
#   D-3 Acme  lan   2000 won 2025-06-15      D-6 lost 2025-12-20 (lan, 700); D-7 open quote must 5000 (lan)
#   a team target of 10000 for 2026-03.
LINES = [
    opened("o1", "D-1", ts("2024-01-02"), account="Acme", amount=1000),
    line("stage_changed", "s1", ts("2024-01-05"), deal="D-1", stage="won"),
    opened("o2", "D-2", ts("2025-01-10"), account="Beta", owner="minh", amount=3000),
    line("stage_changed", "s2", ts("2025-01-20"), deal="D-2", stage="won"),
    opened("o3", "D-3", ts("2025-06-01"), account="Acme", amount=2000),
    line("stage_changed", "s3", ts("2025-06-15"), deal="D-3", stage="won"),
    opened("o4", "D-4", ts("2025-11-20"), owner="minh", amount=4000),
    line("stage_changed", "s4", ts("2025-12-01"), deal="D-4", stage="won"),
    opened("o6", "D-6", ts("2025-12-02"), amount=700),
    line("stage_changed", "s6", ts("2025-12-20"), deal="D-6", stage="lost"),
    opened("o5", "D-5", ts("2026-01-15"), account="Beta", owner="minh", amount=500),
    line("stage_changed", "s5", ts("2026-02-01"), deal="D-5", stage="won"),
    line("target_set", "t1", ts("2026-03-01"), period="2026-03", amount=10000),
    opened("o7", "D-7", ts("2026-03-02"), amount=5000),
]
TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def store(write_ledger):
    with Store.open(write_ledger(*LINES), cache=False) as store:
        yield store


@pytest.fixture
def as_of(store):
    return store.as_of("2026-03-10")


def test_inputs_read_from_the_ledger(store, as_of):
    won = plan_inputs.won_deals(store, as_of, dt.date(2024, 1, 1))
    assert [(w.deal, w.account, w.owner, w.won_day, w.amount) for w in won] == [
        ("D-1", "Acme", "lan", dt.date(2024, 1, 5), 1000), ("D-2", "Beta", "minh", dt.date(2025, 1, 20), 3000),
        ("D-3", "Acme", "lan", dt.date(2025, 6, 15), 2000), ("D-4", None, "minh", dt.date(2025, 12, 1), 4000),
        ("D-5", "Beta", "minh", dt.date(2026, 2, 1), 500)]
    assert all(isinstance(w.amount, Decimal) for w in won)
    closed = plan_inputs.closed_deals(store, as_of, dt.date(2025, 12, 1))
    assert [(c.deal, c.kind, c.closed_day) for c in closed] == [
        ("D-4", "won", dt.date(2025, 12, 1)), ("D-6", "lost", dt.date(2025, 12, 20)), ("D-5", "won", dt.date(2026, 2, 1))]
    assert plan_inputs.first_day(store) == dt.date(2024, 1, 2)
    assert plan_inputs.needed(store, "2026-03", as_of, None) == (D(10000), D(7000))  # 10000 - 5000 x 0.6
    assert plan_inputs.needed(store, "2026-03", as_of, "lan") == (None, None)  # lan has no target
    assert plan_inputs.open_deals(store, as_of) == [OpenDeal(deal="D-7", name="Deal D-7", owner="lan", next_action=None)]


def test_team_plan_by_hand(store, as_of):
    won = plan_inputs.won_deals(store, as_of, dt.date(2024, 1, 1))
    plan = plan_year(2026, D(1_000_001), won, TODAY, plan_inputs.first_day(store))
    # 2024 and 2025: January 1000 + 3000, June 2000, December 4000 (D-5, won in 2026, is not history)
    assert plan.seasonality.years == [2024, 2025]
    assert plan.seasonality.weights[0] == D("0.4") and plan.seasonality.weights[5] == D("0.2")
    targets = [m.target for m in plan.months]
    # January 400000.4 -> 400000, June 200000.2 -> 200000, December the rest: 1000001 - 600000
    assert targets == [400000, 0, 0, 0, 0, 200000, 0, 0, 0, 0, 0, 400001]
    # the 12 months to 2026-03-10: Acme 2000 (D-3), Beta 500 (D-5); D-2 is older, D-4 has no account
    assert [(a.account, a.won_last_12_months, a.expected) for a in plan.existing_accounts] == [
        ("Acme", 2000, 1400), ("Beta", 500, 350)]
    assert plan.existing_expected == 1750 and plan.new_business_needed == 1_000_001 - 1750


def test_one_persons_plan_by_hand(store, as_of):
    won = plan_inputs.won_deals(store, as_of, dt.date(2024, 1, 1))
    plan = plan_year(2026, D(10000), won, TODAY, plan_inputs.first_day(store), owner="lan", retention=D("0.5"))
    # lan: January 1000 (D-1), June 2000 (D-3): 3333.33 -> 3333, 6666.67 -> 6667, December 0
    assert [m.target for m in plan.months if m.target] == [3333, 6667]
    assert plan.months[-1].target == 0
    assert [(a.account, a.expected) for a in plan.existing_accounts] == [("Acme", 1000)]
    assert plan.new_business_needed == 9000


def test_complete_years():
    assert complete_years(TODAY, dt.date(2024, 1, 2), 2026) == [2024, 2025]
    assert complete_years(TODAY, dt.date(2024, 2, 1), 2026) == [2025]  # 2024 not covered from January
    assert complete_years(TODAY, dt.date(2020, 5, 1), 2027) == [2024, 2025]  # the last two only
    assert complete_years(TODAY, dt.date(2026, 1, 1), 2027) == []  # 2026 has not ended
    assert complete_years(TODAY, None, 2027) == []
    assert complete_years(TODAY, dt.date(2020, 1, 1), 2023) == [2021, 2022]  # years before the planned one


def test_equal_weights_without_history():
    season = seasonality([], [])
    months = spread(D(1_000_000), season, 2027)
    # 1000000 / 12 = 83333.33 -> 83333 eleven times; December 1000000 - 916663
    assert [m.target for m in months] == [83333] * 11 + [83337]
    assert [m.period for m in months][:2] == ["2027-01", "2027-02"]
    assert seasonality([WonDeal(deal="x", account=None, owner="a", won_day=dt.date(2025, 3, 1), amount=D(0))],
                       [2025]).years == []  # nothing won in the years: equal weights


def test_halves_round_up_and_cents_go_to_december():
    season = Seasonality(years=[2025], won_by_month=[D(1)] * 12, weights=[D(1) / 12] * 12)
    with pytest.raises(PlanError, match="December below 0"):
        spread(D(18), season, 2026)  # 1.5 -> 2 eleven times is 22 > 18
    assert [m.target for m in spread(D("120.50"), season, 2026)] == [10] * 11 + [D("10.50")]
    quarter = Seasonality(years=[2025], won_by_month=[D(1)] + [D(0)] * 10 + [D(3)],
                          weights=[D("0.25")] + [D(0)] * 10 + [D("0.75")])
    assert [m.target for m in spread(D(10), quarter, 2026)] == [3] + [0] * 10 + [7]  # 2.5 -> 3, not 2


def test_retention_out_of_range():
    with pytest.raises(PlanError, match="from 0 to 1"):
        plan_year(2027, D(1), [], TODAY, None, retention=D("1.5"))


amounts = st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False, allow_infinity=False)


@given(target=amounts, won=st.lists(st.decimals(min_value=0, max_value=10**9, places=2), min_size=12, max_size=12))
def test_the_months_add_up_to_the_year(target, won):
    total = sum(won, D(0))
    season = Seasonality(years=[2025] if total else [], won_by_month=won,
                         weights=[w / total for w in won] if total else [D(1) / 12] * 12)
    try:
        months = spread(target, season, 2027)
    except PlanError:
        # only when January to November, each rounded half up, already pass the target
        shares = [target * w / total if total else target / 12 for w in won[:11]]
        assert sum(s.quantize(D(1), rounding=ROUND_HALF_UP) for s in shares) > target
        return
    assert sum(m.target for m in months) == target
    assert all(m.target >= 0 for m in months)
    assert all(m.target == m.target.to_integral_value() for m in months[:11])


def test_activity_by_hand(store, as_of):
    closed = plan_inputs.closed_deals(store, as_of, lookback_months(TODAY)[0])
    result = activity("2026-03", None, TODAY, dt.date(2026, 3, 1), dt.date(2026, 3, 31), D(7000), closed,
                      holidays=[dt.date(2026, 3, 16)])
    # December to February: won D-4 4000 and D-5 500, lost D-6
    assert result.lookback == (dt.date(2025, 12, 1), dt.date(2026, 2, 28))
    assert (result.deals_won, result.deals_lost) == (2, 1)
    assert result.average_deal_size == 2250 and result.win_rate == D(2) / 3
    assert result.deals_needed == 4  # ceil(7000 / 2250 = 3.11)
    assert result.opportunities_needed == 6  # ceil(4 / (2/3))
    # Tue 10 to Tue 31 March: 4 + 5 + 5 + 5 + 2 = 16 weekdays less the 16th
    assert result.working_days_left == 15
    assert result.per_working_day == D(6) / 15
    assert result.missing == []


def test_activity_order_value_and_missing_figures():
    closed = [ClosedDeal(deal="a", owner="lan", kind="lost", closed_day=dt.date(2026, 2, 3), amount=D(10))]
    base = dict(period="2026-03", owner=None, today=TODAY, period_start=dt.date(2026, 3, 1),
                period_end=dt.date(2026, 3, 31), closed=closed)
    with_value = activity(**base, needed=D(4001), order_value=D(2000))
    assert with_value.average_deal_size == 2000 and with_value.deals_needed == 3
    assert with_value.win_rate == 0 and with_value.opportunities_needed is None
    assert "no win rate" in with_value.missing[0]
    assert activity(**base, needed=None).deals_needed is None
    on_track = activity(**base, needed=D(0))
    assert (on_track.deals_needed, on_track.opportunities_needed, on_track.per_working_day) == (0, 0, 0)
    no_size = activity(**base, needed=D(5))
    assert no_size.deals_needed is None and "no average deal size" in no_size.missing[0]
    ended = activity(**{**base, "today": dt.date(2026, 4, 2)}, needed=D(1), order_value=D(1))
    assert ended.working_days_left == 0


def test_working_days():
    assert working_days_left(dt.date(2026, 2, 20), dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == 22  # not begun
    assert working_days_left(dt.date(2026, 3, 7), dt.date(2026, 3, 1), dt.date(2026, 3, 8)) == 0  # a weekend
    assert working_days_left(dt.date(2026, 3, 6), dt.date(2026, 3, 1), dt.date(2026, 3, 8)) == 1  # today counts
    vn = team_holidays("vn", [2026], [dt.date(2026, 12, 24)])
    assert {dt.date(2026, 9, 2), dt.date(2026, 2, 17), dt.date(2026, 12, 24)} <= vn
    with pytest.raises(HolidayError, match="ISO 3166"):
        team_holidays("Narnia", [2026])


def test_live_opportunities():
    assert [load_flag(n) for n in (0, 5, 6, 8, 9)] == ["too few", "too few", None, None, "too many"]
    deals = [OpenDeal(deal=f"D-{i}", name="x", owner="lan", next_action="call") for i in range(9)]
    deals += [OpenDeal(deal="M-2", name="y", owner="minh", next_action="  "),
              OpenDeal(deal="M-1", name="z", owner="minh", next_action=None)]
    live = live_opportunities(deals, people=["lan", "minh", "tuan"])
    assert [(p.owner, p.open_deals, p.flag) for p in live.people] == [
        ("lan", 9, "too many"), ("minh", 2, "too few"), ("tuan", 0, "too few")]
    assert [d.deal for d in live.no_next_action] == ["M-1", "M-2"]
    assert [p.owner for p in live_opportunities(deals, ["tuan"], owner="minh").people] == ["minh"]


def test_the_planning_modules_pull_in_no_textual():
    from test_boundaries import loaded_after_import

    for module in ("queries.plan", "queries.activity", "queries.live", "queries.plan_inputs", "queries.workdays"):
        assert "textual" not in loaded_after_import(module), module
