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
day: a span that comes adds its lost units (per draw) to the count of the day it goes, and a simulated
day sums the counts of the days after it (at most a month's, not one per live deal). The query hands
the spans over as integers (amounts in 1/10,000, rates in 1/1,000,000: the ledger's DECIMAL(18,4) and
DECIMAL(7,6), exactly), not as Decimals, which cost the handover about 2 us each.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from queries.odds_of import REPLAY_DRAWS, odds_from
from queries.probability import (
    _EXACT, CONFIDENCE, EXACT_WORK, IMPORT_WORK, LEVELS, RATE_BITS, Distribution, TargetOdds, _slot_bits, _work,
    simulation_error, use_numpy,
)

SEED = 0
AMOUNT_SCALE, RATE_SCALE = 4, 6  # the decimals of an amount (DECIMAL(18,4)) and of a rate (DECIMAL(7,6))
RATE_ONE = 10 ** RATE_SCALE
# While every total fits in 31 bits (units in the replay's common unit), each 32-bit lane counts its own
# draw's lost units in place, and one accumulator serves every lane (half the big-integer work).
NARROW_LIMIT = 1 << 31


class _Span:
    """A deal's amount and rate over the days [first, last] on which it can close (amount in 1/10,000,
    rate in 1/1,000,000: exact integers)."""

    __slots__ = ("deal", "amount_e4", "rate_e6", "first", "last", "units")

    def __init__(self, deal: str, amount_e4: int, rate_e6: int, first: int, last: int) -> None:
        self.deal, self.amount_e4, self.rate_e6, self.first, self.last = deal, amount_e4, rate_e6, first, last
        self.units = 0  # in the replay's common unit (uncertain spans only)

    @property
    def amount(self) -> Decimal:
        return Decimal(self.amount_e4).scaleb(-AMOUNT_SCALE)

    @property
    def rate(self) -> Decimal:
        return Decimal(self.rate_e6).scaleb(-RATE_SCALE)


def spans_of(lists: dict[str, list[Any]] | None) -> list[_Span]:
    """The spans from replay_days.sql's first row (ordered by first day, then deal), a deal's spans that
    follow on from each other with the same amount and rate joined into one (its draws carry over).

    Amounts and rates come as the query hands them over ("amounts_e4", "rates_e6": integers), or as
    Decimals ("amounts", "rates"; amounts to 4 decimals, rates to 6, else ValueError)."""
    if not lists or not lists["deals"]:  # no span: the lists are NULL
        return []
    if "amounts_e4" in lists:
        amounts, rates = lists["amounts_e4"], lists["rates_e6"]
    else:
        amounts = [_scaled(a, AMOUNT_SCALE, "amount") for a in lists["amounts"]]
        rates = [_scaled(r, RATE_SCALE, "rate") for r in lists["rates"]]
    spans: list[_Span] = []
    open_of: dict[str, _Span] = {}
    for deal, amount, rate, first, last in zip(lists["deals"], amounts, rates, lists["firsts"], lists["lasts"]):
        before = open_of.get(deal)
        if before is not None and before.last + 1 == first and before.amount_e4 == amount and before.rate_e6 == rate:
            before.last = last
            continue
        open_of[deal] = span = _Span(deal, amount, rate, first, last)
        spans.append(span)
    return spans


def _scaled(value: Decimal, scale: int, name: str) -> int:
    scaled = value.scaleb(scale)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"a span's {name} {value:f} has more than {scale} decimals")
    return int(scaled)


class DaysOdds:
    """Each day's TargetOdds, asked for in day order (1, 2, ...), from the replay's spans."""

    def __init__(self, spans: Sequence[_Span], days: int, draws: int = REPLAY_DRAWS, seed: int = SEED) -> None:
        self.draws = draws
        uncertain = [s for s in spans if s.amount_e4 and 0 < s.rate_e6 < RATE_ONE]
        step = math.gcd(*(s.amount_e4 for s in uncertain)) or 1
        for s in uncertain:
            s.units = s.amount_e4 // step
        self.unit = Decimal(step).scaleb(-AMOUNT_SCALE)
        self.days = days
        self.starting: list[list[_Span]] = [[] for _ in range(days + 2)]
        self.ending: list[list[_Span]] = [[] for _ in range(days + 2)]
        for s in spans:
            if s.first <= days:
                self.starting[s.first].append(s)
                self.ending[min(s.last, days) + 1].append(s)
        self.alive: dict[_Span, None] = {}  # the live spans, in the order they came
        self.day = 0
        # the lanes: draws side by side in one big integer, as probability._batch lays them out
        total = sum(s.units for s in uncertain)
        self.slot = _slot_bits(total)
        self.lanes = self.slot // 32
        self.slots = -(-draws // self.lanes)
        slot_bytes = self.slot // 8
        self.slot_ones = int.from_bytes((b"\x01" + bytes(slot_bytes - 1)) * self.slots, "little")
        self.lane_ones = sum(self.slot_ones << (32 * c) for c in range(self.lanes))
        self.uniform_mask = self.lane_ones * ((1 << RATE_BITS) - 1)
        self.shifts = [32 * c + RATE_BITS for c in range(self.lanes)]
        self.narrow = total < NARROW_LIMIT
        # per day, the spans that go that day: per lane (one for all, when narrow) the units they lose in
        # that lane's draws, and their units; the live spans' are the sums over the days after today
        self.width = 1 if self.narrow else self.lanes
        self.gone = [[0] * self.width for _ in range(days + 2)]
        self.gone_units = [0] * (days + 2)
        self.uncertain_alive = 0
        self.certain_e4 = 0  # the amounts of the live spans at rate 1
        scale = 1 << RATE_BITS  # per rate: 2^31 - threshold in every lane; threshold = rate x 2^31, rounded
        self.offsets = {rate: self.lane_ones * (scale - round(Fraction(rate, RATE_ONE) * scale))
                        for rate in {s.rate_e6 for s in uncertain}}
        self.exact_work_done = 0  # bounds on the state updates of the exact days so far
        self.numpy_asked = False
        self.rng = random.Random(seed)
        self.uniforms: dict[str, int] = {}  # a deal's uniforms, drawn when it first enters, kept all along

    def _advance(self, day: int) -> None:
        """Take the spans that ended before `day` out of the pipeline and put the ones that start in."""
        alive, uniforms, offsets = self.alive, self.uniforms, self.offsets
        gone_of, gone_units = self.gone, self.gone_units
        mask, bits, getrandbits = self.uniform_mask, self.slots * self.slot, self.rng.getrandbits
        narrow, lane_ones, days = self.narrow, self.lane_ones, self.days
        while self.day < day:
            self.day += 1
            for span in self.ending[self.day]:
                del alive[span]
                if span.units:
                    self.uncertain_alive -= 1
                elif span.rate_e6 == RATE_ONE:
                    self.certain_e4 -= span.amount_e4
            for span in self.starting[self.day]:
                alive[span] = None
                units = span.units
                if not units:
                    if span.rate_e6 == RATE_ONE:
                        self.certain_e4 += span.amount_e4
                    continue
                u = uniforms.get(span.deal)
                if u is None:
                    u = uniforms[span.deal] = getrandbits(bits) & mask
                sums = u + offsets[span.rate_e6]
                leave = min(span.last, days) + 1
                gone = gone_of[leave]
                if narrow:  # each lane's carry to the lane's lowest bit, times the units: every lane's count in place
                    gone[0] += ((sums >> RATE_BITS) & lane_ones) * units
                else:
                    for c, shift in enumerate(self.shifts):
                        gone[c] += ((sums >> shift) & self.slot_ones) * units
                gone_units[leave] += units
                self.uncertain_alive += 1

    def odds(self, day: int, won: Decimal, target: Decimal | None) -> TargetOdds:
        """Day `day`'s odds (days asked for in order, each once)."""
        self._advance(day)
        n = self.uncertain_alive
        # the exact convolution's work is at least n(n+1)/2 state updates (each deal adds at least one
        # total); under the limit, the forecast's own rule decides, and computes
        if n * (n + 1) // 2 <= EXACT_WORK:
            alive = list(self.alive)
            work = self._exact_work([s.units for s in alive if s.units])
            if work <= EXACT_WORK:
                # the days' exact convolutions run on numpy (the same floats) once the work done without it
                # and today's would have paid for its import: never more than twice the better choice's cost
                self.exact_work_done += work
                if self.exact_work_done > IMPORT_WORK and not self.numpy_asked:
                    use_numpy()
                    self.numpy_asked = True
                return odds_from(won, target, ((s.amount, s.rate) for s in alive), draws=self.draws)
        base = _EXACT.add(won, Decimal(self.certain_e4).scaleb(-AMOUNT_SCALE))
        dist = self._distribution(base)
        probability = None if target is None else float(dist.probability_at_least(target))
        p10, p50, p90 = (dist.percentile(level) for level in LEVELS)
        return TargetOdds(probability=probability, p10=p10, p50=p50, p90=p90, method="simulated",
                          draws=self.draws, error=simulation_error(self.draws, n), confidence=CONFIDENCE)

    @staticmethod
    def _exact_work(units: list[int]) -> int:
        """probability.exact_work of the day's deals: their units in the day's own greatest common divisor,
        in the order odds_from sorts them (amount, then rate); past EXACT_WORK, a bound above it."""
        step = math.gcd(*units) or 1
        return min(_work([(u // step, None) for u in sorted(units)], limit=EXACT_WORK))

    def _distribution(self, base: Decimal) -> Distribution:
        later = self.gone[self.day + 1:]  # the live spans: those that go after today
        units_alive = sum(self.gone_units[self.day + 1:])
        width = 4 if self.narrow else self.slot // 8  # bytes per count
        totals: list[int] = []
        for c in range(self.width):
            raw = sum(gone[c] for gone in later).to_bytes(self.slots * self.slot // 8, "little")
            totals.extend(units_alive - int.from_bytes(raw[j:j + width], "little")
                          for j in range(0, len(raw), width))
        return Distribution.of_draws(totals[:self.draws], self.unit, base)
