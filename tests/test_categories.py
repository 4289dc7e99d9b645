"""Forecast categories (commit, best case, pipeline): by hand, and exact against Fractions."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.categories import forecast_categories


def test_categories_worked_by_hand():
    # won 1,000; must 5,000 at 60% = 3,000; should 2,000 at 50% = 1,000; could 10,000 at 10% = 1,000;
    # another must 100.10 at 30% = 30.03.
    # commit = 1,000 + 3,000 + 30.03 = 4,030.03; best case = + 1,000 = 5,030.03; pipeline = + 1,000
    deals = [(D("5000"), D("0.6"), "must"), (D("2000"), D("0.5"), "should"), (D("10000"), D("0.1"), "could"),
             (D("100.10"), D("0.3"), "must")]
    got = forecast_categories(D("1000"), deals)
    assert (got.commit, got.best_case, got.pipeline) == (D("4030.03"), D("5030.03"), D("6030.03"))
    assert msgspec.json.decode(msgspec.json.encode(got)) == {
        "commit": "4030.030", "best_case": "5030.030", "pipeline": "6030.030"}


def test_the_method_pages_worked_example():
    # docs/method.md, 10 November: 8,000 won; must D-1 5,000 at 60% and D-2 12,000 at 80%, should
    # D-4 9,000 at 80% and D-9 4,000 at 60%, could D-6 6,000 at 60% (the deals that can close):
    # commit 8,000 + 3,000 + 9,600 = 20,600; best case + 7,200 + 2,400 = 30,200; pipeline + 3,600 = 33,800
    deals = [(D(5000), D("0.6"), "must"), (D(12000), D("0.8"), "must"), (D(9000), D("0.8"), "should"),
             (D(4000), D("0.6"), "should"), (D(6000), D("0.6"), "could")]
    got = forecast_categories(D(8000), deals)
    assert (got.commit, got.best_case, got.pipeline) == (D(20600), D(30200), D(33800))


def test_no_deals_is_what_is_won():
    got = forecast_categories(D("12.5"), [])
    assert got.commit == got.best_case == got.pipeline == D("12.5")


money = st.integers(0, 10**17).map(lambda k: D(k).scaleb(-4))  # up to 10^13, four decimals
deal = st.tuples(money, st.integers(0, 1000).map(lambda k: D(k).scaleb(-3)),
                 st.sampled_from(["must", "should", "could"]))


@settings(max_examples=200)
@given(won=money, deals=st.lists(deal, max_size=30))
def test_categories_are_exact_and_nested(won, deals):
    def total(priorities):
        return Fraction(won) + sum((Fraction(a) * Fraction(r) for a, r, p in deals if p in priorities), Fraction(0))

    got = forecast_categories(won, deals)
    assert Fraction(got.commit) == total({"must"})
    assert Fraction(got.best_case) == total({"must", "should"})
    assert Fraction(got.pipeline) == total({"must", "should", "could"})
    assert got.commit <= got.best_case <= got.pipeline


@pytest.mark.parametrize("deals, what", [
    ([(D("1"), D("0.5"), "maybe")], "open deal #0: priority"),
    ([(D("1"), D("0.5"), "must"), (D("-1"), D("0.5"), "must")], "open deal #1: amount"),
    ([(D("1"), 0.5, "must")], "open deal #0: rate"),
])
def test_bad_deals_are_refused(deals, what):
    with pytest.raises(ValueError, match=what):
        forecast_categories(D(0), deals)
