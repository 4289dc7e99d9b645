"""The probability of making the target on every day of a replay, the days' pipelines drawn once between them.

A day's odds follow the forecast's own rule (odds_of.odds_from): exact when the convolution is cheap
(probability.EXACT_WORK), and then computed by odds_from itself, so that the day equals a separate
forecast at its end to the last bit. A day that needs a simulation makes REPLAY_DRAWS draws of its
pipeline, as before, but with *common random numbers*: each deal draws its uniforms once, the first
day it can close, and keeps them for the whole replay (a draw wins the deal when its uniform is under
the rate of the day), so that a day's draws are the day before's with the deals that came, went or
changed added, taken away or redrawn against their new rate and amount. Each day's draws are still
independent draws of that day's pipeline (each deal its own uniforms, independent of every other
deal's), so the stated error (DKW at 95%, probability.simulation_error) holds for each day alone; from
one day to the next the figures move only with the deals that changed, not with the noise of new draws.
The cost is a pass over the deals that start or end a span, instead of one over every deal of every
day.
"""

from __future__ import annotations

import decimal
import math
import random
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from queries.odds_of import REPLAY_DRAWS, odds_from
from queries.probability import (
    CONFIDENCE, EXACT_WORK, LEVELS, RATE_BITS, Distribution, TargetOdds, _slot_bits, _work, simulation_error,
)

_EXACT = decimal.Context(prec=200, traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow])
SEED = 0
# While every total fits in 31 bits (units in the replay's common unit), each 32-bit lane counts its own
# draw's lost units in place, and one accumulator serves every lane (half the big-integer work).
NARROW_LIMIT = 1 << 31


class _Span:
    """A deal's amount and rate over the days [first, last] on which it can close."""

    __slots__ = ("deal", "amount", "rate", "first", "last", "units", "lost")

    def __init__(self, deal: str, amount: Decimal, rate: Decimal, first: int, last: int) -> None:
        self.deal, self.amount, self.rate, self.first, self.last = deal, amount, rate, first, last
        self.units = 0  # in the replay's common unit (uncertain spans only)
        self.lost: list[int] | None = None  # while in the pipeline: per lane, its units in the draws it is lost


def spans_of(lists: dict[str, list[Any]] | None) -> list[_Span]:
    """The spans from replay_days.sql's first row (ordered by first day, then deal), a deal's spans that
    follow on from each other with the same amount and rate joined into one (its draws carry over)."""
    if not lists or not lists["deals"]:  # no span: the lists are NULL
        return []
    spans: list[_Span] = []
    open_of: dict[str, _Span] = {}
    for deal, amount, rate, first, last in zip(lists["deals"], lists["amounts"], lists["rates"], lists["firsts"],
                                               lists["lasts"]):
        before = open_of.get(deal)
        if before is not None and before.last + 1 == first and before.amount == amount and before.rate == rate:
            before.last = last
            continue
        open_of[deal] = span = _Span(deal, amount, rate, first, last)
        spans.append(span)
    return spans


class DaysOdds:
    """Each day's TargetOdds, asked for in day order (1, 2, ...), from the replay's spans."""

    def __init__(self, spans: Sequence[_Span], days: int, draws: int = REPLAY_DRAWS, seed: int = SEED) -> None:
        self.draws = draws
        uncertain = [s for s in spans if s.amount and 0 < s.rate < 1]
        scale = max([0] + [-s.amount.as_tuple().exponent for s in uncertain])
        for s in uncertain:
            s.units = int(s.amount.scaleb(scale, _EXACT))
        step = math.gcd(*(s.units for s in uncertain)) or 1
        for s in uncertain:
            s.units //= step
        self.unit = Decimal(step).scaleb(-scale, _EXACT)
        self.starting: list[list[_Span]] = [[] for _ in range(days + 2)]
        self.ending: list[list[_Span]] = [[] for _ in range(days + 2)]
        for s in spans:
            if s.first <= days:
                self.starting[s.first].append(s)
                self.ending[min(s.last, days) + 1].append(s)
        self.alive: dict[int, _Span] = {}  # id(span) -> span, in the order they came
        self.day = 0
        # the lanes: draws side by side in one big integer, as probability._batch lays them out
        self.slot = _slot_bits(sum(s.units for s in uncertain))
        self.lanes = self.slot // 32
        self.slots = -(-draws // self.lanes)
        slot_bytes = self.slot // 8
        self.slot_ones = int.from_bytes((b"\x01" + bytes(slot_bytes - 1)) * self.slots, "little")
        lane_ones = sum(self.slot_ones << (32 * c) for c in range(self.lanes))
        self.lane_ones = lane_ones
        self.uniform_mask = lane_ones * ((1 << RATE_BITS) - 1)
        self.shifts = [32 * c + RATE_BITS for c in range(self.lanes)]
        self.narrow = sum(s.units for s in uncertain) < NARROW_LIMIT
        # per lane (one for all, when narrow): the units lost in that lane's draws, over the live spans
        self.lost = [0] * (1 if self.narrow else self.lanes)
        self.units_alive = 0
        self.offsets: dict[Decimal, int] = {}
        self.rng = random.Random(seed)
        self.uniforms: dict[str, int] = {}  # a deal's uniforms, drawn when it first enters, kept all along

    def _enter(self, span: _Span) -> None:
        self.alive[id(span)] = span
        if not span.units:
            return
        offset = self.offsets.get(span.rate)
        if offset is None:  # 2^31 - threshold in every lane; threshold = rate x 2^31, rounded
            scale = 1 << RATE_BITS
            offset = self.offsets[span.rate] = self.lane_ones * (scale - round(Fraction(span.rate) * scale))
        uniforms = self.uniforms.get(span.deal)
        if uniforms is None:
            uniforms = self.uniforms[span.deal] = self.rng.getrandbits(self.slots * self.slot) & self.uniform_mask
        sums = uniforms + offset
        if self.narrow:  # each lane's carry to the lane's lowest bit, times the units: every lane's count in place
            span.lost = [((sums >> RATE_BITS) & self.lane_ones) * span.units]
        else:
            span.lost = [((sums >> shift) & self.slot_ones) * span.units for shift in self.shifts]
        for c, lost in enumerate(span.lost):
            self.lost[c] += lost
        self.units_alive += span.units

    def _leave(self, span: _Span) -> None:
        del self.alive[id(span)]
        if span.lost is not None:
            for c, lost in enumerate(span.lost):
                self.lost[c] -= lost
            self.units_alive -= span.units
            span.lost = None

    def odds(self, day: int, won: Decimal, target: Decimal | None) -> TargetOdds:
        """Day `day`'s odds (days asked for in order, each once)."""
        while self.day < day:
            self.day += 1
            for span in self.ending[self.day]:
                self._leave(span)
            for span in self.starting[self.day]:
                self._enter(span)
        alive = list(self.alive.values())
        uncertain = [s for s in alive if s.units]
        n = len(uncertain)
        # the exact convolution's work is at least n(n+1)/2 state updates (each deal adds at least one
        # total); under the limit, the forecast's own rule decides, and computes
        if n * (n + 1) // 2 <= EXACT_WORK and self._exact_work(uncertain) <= EXACT_WORK:
            return odds_from(won, target, ((s.amount, s.rate) for s in alive), draws=self.draws)
        base = won
        for s in alive:
            if s.rate == 1:
                base = _EXACT.add(base, s.amount)
        dist = self._distribution(base)
        probability = None if target is None else float(dist.probability_at_least(target))
        p10, p50, p90 = (dist.percentile(level) for level in LEVELS)
        return TargetOdds(probability=probability, p10=p10, p50=p50, p90=p90, method="simulated",
                          draws=self.draws, error=simulation_error(self.draws, n), confidence=CONFIDENCE)

    @staticmethod
    def _exact_work(uncertain: list[_Span]) -> int:
        """probability.exact_work of the day's deals: their units in the day's own greatest common divisor,
        in the order odds_from sorts them (amount, then rate)."""
        step = math.gcd(*(s.units for s in uncertain)) or 1
        return min(_work([(units // step, None) for units in sorted(s.units for s in uncertain)]))

    def _distribution(self, base: Decimal) -> Distribution:
        width = 4 if self.narrow else self.slot // 8  # bytes per count
        totals: list[int] = []
        for acc in self.lost:
            raw = acc.to_bytes(self.slots * self.slot // 8, "little")
            totals.extend(self.units_alive - int.from_bytes(raw[j:j + width], "little")
                          for j in range(0, len(raw), width))
        return Distribution.of_draws(totals[:self.draws], self.unit, base)
