"""Planning the year: seasonality weights, the twelve monthly targets, existing customers and new business.

Pure rules of METHOD.md, "Planning the target": Decimal amounts and `datetime.date` days in,
results out; no database, no clock (today is always a parameter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import msgspec

DEFAULT_RETENTION = Decimal("0.7")
HISTORY_YEARS = 2  # the last two complete years give the months' weights
MONTHS = range(1, 13)
_UNIT = Decimal(1)


class PlanError(ValueError):
    """A plan that cannot be made as asked; the message says why and what to do."""


class WonDeal(msgspec.Struct, frozen=True, kw_only=True):
    """One deal won, as the plan reads it: who won it, for which account, on which day, for how much."""

    deal: str
    account: str | None
    owner: str
    won_day: dt.date
    amount: Decimal


class Seasonality(msgspec.Struct, frozen=True, kw_only=True):
    """The months' weights and the years they were read from (none: equal weights)."""

    years: list[int]
    won_by_month: list[Decimal]  # January first: the amounts won in that calendar month over `years`
    weights: list[Decimal]  # January first; they add up to 1 (up to the last digit of a Decimal division)


class ExistingAccount(msgspec.Struct, frozen=True, kw_only=True):
    """An account won before: what it brought in the last 12 months and what is expected of it."""

    account: str
    won_last_12_months: Decimal
    expected: Decimal  # won_last_12_months x retention


class MonthTarget(msgspec.Struct, frozen=True, kw_only=True):
    period: str  # YYYY-MM
    weight: Decimal
    target: Decimal


class YearPlan(msgspec.Struct, frozen=True, kw_only=True):
    """A year's plan for a view (the team, owner None, or one person)."""

    year: int
    owner: str | None
    target: Decimal
    today: dt.date
    seasonality: Seasonality
    months: list[MonthTarget]
    retention: Decimal
    existing_accounts: list[ExistingAccount]
    existing_expected: Decimal
    new_business_needed: Decimal  # target - existing_expected (below 0: existing customers alone cover it)


def complete_years(today: dt.date, first_day: dt.date | None, before_year: int) -> list[int]:
    """The last two (or fewer) calendar years that ended before today, that the ledger covers from January
    on (its first event falls in January of that year or earlier), and that come before the planned year."""
    if first_day is None:
        return []
    first = first_day.year if first_day.month == 1 else first_day.year + 1
    last = min(today.year - 1, before_year - 1)
    return list(range(max(first, last - HISTORY_YEARS + 1), last + 1))


def seasonality(won: Iterable[WonDeal], years: list[int]) -> Seasonality:
    """A month's weight = its share of the amounts won in that calendar month over the years given;
    equal weights (1/12) with no years or nothing won in them."""
    by_month = [Decimal(0)] * 12
    for deal in won:
        if deal.won_day.year in years:
            by_month[deal.won_day.month - 1] += deal.amount
    total = sum(by_month, Decimal(0))
    if not years or total <= 0:
        return Seasonality(years=[] if total <= 0 else years, won_by_month=by_month,
                           weights=[Decimal(1) / 12] * 12)
    return Seasonality(years=years, won_by_month=by_month, weights=[m / total for m in by_month])


def spread(target: Decimal, season: Seasonality, year: int) -> list[MonthTarget]:
    """The annual target over the months: January to November each target x weight rounded to whole units
    (halves up), December the rest, so that the months add up to the year exactly."""
    if target < 0:
        raise PlanError(f"a target is an amount >= 0, not {target}")
    total = sum(season.won_by_month, Decimal(0))
    months: list[MonthTarget] = []
    for month in MONTHS[:-1]:
        # target x won_m / total, divided last: one rounding of the exact share, not of a rounded weight
        share = target * season.won_by_month[month - 1] / total if season.years else target / 12
        months.append(MonthTarget(period=f"{year:04d}-{month:02d}", weight=season.weights[month - 1],
                                  target=share.quantize(_UNIT, rounding=ROUND_HALF_UP)))
    december = target - sum((m.target for m in months), Decimal(0))
    if december < 0:
        raise PlanError(
            f"the target {target} is too small to spread by these weights: January to November, each rounded "
            f"to whole units, already make {target - december}, which leaves December below 0. "
            "Give a larger target, or set the months' targets one by one with `dealbook target YYYY-MM AMOUNT`")
    months.append(MonthTarget(period=f"{year:04d}-12", weight=season.weights[11], target=december))
    return months


def existing_accounts(won: Iterable[WonDeal], today: dt.date, retention: Decimal) -> list[ExistingAccount]:
    """Each account already won, with its amount won in the 12 months up to today (after the same day a
    year before, up to today included) x the retention rate; largest first, ties by account. A deal with
    no account cannot be told apart from new business: it is left out."""
    if not Decimal(0) <= retention <= Decimal(1):
        raise PlanError(f"the retention rate is a share from 0 to 1, such as 0.7, not {retention}")
    start = _year_before(today)
    by_account: dict[str, Decimal] = {}
    for deal in won:
        if deal.account and start < deal.won_day <= today:
            by_account[deal.account] = by_account.get(deal.account, Decimal(0)) + deal.amount
    accounts = [ExistingAccount(account=a, won_last_12_months=amount, expected=amount * retention)
                for a, amount in by_account.items()]
    return sorted(accounts, key=lambda a: (-a.won_last_12_months, a.account))


def plan_year(year: int, target: Decimal, won: list[WonDeal], today: dt.date, first_day: dt.date | None,
              owner: str | None = None, retention: Decimal = DEFAULT_RETENTION) -> YearPlan:
    """The year's plan for the team (owner None) or one person, from the deals the view won."""
    mine = [d for d in won if owner is None or d.owner == owner]
    season = seasonality(mine, complete_years(today, first_day, year))
    accounts = existing_accounts(mine, today, retention)
    expected = sum((a.expected for a in accounts), Decimal(0))
    return YearPlan(year=year, owner=owner, target=target, today=today, seasonality=season,
                    months=spread(target, season, year), retention=retention, existing_accounts=accounts,
                    existing_expected=expected, new_business_needed=target - expected)


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February: the year before has no such day
        return day.replace(year=day.year - 1, day=28)
