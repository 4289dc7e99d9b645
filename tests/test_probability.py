"""The probability of making the target and its percentiles: against every subset, by hand, and simulated."""

from __future__ import annotations

import itertools
import math
from decimal import Decimal as D
from fractions import Fraction

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queries import probability
from queries.probability import LEVELS, exact_distribution, simulated_distribution, target_odds


def enumerate_subsets(won, deals):
    """Every subset of the deals: total -> exact probability (the definition, by brute force)."""
    subsets = [(won, Fraction(1))]  # (total, probability) of each subset of the deals seen so far
    for amount, rate in deals:
        p = Fraction(rate)
        subsets = [(total, q * (1 - p)) for total, q in subsets] + [(total + amount, q * p) for total, q in subsets]
    dist: dict[D, Fraction] = {}
    for total, p in subsets:
        if p:
            dist[total] = dist.get(total, 0) + p
    return dist


def percentile_of(dist, level):
    cumulative = Fraction(0)
    for total in sorted(dist):
        cumulative += dist[total]
        if cumulative >= level:
            return total
    raise AssertionError("a distribution adds up to 1")


def at_least(dist, target):
    return sum((p for total, p in dist.items() if total >= target), Fraction(0))


# -- against every subset ----------------------------------------------------------------------

rates = st.one_of(
    st.sampled_from([D("0"), D("1"), D("0.1"), D("0.2"), D("0.5"), D("0.6"), D("0.8"), D("0.9")]),
    st.integers(0, 1000).map(lambda k: D(k).scaleb(-3)),
)
amounts = st.one_of(
    st.integers(0, 40).map(lambda k: D(k * 500)),  # round amounts: totals merge (the dense path)
    st.integers(0, 6_000_000).map(lambda cents: D(cents).scaleb(-2)),  # cents: totals rarely merge
    st.integers(0, 99_999).map(lambda k: D(k).scaleb(-4)),  # the ledger's finest scale
)
pipelines = st.lists(st.tuples(amounts, rates), max_size=15)


@settings(max_examples=60, deadline=None)
@given(won=amounts, pipeline=pipelines, target=st.one_of(st.none(), amounts, st.integers(0, 400_000).map(D)))
def test_exact_equals_enumeration_of_every_subset(won, pipeline, target):
    truth = enumerate_subsets(won, pipeline)
    dist = exact_distribution(won, pipeline, fractions=True)
    assert {dist.money(t): w for t, w in zip(dist.totals, dist.weights)} == truth
    for level in LEVELS:
        assert dist.percentile(level) == percentile_of(truth, level)
    if target is not None:
        assert dist.probability_at_least(target) == at_least(truth, target)
    # the float pipeline gives the same percentiles and the probability to float precision
    odds = target_odds(won, target, pipeline, method="exact")
    assert odds.method == "exact" and odds.draws == 0 and odds.error == 0
    slack = float(exact_distribution(won, pipeline).slack)
    assert slack < 1e-10
    for level, got in zip(LEVELS, (odds.p10, odds.p50, odds.p90)):
        if got != percentile_of(truth, level):  # only where the exact cumulative is within slack of a level
            upto = sum((p for t, p in truth.items() if t <= got), Fraction(0))
            below = sum((p for t, p in truth.items() if t < got), Fraction(0))
            assert upto >= level - 2 * Fraction(slack) and below < level
    if target is None:
        assert odds.probability is None
    else:
        assert odds.probability == pytest.approx(float(at_least(truth, target)), abs=1e-12)


def test_both_convolutions_match_enumeration():
    round_ = [(D(500 * k), D("0.3")) for k in (1, 2, 2, 7, 9, 12)]
    cents = [(D("1234.56") + k, D("0.15") * (k % 6 + 1)) for k in range(12)]
    dense, sparse = probability._work(probability._in_units(D(0), round_)[2])
    assert dense < sparse  # totals on a small grid: a list over every total
    dense, sparse = probability._work(probability._in_units(D(0), cents)[2])
    assert sparse < dense  # cents: a dict of the totals that occur
    for pipeline in (round_, cents):
        truth = enumerate_subsets(D("7"), pipeline)
        dist = exact_distribution(D("7"), pipeline, fractions=True)
        assert {dist.money(t): w for t, w in zip(dist.totals, dist.weights)} == truth


# -- worked by hand ----------------------------------------------------------------------------

def test_hand_worked_two_deals():
    # won 2,000; A = 5,000 at 60%, B = 3,000 at 50%.
    #   neither: 2,000  p = 0.4 x 0.5 = 0.2      cumulative 0.2
    #   B only:  5,000  p = 0.4 x 0.5 = 0.2      cumulative 0.4
    #   A only:  7,000  p = 0.6 x 0.5 = 0.3      cumulative 0.7
    #   both:   10,000  p = 0.6 x 0.5 = 0.3      cumulative 1.0
    # P(total >= 10,000) = 0.3; p10 = 2,000 (0.2 >= 0.1); p50 = 7,000; p90 = 10,000.
    odds = target_odds(D("2000"), D("10000"), [(D("5000"), D("0.6")), (D("3000"), D("0.5"))])
    assert odds.probability == pytest.approx(0.3, abs=1e-15)
    assert (odds.p10, odds.p50, odds.p90) == (D("2000"), D("7000"), D("10000"))
    assert (odds.method, odds.draws, odds.error, odds.confidence) == ("exact", 0, 0.0, 1.0)


def test_hand_worked_cents_and_a_level_met_exactly():
    # won 100.10; three deals of 100.10 at 50%: the number won K is binomial(3, 1/2):
    #   K = 0: 100.10 p 1/8 (cum 1/8)   K = 1: 200.20 p 3/8 (cum 1/2)
    #   K = 2: 300.30 p 3/8 (cum 7/8)   K = 3: 400.40 p 1/8 (cum 1)
    # target 300.30 needs K >= 2: 1/2 (a tie with the target counts). p10 = 100.10 (1/8 >= 1/10);
    # p50 = 200.20 (cumulative exactly 1/2: the smallest total that reaches it); p90 = 400.40.
    deals = [(D("100.10"), D("0.5"))] * 3
    dist = exact_distribution(D("100.10"), deals, fractions=True)
    assert dist.probability_at_least(D("300.30")) == Fraction(1, 2)
    assert dist.probability_at_least(D("300.31")) == Fraction(1, 8)
    odds = target_odds(D("100.10"), D("300.30"), deals)
    assert odds.probability == 0.5
    assert (odds.p10, odds.p50, odds.p90) == (D("100.10"), D("200.20"), D("400.40"))


def test_hand_worked_a_level_float_sums_miss_by_a_hair():
    # won 0; 1,000 at 90% and 250.25 at 20%.
    #   neither: 0        p = 0.1 x 0.8 = 0.08   cumulative 0.08
    #   small:   250.25   p = 0.1 x 0.2 = 0.02   cumulative 0.10  <- exactly the 10th percentile
    #   big:     1,000    p = 0.9 x 0.8 = 0.72   cumulative 0.82
    #   both:    1,250.25 p = 0.9 x 0.2 = 0.18   cumulative 1.00
    # In floats 0.08 + 0.02 falls a hair short of 0.1; p10 must still be 250.25.
    deals = [(D("1000"), D("0.9")), (D("250.25"), D("0.2"))]
    odds = target_odds(D(0), D("1250.25"), deals)
    assert (odds.p10, odds.p50, odds.p90) == (D("250.25"), D("1000"), D("1250.25"))
    assert odds.probability == pytest.approx(0.18, abs=1e-15)


def test_the_method_pages_worked_example():
    # docs/method.md, 10 November: 8,000 won, target 30,000; D-2 12,000 and D-4 9,000 at 80%,
    # D-1 5,000, D-9 4,000 and D-6 6,000 at 60%. Reaching 30,000 needs 22,000 more:
    #   both 80% deals (0.64): 21,000, plus any 60% deal: 1 - 0.4^3 = 0.936      -> 0.59904
    #   only D-2 (0.16): needs 10,000 of 5/4/6k: D-1+D-6, D-9+D-6 (0.144 each) or all three (0.216)
    #                    = 0.504                                                 -> 0.08064
    #   only D-4 (0.16): needs 13,000: all three 60% deals (0.216)               -> 0.03456
    #   neither: 15,000 at most                                                  -> 0
    # 0.59904 + 0.08064 + 0.03456 = 0.71424 = 2232/3125; the page's percentiles: 23,000, 35,000, 44,000.
    deals = [(D(12000), D("0.8")), (D(9000), D("0.8")), (D(5000), D("0.6")), (D(4000), D("0.6")), (D(6000), D("0.6"))]
    assert exact_distribution(D(8000), deals, fractions=True).probability_at_least(D(30000)) == Fraction(2232, 3125)
    odds = target_odds(D(8000), D(30000), deals)
    assert odds.probability == pytest.approx(0.71424, abs=1e-15)
    assert (odds.p10, odds.p50, odds.p90) == (D(23000), D(35000), D(44000))


# -- edge cases --------------------------------------------------------------------------------

def test_no_open_deals():
    odds = target_odds(D("500"), D("1000"), [])
    assert odds.probability == 0.0
    assert odds.p10 == odds.p50 == odds.p90 == D("500")


def test_target_already_met_by_won():
    odds = target_odds(D("1000"), D("1000"), [(D("400"), D("0.3"))])
    assert odds.probability == 1.0
    assert (odds.p10, odds.p90) == (D("1000"), D("1400"))


def test_a_target_already_met_is_certain_exactly():
    deals = [(D("123.45") + k, D("0.1") * (k % 9 + 1)) for k in range(12)]
    assert target_odds(D("1000"), D("999.99"), deals).probability == 1.0
    assert target_odds(D("1000"), D("1000"), deals, method="simulated", draws=100).probability == 1.0


def test_no_target():
    odds = target_odds(D("10"), None, [(D("400"), D("0.5"))])
    assert odds.probability is None
    assert (odds.p10, odds.p50, odds.p90) == (D("10"), D("10"), D("410"))


def test_rates_zero_and_one():
    deals = [(D("700"), D("0")), (D("300"), D("1")), (D("50"), D("1"))]
    odds = target_odds(D("0"), D("350"), deals)
    assert odds.probability == 1.0
    assert odds.p10 == odds.p50 == odds.p90 == D("350")
    assert target_odds(D("0"), D("351"), deals).probability == 0.0


def test_equal_amounts_are_binomial():
    deals = [(D("100"), D("0.3"))] * 10
    dist = exact_distribution(D(0), deals, fractions=True)
    p = Fraction(3, 10)
    binomial = [math.comb(10, k) * p**k * (1 - p) ** (10 - k) for k in range(11)]
    assert dist.probability_at_least(D("500")) == sum(binomial[5:])
    assert dist.totals == list(range(11)) and dist.unit == D("100")


def test_totals_stay_exact_at_the_ledgers_extremes():
    base = D("10000000000000")  # 10^13, the largest amount a ledger holds
    deals = [(D("0.0001"), D("0.5")), (D("0.0002"), D("0.5")), (base, D("0.5"))]
    # the small ones add 0, 0.0001, 0.0002 or 0.0003 (1/4 each), the big one 0 or 10^13 (1/2 each):
    # cumulative 1/8, 2/8, 3/8, 4/8 below 2 x 10^13, then 5/8 .. 8/8; 7/8 < 0.9 at +0.0002.
    # P(>= base + 0.0003) = P(both small) + P(big, not both small) = 1/4 + 1/2 x 3/4 = 0.625.
    odds = target_odds(base, base + D("0.0003"), deals)
    assert (odds.p10, odds.p50) == (base, base + D("0.0003"))
    assert odds.p90 == D("20000000000000.0003")
    assert odds.probability == 0.625


def test_zero_amounts_change_nothing():
    assert target_odds(D(5), D(5), [(D(0), D("0.5"))] * 3) == target_odds(D(5), D(5), [])


@pytest.mark.parametrize("won, target, deals, what", [
    (D(0), D(1), [(D("-1"), D("0.5"))], "open deal #0: amount"),
    (D(0), D(1), [(D(1), D("0.5")), (D(1), D("1.5"))], "open deal #1: rate"),
    (D(0), D(1), [(1.5, D("0.5"))], "open deal #0: amount"),
    (D(0), D(1), [(D(1), 0.5)], "open deal #0: rate"),
    (D("NaN"), D(1), [], "won"),
    (D(0), 100.0, [], "target"),
])
def test_bad_input_is_refused_with_what_and_where(won, target, deals, what):
    with pytest.raises(ValueError, match=what):
        target_odds(won, target, deals)


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method must be"):
        target_odds(D(0), D(1), [], method="guess")


def test_the_result_encodes_as_json_with_exact_totals():
    odds = target_odds(D("0.10"), D("1"), [(D("0.20"), D("0.5"))])
    assert msgspec.json.decode(msgspec.json.encode(odds)) == {
        "probability": 0.0, "p10": "0.10", "p50": "0.10", "p90": "0.30",
        "method": "exact", "draws": 0, "error": 0.0, "confidence": 1.0,
    }


# -- the simulation and its stated error -------------------------------------------------------

SIMULATED = [(D("1234.56") + 37 * k, D(["0.1", "0.2", "0.3", "0.4", "0.6", "0.8"][k % 6])) for k in range(12)]


def check_simulation_error(pipeline, seeds=range(300), draws=2048):
    """Over fixed seeds: how often the stated error holds, and the mean simulated probability's bias."""
    won, target = D("100"), D("7000")
    exact = exact_distribution(won, pipeline, fractions=True)
    truth = float(exact.probability_at_least(target))
    cdf = {exact.money(t): float(c) for t, c in zip(exact.totals, itertools.accumulate(exact.weights))}
    held, probabilities = 0, []
    for seed in seeds:
        odds = target_odds(won, target, pipeline, method="simulated", draws=draws, seed=seed)
        assert odds.method == "simulated" and odds.draws == draws and odds.confidence == 0.95
        assert odds.error == pytest.approx(math.sqrt(math.log(40) / (2 * draws)), rel=1e-6)
        probabilities.append(odds.probability)
        ok = abs(odds.probability - truth) <= odds.error
        for level, got in zip(LEVELS, (odds.p10, odds.p50, odds.p90)):
            below = max((c for t, c in cdf.items() if t < got), default=0.0)
            ok &= cdf[got] >= float(level) - odds.error and below < float(level) + odds.error
        held += ok
    return held / len(seeds), sum(probabilities) / len(probabilities), truth


def test_simulation_stated_error_holds_at_the_stated_confidence():
    share, mean, truth = check_simulation_error(SIMULATED)
    assert 0.2 < truth < 0.8  # a target in the thick of the distribution, where draws vary most
    assert share >= 0.95
    # and no bias: 300 draws of 2048 each, their mean's standard error is about 0.0006
    assert abs(mean - truth) < 0.003


@pytest.mark.parametrize("slot", [96, 128])
def test_simulation_with_wide_slots(monkeypatch, slot):
    monkeypatch.setattr(probability, "_slot_bits", lambda span: slot)  # as for totals beyond 2^63 units
    share, mean, truth = check_simulation_error(SIMULATED, seeds=range(60))
    assert share >= 0.95 and abs(mean - truth) < 0.006


def test_simulation_is_reproducible_and_its_draws_are_all_counted():
    a = simulated_distribution(D(0), SIMULATED, draws=5000, seed=3)
    b = simulated_distribution(D(0), SIMULATED, draws=5000, seed=3)
    assert (a.totals, a.weights) == (b.totals, b.weights)
    assert sum(a.weights) == a.denominator == 5000
    assert simulated_distribution(D(0), SIMULATED, draws=5000, seed=4).weights != a.weights


def test_auto_simulates_only_beyond_the_exact_budget():
    cents = [(D("1000.01") + k, D("0.5")) for k in range(40)]  # 2^40 totals: no exact way
    odds = target_odds(D(0), D("20000"), cents)
    assert odds.method == "simulated" and odds.draws == probability.default_draws(40)
    assert odds.error == pytest.approx(probability.simulation_error(odds.draws, 40))
    rounds = [(D(500 * (k % 9 + 1)), D("0.5")) for k in range(200)]
    assert target_odds(D(0), D("20000"), rounds).method == "exact"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 500), max_size=80), st.integers(0, 50_000))
def test_work_with_a_limit_stops_only_when_both_bounds_are_past_it(units, limit):
    ints = [(u, None) for u in sorted(units)]
    full, stopped = probability._work(ints), probability._work(ints, limit=limit)
    if min(full) <= limit:
        assert stopped == full  # the answer `auto` weighs is never cut short under the limit
    else:
        assert min(stopped) > limit and stopped[0] <= full[0] and stopped[1] <= full[1]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 3_000), st.sampled_from(["0.1", "0.2", "0.4", "0.6", "0.8", "0.123457"])),
                min_size=1, max_size=40),
       st.integers(0, 10**6))
def test_the_dense_convolution_on_numpy_is_the_pure_python_one_to_the_last_bit(pipeline, won):
    import numpy

    deals = [(D(units) * D("0.01"), D(rate)) for units, rate in pipeline]
    base, unit, ints = probability._in_units(D(won), deals)
    saved = probability.NUMPY_MIN_WORK
    try:
        probability.NUMPY_MIN_WORK = 10**18  # never: the list comprehension
        by_lists = probability._exact(base, unit, ints, fractions=False)
    finally:
        probability.NUMPY_MIN_WORK = saved
    by_arrays = probability._exact_dense_numpy(numpy, base, unit, ints)
    assert by_arrays.totals == by_lists.totals
    assert [w.hex() for w in by_arrays.weights] == [w.hex() for w in by_lists.weights]
    assert all(type(w) is float for w in by_arrays.weights) and by_arrays.slack == by_lists.slack


def test_a_forecast_never_imports_numpy_but_uses_it_once_imported(monkeypatch):
    import subprocess
    import sys

    deals = [(D(100 * (k % 37 + 1)), D("0.4")) for k in range(60)]  # round hundreds: exact, dense
    assert probability.exact_work(deals) >= probability.NUMPY_MIN_WORK
    code = ("import sys; from decimal import Decimal as D; from queries.probability import target_odds; "
            "o = target_odds(D(0), D(50000), [(D(100 * (k % 37 + 1)), D('0.4')) for k in range(60)]); "
            "print(o.method, 'numpy' in sys.modules)")
    alone = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert alone.stdout.split() == ["exact", "False"]  # a forecast alone: no numpy import
    calls = []
    real = probability._exact_dense_numpy
    monkeypatch.setattr(probability, "_exact_dense_numpy", lambda *a: calls.append(1) or real(*a))
    monkeypatch.setattr(probability, "_numpy_if_imported", lambda: None)
    by_lists = target_odds(D(0), D(50_000), deals)
    assert calls == []
    monkeypatch.undo()
    monkeypatch.setattr(probability, "_exact_dense_numpy", lambda *a: calls.append(1) or real(*a))
    assert probability.use_numpy()
    assert target_odds(D(0), D(50_000), deals) == by_lists and calls == [1]  # once imported: numpy, the same odds
