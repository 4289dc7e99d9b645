"""Back-testing the probability: reliability bands and the Brier score, against figures worked by hand."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest

from queries.backtest import backtest, brier_score, reliability_table

PAIRS = [(0.05, False), (0.05, False), (0.15, True), (0.95, True), (1.0, True), (0.92, False), (0.5, True),
         (0.55, False)]


def test_reliability_table_worked_by_hand():
    # 0-10%:   0.05, 0.05          -> 2, mean 0.05, came true 0/2
    # 10-20%:  0.15                -> 1, mean 0.15, came true 1/1
    # 50-60%:  0.5, 0.55           -> 2, mean 0.525, came true 1/2
    # 90-100%: 0.95, 1.0, 0.92     -> 3, mean 2.87 / 3, came true 2/3 (1.0 belongs to the last band)
    bands = reliability_table(PAIRS)
    assert [(b.low, b.high) for b in bands] == [(k / 10, (k + 1) / 10) for k in range(10)]
    got = {round(b.low * 10): (b.count, b.mean_predicted, b.observed) for b in bands if b.count}
    assert got == {0: (2, 0.05, 0.0), 1: (1, 0.15, 1.0), 5: (2, 0.525, 0.5),
                   9: (3, pytest.approx(2.87 / 3), pytest.approx(2 / 3))}
    assert all(b.mean_predicted is None and b.observed is None for b in bands if not b.count)


def test_brier_score_worked_by_hand():
    # (0.05)^2 x 2 = 0.005; (0.15 - 1)^2 = 0.7225; (0.95 - 1)^2 = 0.0025; (1 - 1)^2 = 0;
    # (0.92)^2 = 0.8464; (0.5 - 1)^2 = 0.25; (0.55)^2 = 0.3025: sum 2.1289, over 8 = 0.2661125
    assert brier_score(PAIRS) == pytest.approx(0.2661125, abs=1e-15)
    result = backtest(PAIRS)
    assert result.count == 8 and result.brier == pytest.approx(0.2661125, abs=1e-15)
    assert result.bands == reliability_table(PAIRS)


def test_brier_extremes():
    assert brier_score([(1.0, True), (0.0, False)]) == 0.0  # sure and right
    assert brier_score([(1.0, False), (0.0, True)]) == 1.0  # sure and wrong
    assert brier_score([(0.5, True), (0.5, False)]) == 0.25  # always a coin toss


def test_band_edges_follow_the_printed_decimal():
    # every edge k/10 opens its band, although the floats nearest 0.3, 0.6, 0.7 ... are a hair off
    for k in range(10):
        edge = k / 10
        bands = reliability_table([(edge, True)])
        assert [b.count for b in bands].index(1) == k, edge
    assert reliability_table([(math.nextafter(0.6, 0), True)])[5].count == 1
    assert reliability_table([(Fraction(3, 5), True), (Decimal("0.6"), False)])[6].count == 2


def test_no_predictions():
    result = backtest([])
    assert result.count == 0 and result.brier is None
    assert [b.count for b in result.bands] == [0] * 10


@pytest.mark.parametrize("pair, what", [
    ((None, True), "prediction #1: probability"),
    ((1.2, True), "prediction #1: probability"),
    ((math.nan, True), "prediction #1: probability"),
    ((Decimal("NaN"), True), "prediction #1: probability"),
    ((0.5, 1), "prediction #1: outcome"),
])
def test_bad_pairs_are_refused(pair, what):
    with pytest.raises(ValueError, match=what):
        backtest([(0.5, True), pair])
