"""Looking back to plan forward: a past period's target against what was won, per person and per account."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec


class PersonResult(msgspec.Struct, frozen=True):
    owner: str
    target: Decimal | None  # None: no target of their own for the period (nor for its months)
    won: Decimal
    share: float | None  # won / target; None without a target (or a target of 0)


class AccountResult(msgspec.Struct, frozen=True):
    account: str  # "(no account)" for the deals that name none
    won: Decimal
    deals: int


class Review(msgspec.Struct, frozen=True):
    period: str
    as_of: dt.datetime
    team_target: Decimal | None
    team_won: Decimal
    people: list[PersonResult]
    accounts: list[AccountResult]  # largest first


NO_ACCOUNT = "(no account)"


def review(store: Any, period: str, as_of: dt.datetime) -> Review:
    """The period as it ended (or stands at as_of): each person's target against what they won, and what
    each account brought, from the same forecasts the board shows (targets rolled up from months)."""
    team = store.forecast(period=period, as_of=as_of, odds=False)
    people = []
    for owner in sorted(store.facts().owners):
        mine = store.forecast(period=period, as_of=as_of, owner=owner, odds=False)
        people.append(PersonResult(owner=owner, target=mine.target, won=mine.won,
                                   share=float(mine.won / mine.target) if mine.target else None))
    won_by_account: dict[str, list[Decimal]] = {}
    for deal in team.deals:
        if deal.won_in_period:
            won_by_account.setdefault(deal.account or NO_ACCOUNT, []).append(deal.amount)
    accounts = sorted((AccountResult(account=name, won=sum(amounts, Decimal(0)), deals=len(amounts))
                       for name, amounts in won_by_account.items()), key=lambda a: (-a.won, a.account))
    return Review(period=team.period, as_of=team.as_of, team_target=team.target, team_won=team.won,
                  people=people, accounts=accounts)
