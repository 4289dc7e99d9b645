"""Key results measured from the ledger: each scored from 0 to 1 against its goal, for a quarter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import msgspec

from ledger.events import KeyResultSet
from queries.moments import period_bounds
from queries.plan import WonDeal

SCORE_PLACES = Decimal("0.01")  # a score is shown to two places: 0.70


class KeyResultScore(msgspec.Struct, frozen=True):
    period: str
    key: str
    objective: str
    owner: str | None
    measure: str
    goal: Decimal
    at_least: Decimal
    value: Decimal  # what the ledger measures so far: an amount, or a count
    score: Decimal  # value / goal, capped at 1 (0.00 to 1.00)


def measure(result: KeyResultSet, won: Sequence[WonDeal]) -> Decimal:
    """The key result's value from the deals won (all of them, any day: a new account is one whose first
    win falls in the quarter)."""
    first, last = period_bounds(result.period)
    mine = [w for w in won if result.owner is None or w.owner == result.owner]
    inside = [w for w in mine if first <= w.won_day <= last]
    if result.measure == "won_amount":
        return sum((w.amount for w in inside), Decimal(0))
    if result.measure == "deals_won":
        return Decimal(sum(1 for w in inside if w.amount >= result.at_least))
    first_win: dict[str, dt.date] = {}
    for w in won:  # an account is new to the team, whoever wins it first
        if w.account is not None and (w.account not in first_win or w.won_day < first_win[w.account]):
            first_win[w.account] = w.won_day
    return Decimal(len({w.account for w in inside if w.account is not None and first_win[w.account] >= first}))


def score(value: Decimal, goal: Decimal) -> Decimal:
    """value / goal, from 0 to 1 (exceeding the goal scores 1), to two places."""
    return min(Decimal(1), value / goal).quantize(SCORE_PLACES)


def scores(results: Iterable[KeyResultSet], won: Sequence[WonDeal], period: str | None = None,
           owner: Any = ...) -> list[KeyResultScore]:
    """Each key result (of `period` when given; of `owner` when given, None for the team's) with its score."""
    out = []
    for result in results:
        if (period is not None and result.period != period) or (owner is not ... and result.owner != owner):
            continue
        value = measure(result, won)
        out.append(KeyResultScore(period=result.period, key=result.key, objective=result.objective,
                                  owner=result.owner, measure=result.measure, goal=result.goal,
                                  at_least=result.at_least, value=value, score=score(value, result.goal)))
    return sorted(out, key=lambda s: (s.period, s.objective, s.owner or "", s.key))
