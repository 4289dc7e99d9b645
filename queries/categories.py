"""Forecast categories as a CRM names them (commit, best case, pipeline), in exact money."""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from decimal import Decimal

import msgspec

PRIORITIES = ("must", "should", "could")
# Sums never round: an amount x rate that would need rounding raises instead of being wrong.
_EXACT = decimal.Context(prec=200, traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow])


class ForecastCategories(msgspec.Struct, frozen=True, kw_only=True):
    """A period's forecast in a CRM's three categories (each includes what is won already)."""

    commit: Decimal  # progress: won + the estimated values of the must-haves that can close
    best_case: Decimal  # won + the estimated values of the must- and should-haves that can close
    pipeline: Decimal  # won + the estimated values of every deal that can close


def forecast_categories(won: Decimal, deals: Iterable[tuple[Decimal, Decimal, str]]) -> ForecastCategories:
    """commit, best case and pipeline from won and the open deals that can close in the period.

    `deals`: (amount, rate, priority) of each open deal that can close in the period (the caller
    has applied the lead time and close date rules); the estimated value is amount x rate, exactly.
    """
    if not isinstance(won, Decimal) or not won.is_finite():
        raise ValueError(f"won must be a finite Decimal, not {won!r}")
    by_priority = dict.fromkeys(PRIORITIES, Decimal(0))
    for i, (amount, rate, priority) in enumerate(deals):
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
            raise ValueError(f"open deal #{i}: amount must be a finite Decimal >= 0, not {amount!r}")
        if not isinstance(rate, Decimal) or not rate.is_finite() or not 0 <= rate <= 1:
            raise ValueError(f"open deal #{i}: rate must be a Decimal in [0, 1], not {rate!r}")
        if priority not in by_priority:
            raise ValueError(f"open deal #{i}: priority must be one of {', '.join(PRIORITIES)}, not {priority!r}")
        by_priority[priority] = _EXACT.add(by_priority[priority], _EXACT.multiply(amount, rate))
    commit = _EXACT.add(won, by_priority["must"])
    best_case = _EXACT.add(commit, by_priority["should"])
    return ForecastCategories(commit=commit, best_case=best_case,
                              pipeline=_EXACT.add(best_case, by_priority["could"]))
