"""Learning the rates: the stage table `calibrate --apply` proposes from the ledger's closed deals, old against new."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import msgspec

from queries.model import StageCalibration

MIN_CLOSED = 20  # closed deals a measured figure must rest on before it replaces the configured one
RATE_PLACES = Decimal("0.000001")  # a stage's rate has at most six decimals (the ledger's format)


class LearnedStage(msgspec.Struct, frozen=True, kw_only=True):
    """One open stage: configured rate and lead time, and what the ledger's history would set instead."""

    stage: str
    position: int
    kind: str
    rate: Decimal  # configured
    lead_days: int  # configured
    new_rate: Decimal  # measured when it rests on >= min_closed closed deals, else the configured rate
    new_lead_days: int  # measured when it rests on >= min_closed won deals, else the configured lead
    deals: int  # closed deals that reached the stage
    won_deals: int

    @property
    def changes(self) -> bool:
        return (self.new_rate, self.new_lead_days) != (self.rate, self.lead_days)


def learned(stages: list[StageCalibration], min_closed: int = MIN_CLOSED) -> list[LearnedStage]:
    """Every open stage with the rate and lead time its history measures, where enough deals closed.

    - new rate = won deals / closed deals that reached the stage, exactly, rounded half-even to six
      decimals, when `deals` >= min_closed;
    - new lead time = the measured median days to the won date, rounded half up to whole days, when
      `won_deals` >= min_closed (a median of fewer won deals moves too much from month to month).
    Stages of kind won, lost or inactive keep their rates: those are what the kind means.
    """
    if min_closed < 1:
        raise ValueError(f"--min-closed must be at least 1, not {min_closed}")
    out = []
    for s in stages:
        if s.kind != "open":
            continue
        rate, lead = s.rate, s.lead_days
        if s.deals >= min_closed:
            rate = (Decimal(s.won_deals) / Decimal(s.deals)).quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)
        if s.won_deals >= min_closed and s.measured_lead_days is not None:
            lead = int(Decimal(repr(s.measured_lead_days)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        out.append(LearnedStage(stage=s.stage, position=s.position, kind=s.kind, rate=s.rate,
                                lead_days=s.lead_days, new_rate=rate.normalize() if rate != s.rate else rate,
                                new_lead_days=lead, deals=s.deals, won_deals=s.won_deals))
    return out
