"""The probability of making the target, and the 10th/50th/90th percentiles of what will be won.

METHOD's rule: each open deal that can close in the period is won, independently of the others,
with its stage's rate; the *total* is won + the amounts of the deals so won, and the probability of
making the target is P(total >= target).

Percentiles, precisely: the q-th percentile is the smallest total t with P(total <= t) >= q
(q = 0.1, 0.5, 0.9). It is always a total that can happen (won + the amounts of some set of deals).

Two methods, and the result says which it used:

- **exact**: the distribution of the total, by convolution over the deals. Money stays exact: every
  amount is turned into an integer count of a common unit (the greatest common divisor of the open
  amounts, at the finest decimal scale present: 100.10 and 250 become 1,001 and 2,500 units of 0.10),
  and equal totals merge as the deals are added. Probabilities are floats (`fractions=True` gives
  exact `Fraction`s, for tests). It is used when the work it needs (state updates, bounded
  before starting) fits `EXACT_WORK`: amounts in round hundreds stay exact to about a hundred
  deals; amounts with cents only to about eighteen, since their totals barely ever merge.
- **simulated**: `draws` independent draws of the whole pipeline (a fixed seed, so the same inputs
  give the same figures). Its `error` holds at `confidence` (95%) by the Dvoretzky-Kiefer-Wolfowitz
  inequality (Massart's constant): with that confidence the simulated distribution function is
  within eps = sqrt(ln(2 / 0.05) / (2 draws)) of the true one at every total at once, so the
  probability is within eps of the exact one and each percentile is a true percentile for some
  level within eps of 10%, 50% or 90%. A draw decides a deal with a 31-bit uniform against the rate
  rounded to the nearest 2^-31; the stated error adds that rounding's worst effect, deals x 2^-32.
"""

from __future__ import annotations

import decimal
import importlib
import math
import random
import sys
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

import msgspec

OpenDeal = tuple[Decimal, Decimal]  # (amount, rate): an open deal that can close in the period

LEVELS = (Fraction(1, 10), Fraction(1, 2), Fraction(9, 10))
# `auto` is exact up to this many state updates (about 0.2 s), roughly what a default simulation
# costs: at the same price, no error.
EXACT_WORK = 2_000_000
CONFIDENCE = 0.95
DRAW_WORK = 16_000_000  # deal-draws a simulation does by default (about 0.2 s): draws = DRAW_WORK / deals ...
MIN_DRAWS, MAX_DRAWS = 1_536, 32_768  # ... kept within these (error 0.035 down to 0.0075)
# The dense convolution runs on numpy's arrays (the same products and sums, so the same floats to the last
# bit, about 40x faster) once numpy is imported and the work is worth a call per deal; numpy is imported
# only by use_numpy(), never for one forecast: its import (about 0.1 s) is more than the whole exact
# budget (EXACT_WORK) costs in pure Python.
NUMPY_MIN_WORK = 20_000
IMPORT_WORK = 2_000_000  # state updates of the pure-Python convolution that cost about numpy's import
FLOAT_ROUNDING = 2.0 ** -51  # x (totals + deals): a bound on a float cumulative's rounding error
RATE_BITS = 31
# Money sums never round: a result that would need rounding raises instead of being wrong.
_EXACT = decimal.Context(prec=200, traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow])


class TargetOdds(msgspec.Struct, frozen=True, kw_only=True):
    """How likely the target is, and what will probably be won (totals include what is won already)."""

    probability: float | None  # P(total >= target); None when there is no target
    p10: Decimal
    p50: Decimal
    p90: Decimal
    method: str  # exact | simulated
    draws: int = 0  # simulated: how many draws of the pipeline (0 when exact)
    error: float = 0.0  # simulated: bound on |probability - exact| (and on the percentiles' levels)
    confidence: float = 1.0  # how sure that bound is (0.95 when simulated; 1 when exact)


class Distribution:
    """The distribution of the total: distinct totals ascending, each with its weight / denominator."""

    def __init__(self, totals: list[int], weights: list, denominator, unit: Decimal, base: Decimal,
                 slack: float = 0.0):
        self.totals = totals  # in units, above base
        self.weights = weights  # probabilities (float or Fraction, denominator 1) or draw counts
        self.denominator = denominator
        self.unit = unit
        self.base = base
        self.slack = slack  # float weights: a cumulative this close under a level reaches it

    @classmethod
    def of_draws(cls, totals: list[int], unit: Decimal, base: Decimal) -> Distribution:
        """The distribution of simulated totals (in units, above base): each distinct total and how many drew it."""
        distinct: list[int] = []
        counts: list[int] = []
        for total in sorted(totals):
            if distinct and distinct[-1] == total:
                counts[-1] += 1
            else:
                distinct.append(total)
                counts.append(1)
        return cls(distinct, counts, len(totals), unit, base)

    def money(self, units: int) -> Decimal:
        return _EXACT.add(self.base, _EXACT.multiply(self.unit, units))

    def probability_at_least(self, target: Decimal):
        """P(total >= target), in the weights' own arithmetic (a Fraction stays a Fraction)."""
        need = math.ceil((Fraction(target) - Fraction(self.base)) / Fraction(self.unit))
        if need <= 0:
            return 1  # made already: exactly 1, not a float sum of every weight a hair off it
        return sum(self.weights[bisect_left(self.totals, need):], 0) / self.denominator

    def percentile(self, level: Fraction) -> Decimal:
        """The smallest total t with P(total <= t) >= level.

        With float weights, a cumulative within `slack` (the bound on its rounding error) under the
        level counts as reaching it, so that a level met exactly is not missed by a hair; the total
        returned is then exact for some level within 2 x slack under the one asked.
        """
        reach = level * self.denominator
        if self.slack:
            reach = float(reach) - self.slack
        elif self.weights and type(self.weights[0]) is int:  # draw counts: an int reaches a Fraction at its ceiling
            reach = math.ceil(reach)
        cumulative = 0
        for total, weight in zip(self.totals, self.weights):
            cumulative += weight
            if cumulative >= reach:
                return self.money(total)
        return self.money(self.totals[-1])  # float sums that end a hair under 1


def target_odds(won: Decimal, target: Decimal | None, deals: Iterable[OpenDeal], *, method: str = "auto",
                draws: int | None = None, seed: int = 0, exact_work_limit: int = EXACT_WORK) -> TargetOdds:
    """The probability that won + the amounts of the deals won reaches target, with p10/p50/p90.

    `deals`: (amount, rate) of every open deal that can close in the period, amounts >= 0 and rates
    in [0, 1] as exact Decimals. `method`: "auto" (exact when `exact_work(deals)` <=
    `exact_work_limit`, else simulated), "exact" (always; may be slow), or "simulated". `draws`
    (simulated): default DRAW_WORK / uncertain deals within [MIN_DRAWS, MAX_DRAWS]; `seed` fixes
    the draws. Raises ValueError on a bad amount, rate or method.
    """
    base, unit, ints = _in_units(won, _checked(won, target, deals))
    if method == "auto":
        method = "exact" if min(_work(ints)) <= exact_work_limit else "simulated"
    if method == "exact":
        dist, n_draws, error, confidence = _exact(base, unit, ints, fractions=False), 0, 0.0, 1.0
    elif method == "simulated":
        n_draws = draws if draws is not None else default_draws(len(ints))
        dist = _simulated(base, unit, ints, draws=n_draws, seed=seed)
        error, confidence = simulation_error(n_draws, len(ints)), CONFIDENCE
    else:
        raise ValueError(f"method must be 'auto', 'exact' or 'simulated', not {method!r}")
    p10, p50, p90 = (dist.percentile(level) for level in LEVELS)
    probability = None if target is None else float(dist.probability_at_least(target))
    return TargetOdds(probability=probability, p10=p10, p50=p50, p90=p90, method=method,
                      draws=n_draws, error=error, confidence=confidence)


def simulation_error(draws: int, deals: int, confidence: float = CONFIDENCE) -> float:
    """The stated error of a simulation: DKW's eps at `confidence`, plus the rates' rounding to 2^-31."""
    return math.sqrt(math.log(2 / (1 - confidence)) / (2 * draws)) + deals * 2.0 ** -(RATE_BITS + 1)


def default_draws(uncertain: int) -> int:
    """The draws a simulation makes by default for this many uncertain deals (rate strictly in (0, 1))."""
    return max(MIN_DRAWS, min(MAX_DRAWS, DRAW_WORK // max(uncertain, 1)))


def _checked(won: Decimal, target: Decimal | None, deals: Iterable[OpenDeal]) -> list[OpenDeal]:
    for name, value in (("won", won), ("target", target)):
        if value is not None and (not isinstance(value, Decimal) or not value.is_finite()):
            raise ValueError(f"{name} must be a finite Decimal, not {value!r}")
    checked = []
    for i, (amount, rate) in enumerate(deals):
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
            raise ValueError(f"open deal #{i}: amount must be a finite Decimal >= 0, not {amount!r}")
        if not isinstance(rate, Decimal) or not rate.is_finite() or not 0 <= rate <= 1:
            raise ValueError(f"open deal #{i}: rate must be a Decimal in [0, 1], not {rate!r}")
        checked.append((amount, rate))
    return checked


def _in_units(won: Decimal, deals: Sequence[OpenDeal]) -> tuple[Decimal, Decimal, list[tuple[int, Decimal]]]:
    """(base, unit, [(amount in units, rate)] of the uncertain deals): deals at rate 1 join the base."""
    base = won
    for amount, rate in deals:
        if rate == 1:
            base = _EXACT.add(base, amount)
    uncertain = [(amount, rate) for amount, rate in deals if amount and 0 < rate < 1]
    scale = max([0] + [-amount.as_tuple().exponent for amount, _ in uncertain])
    ints = [(int(amount.scaleb(scale, _EXACT)), rate) for amount, rate in uncertain]
    step = math.gcd(*(units for units, _ in ints)) or 1
    unit = Decimal(step).scaleb(-scale, _EXACT)
    return base, unit, [(units // step, rate) for units, rate in ints]


def exact_work(deals: Sequence[OpenDeal]) -> int:
    """An upper bound on the state updates the exact convolution does (what `auto` weighs)."""
    return min(_work(_in_units(Decimal(0), deals)[2]))


def _work(ints: list[tuple[int, Decimal]], limit: int | None = None) -> tuple[int, int]:
    """Bounds on the work of a dense convolution (a list over every total) and of a sparse one (a dict).

    With a `limit`, the count stops once both are past it (both only grow): the pair is then a pair of
    lower bounds, each above the limit."""
    dense = sparse = reach = 0
    states = 1
    for units, _ in ints:
        reach += units
        states = min(2 * states, reach + 1)
        dense += reach + 1
        sparse += 3 * states  # a dict update costs about three list ones
        if limit is not None and dense > limit and sparse > limit:
            break
    return dense, sparse


def exact_distribution(won: Decimal, deals: Iterable[OpenDeal], *, fractions: bool = False) -> Distribution:
    """The exact distribution of the total, by convolution over the deals (floats, or Fractions)."""
    return _exact(*_in_units(won, _checked(won, None, deals)), fractions=fractions)


def _exact(base: Decimal, unit: Decimal, ints: list[tuple[int, Decimal]], *, fractions: bool) -> Distribution:
    convert = Fraction if fractions else float
    one = Fraction(1) if fractions else 1.0
    span = sum(units for units, _ in ints)
    dense_work, sparse_work = _work(ints)
    if dense_work <= sparse_work:
        np = None if fractions or dense_work < NUMPY_MIN_WORK else _numpy_if_imported()
        if np is not None:
            return _exact_dense_numpy(np, base, unit, ints)
        probs = [one]
        for units, rate in ints:
            p = convert(rate)
            q = one - p
            probs = [q * stay + p * move
                     for stay, move in zip(probs + [0] * units, [0] * units + probs)]
        totals = [total for total in range(span + 1) if probs[total]]
        return Distribution(totals, [w for w in probs if w], 1, unit, base, _slack(fractions, totals, ints))
    dist = {0: one}
    for units, rate in ints:
        p = convert(rate)
        q = one - p
        moved: dict[int, object] = {}
        for total, weight in dist.items():
            moved[total] = moved.get(total, 0) + q * weight
            moved[total + units] = moved.get(total + units, 0) + p * weight
        dist = moved
    totals = sorted(dist)
    return Distribution(totals, [dist[total] for total in totals], 1, unit, base, _slack(fractions, totals, ints))


def _exact_dense_numpy(np, base: Decimal, unit: Decimal, ints: list[tuple[int, Decimal]]) -> Distribution:
    """The dense float convolution on numpy arrays: total t's weight q x probs[t] + p x probs[t - units],
    each product rounded, then their sum, as the list comprehension does (a missing term's 0.0 added to x
    leaves x): the same floats to the last bit."""
    probs = np.ones(1)
    for units, rate in ints:
        p = float(rate)
        q = 1.0 - p
        grown = np.zeros(len(probs) + units)
        grown[:len(probs)] = q * probs
        grown[units:] += p * probs
        probs = grown
    nonzero = np.flatnonzero(probs)
    totals = nonzero.tolist()
    return Distribution(totals, probs[nonzero].tolist(), 1, unit, base, _slack(False, totals, ints))


def _numpy_if_imported():
    return sys.modules.get("numpy")


def use_numpy() -> bool:
    """Import numpy, so that the dense convolution runs on it from now on (see NUMPY_MIN_WORK): for a run
    of many exact convolutions (a replay's days), whose pure-Python cost outgrows the import's."""
    try:
        importlib.import_module("numpy")
    except ImportError:  # a dependency, but the pure-Python convolution gives the same figures
        return False
    return True


def _slack(fractions: bool, totals: list[int], ints: list) -> float:
    """A bound on a float cumulative's rounding error: a rate's rounding moves any cumulative by at
    most 2^-53 per deal, the products' roundings about 2^-52 per deal, and the running sum 2^-53 per
    total; (deals + totals) x 2^-51 covers them with room to spare."""
    return 0.0 if fractions else (len(totals) + len(ints)) * FLOAT_ROUNDING


def simulated_distribution(won: Decimal, deals: Iterable[OpenDeal], *, draws: int, seed: int = 0) -> Distribution:
    """The distribution of the total over `draws` seeded draws of the pipeline (weights are counts).

    Draws run side by side in the lanes of one big integer: a 32-bit lane per draw holds a 31-bit
    uniform, adding (2^31 - threshold) carries out of it exactly when the deal is lost, and the
    lost masks times the amounts accumulate in slots wide enough for the largest total.
    """
    return _simulated(*_in_units(won, _checked(won, None, deals)), draws=draws, seed=seed)


def _simulated(base: Decimal, unit: Decimal, ints: list[tuple[int, Decimal]], *, draws: int, seed: int) -> Distribution:
    if draws < 1:
        raise ValueError(f"draws must be >= 1, not {draws}")
    span = sum(units for units, _ in ints)
    slot = _slot_bits(span)
    lanes = slot // 32  # draws per slot
    slots_per_batch = 1024
    rng = random.Random(seed)
    totals: list[int] = []
    while len(totals) < draws:
        slots = min(slots_per_batch, -(-(draws - len(totals)) // lanes))
        totals.extend(_batch(ints, span, slots, slot, rng))
    return Distribution.of_draws(totals[:draws], unit, base)


def _slot_bits(span: int) -> int:
    """Bits per slot of the lanes' accumulators: a multiple of 32 (one lane each) that holds any total."""
    return 32 * max(2, -(-(span.bit_length() + 1) // 32))


def _batch(ints: list[tuple[int, Decimal]], span: int, slots: int, slot: int, rng: random.Random) -> list[int]:
    """slots x (slot / 32) draws: the total (in units) of each."""
    lanes = slot // 32
    slot_bytes = slot // 8
    slot_ones = int.from_bytes((b"\x01" + bytes(slot_bytes - 1)) * slots, "little")
    lane_ones = sum(slot_ones << (32 * c) for c in range(lanes))
    uniform_mask = lane_ones * ((1 << RATE_BITS) - 1)
    scale = 1 << RATE_BITS
    offsets: dict[Decimal, int] = {}
    carry_shifts = [32 * c + RATE_BITS for c in range(lanes)]  # where lane c's carry sits in its slot
    lost = [0] * lanes  # per lane of a slot: the units of the deals lost in that lane's draws
    bits = slots * slot
    getrandbits = rng.getrandbits
    for units, rate in ints:
        offset = offsets.get(rate)
        if offset is None:  # 2^31 - threshold in every lane; threshold = rate x 2^31, rounded
            offset = offsets[rate] = lane_ones * (scale - round(Fraction(rate) * scale))
        sums = (getrandbits(bits) & uniform_mask) + offset
        for c, shift in enumerate(carry_shifts):
            lost[c] += ((sums >> shift) & slot_ones) * units
    out = []
    for acc in lost:
        raw = acc.to_bytes(slots * slot_bytes, "little")
        out.extend(span - int.from_bytes(raw[j:j + slot_bytes], "little")
                   for j in range(0, len(raw), slot_bytes))
    return out
