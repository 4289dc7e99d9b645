"""Is the probability honest? Predicted probabilities against what came true: reliability bands, Brier score."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

import msgspec

BANDS = 10  # 0-10%, 10-20%, ... 90-100%


class ReliabilityBand(msgspec.Struct, frozen=True, kw_only=True):
    """The predictions that fell in one band of probability, and how often they came true."""

    low: float  # the band is low <= p < high (the last one includes 1)
    high: float
    count: int
    mean_predicted: float | None  # None when the band is empty
    observed: float | None  # the share that came true; None when the band is empty


class Reliability(msgspec.Struct, frozen=True, kw_only=True):
    """A back-test: every band (empty ones too, in order) and the Brier score over all predictions."""

    bands: list[ReliabilityBand]
    brier: float | None  # mean of (p - outcome)^2: 0 is perfect, 0.25 is always saying 50%; None if none
    count: int


def backtest(pairs: Iterable[tuple[float, bool]]) -> Reliability:
    """The reliability table and the Brier score of (predicted probability, came true) pairs."""
    pairs = _checked(pairs)
    return Reliability(bands=reliability_table(pairs), brier=brier_score(pairs), count=len(pairs))


def reliability_table(pairs: Iterable[tuple[float, bool]]) -> list[ReliabilityBand]:
    """Ten bands of predicted probability, each with its count, mean prediction and share come true.

    A probability goes in the band of the decimal it prints as (0.6 is in 60-70%, although the
    float nearest 0.6 is a hair under it); 1 goes in the last band.
    """
    members: list[list[tuple[float, bool]]] = [[] for _ in range(BANDS)]
    for p, outcome in _checked(pairs):
        members[min(BANDS - 1, math.floor(Fraction(str(p)) * BANDS))].append((p, outcome))
    return [
        ReliabilityBand(
            low=k / BANDS, high=(k + 1) / BANDS, count=len(band),
            mean_predicted=math.fsum(float(p) for p, _ in band) / len(band) if band else None,
            observed=sum(outcome for _, outcome in band) / len(band) if band else None,
        )
        for k, band in enumerate(members)
    ]


def brier_score(pairs: Iterable[tuple[float, bool]]) -> float | None:
    """The mean of (predicted probability - outcome)^2, outcome 1 when it came true; None when empty."""
    pairs = _checked(pairs)
    if not pairs:
        return None
    return math.fsum((float(p) - outcome) ** 2 for p, outcome in pairs) / len(pairs)


def _checked(pairs: Iterable[tuple[float, bool]]) -> list[tuple[float, bool]]:
    checked = []
    for i, (p, outcome) in enumerate(pairs):
        if not _is_probability(p):
            raise ValueError(f"prediction #{i}: probability must be a number in [0, 1], not {p!r} "
                             "(leave out the days with no target)")
        if not isinstance(outcome, bool):
            raise ValueError(f"prediction #{i}: outcome must be True or False, not {outcome!r}")
        checked.append((p, outcome))
    return checked


def _is_probability(p) -> bool:
    if isinstance(p, bool) or not isinstance(p, (int, float, Fraction, Decimal)):
        return False
    if isinstance(p, Decimal) and not p.is_finite():  # a Decimal NaN refuses to be compared
        return False
    return 0 <= p <= 1
