"""`dealbook plan` and `dealbook activity`: the year's monthly targets, and the work each day left asks for."""

from __future__ import annotations

import argparse
import re
import sys
from decimal import Decimal, InvalidOperation

import msgspec

from ledger import TargetSet, append_event, now, stamp
from tui import parse
from tui.cli.common import writes
from tui.cli.reports import _console, _line, _print_json, _store, outcome
from tui.describe import describe
from tui.text import cell, money, needed, percent

DEFAULT_RETENTION = "0.7"  # queries.plan.DEFAULT_RETENTION (not imported here: `dealbook --help` loads no DuckDB)


def year(text: str) -> int:
    if not re.fullmatch(r"\s*\d{4}\s*", text):
        raise parse.InputError(f"the year to plan is YYYY, such as 2027, not {text!r}")
    return int(text)


def amount(text: str) -> Decimal:
    return parse.amount(text)


def share(text: str) -> Decimal:
    """A rate from 0 to 1 (0.7) or a percentage (70%)."""
    value = text.strip()
    try:
        rate = Decimal(value[:-1]) / 100 if value.endswith("%") else Decimal(value)
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite() or not 0 <= rate <= 1:
        raise parse.InputError(f"the retention rate is a share from 0 to 1, such as 0.7 or 70%, not {text!r}")
    return rate


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    plan = subparsers.add_parser(
        "plan", parents=[parent], help="spread a year's target over its months; what existing customers bring",
        description="The year's twelve monthly targets, spread by the months' share of what was won in the last "
                    "two complete years (equal with no history), adding up to the year exactly; the revenue "
                    "expected from existing accounts and the new business still needed. --apply appends the "
                    "months' target_set events after showing them.")
    plan.add_argument("year", type=year, help="the year to plan, such as 2027")
    plan.add_argument("--target", type=amount, required=True, metavar="AMOUNT", help="the year's target, such as 1.2m")
    plan.add_argument("--owner", metavar="O", help="one person's plan (default: the team's)")
    plan.add_argument("--retention", type=share, default=share(DEFAULT_RETENTION), metavar="R",
                      help=f"the share of last 12 months' revenue an existing account brings again (default {DEFAULT_RETENTION})")
    plan.add_argument("--as-of", metavar="T", help="today, for the history read (default: now)")
    plan.add_argument("--json", action="store_true", help="print the plan as one JSON document")
    plan.add_argument("--apply", action="store_true", help="append the twelve monthly target_set events")
    writes(plan, help="who records the targets with --apply")
    plan.set_defaults(handler=run_plan)

    review = subparsers.add_parser(
        "review", parents=[parent], help="a past period's target against what was won, per person and account",
        description="Looking back to plan forward: for a period that ended (or stands as of --as-of), the team's "
                    "and each person's target (its own, else the sum of its months') against what was won, and "
                    "what each account brought.")
    review.add_argument("period", type=parse.period, help="YYYY-MM, YYYY-Qn or YYYY, such as 2026-Q4")
    review.add_argument("--as-of", metavar="T", help="a date or RFC 3339 time (default: now)")
    review.add_argument("--json", action="store_true", help="print the review as one JSON document")
    review.set_defaults(handler=run_review)

    activity = subparsers.add_parser(
        "activity", parents=[parent], help="deals, opportunities and the work per working day the target needs",
        description="For a period and a view: average deal size and win rate over the last three complete months, "
                    "the deals and opportunities the needed value asks for, per working day left; then each "
                    "person's open deals against the 6 to 8 one can follow, and open deals with no next action.")
    activity.add_argument("--period", type=parse.period, metavar="P", help="YYYY-MM or YYYY-Qn (default: this month)")
    activity.add_argument("--owner", metavar="O", help="one owner's view (default: the team)")
    activity.add_argument("--as-of", metavar="T", help="a date or RFC 3339 time (default: now)")
    activity.add_argument("--country", metavar="CC", help="the team's country for public holidays, such as VN")
    activity.add_argument("--holiday", type=parse.date, action="append", default=[], metavar="YYYY-MM-DD",
                          help="a day off of the team's own (repeatable)")
    activity.add_argument("--json", action="store_true", help="print the result as one JSON document")
    activity.set_defaults(handler=run_activity)


def _table(*columns: str, numeric: int = 0):
    """A table whose last `numeric` columns are figures (right-aligned)."""
    from rich.table import Table

    table = Table(header_style="bold")
    for i, name in enumerate(columns):
        table.add_column(name, justify="right" if i >= len(columns) - numeric else "left")
    return table


def run_plan(args: argparse.Namespace) -> int:
    import datetime as dt

    from queries import plan_inputs
    from queries.plan import PlanError, plan_year

    with _store(args) as store:
        as_of = store.as_of(args.as_of)
        today = plan_inputs.today(store, as_of)
        history_from = dt.date(min(today.year, args.year) - 2, 1, 1)
        won = plan_inputs.won_deals(store, as_of, history_from)
        try:
            result = plan_year(args.year, args.target, won, today, plan_inputs.first_day(store),
                               owner=args.owner, retention=args.retention)
        except PlanError as err:
            raise parse.InputError(str(err)) from None
    events = [stamp(TargetSet, period=m.period, amount=m.target, owner=args.owner,
                    **({"by": args.by} if args.by else {})) for m in result.months]
    if args.json:
        code = _print_json(msgspec.structs.asdict(result), store.problems)
    else:
        code = outcome(store.problems)
        _show_plan(result)
    if args.apply:
        for event in events:  # every event built (and checked) before the first is written
            appended = append_event(args.ledger, event, clock=now)  # stamped in the ledger's zone
            print(f"line {appended.line}: {describe(appended.event)}", file=sys.stderr if args.json else sys.stdout)
    return code


def _show_plan(result) -> None:
    console = _console()
    who = f"owner {result.owner}" if result.owner else "team"
    _line(console, f"Plan {result.year} ({who}) as of {result.today}: target {money(result.target)}")
    years = ", ".join(str(y) for y in result.seasonality.years)
    _line(console, f"months' weights: the amounts won by calendar month in {years}" if years else
          "months' weights: equal (no complete year of history in the ledger)")
    table = _table("month", "weight", "won then", "target", numeric=3)
    for month, won in zip(result.months, result.seasonality.won_by_month):
        table.add_row(cell(month.period), cell(f"{month.weight:.1%}"), cell(money(won)), cell(money(month.target)))
    table.add_row(cell("year"), cell(""), cell(money(sum(result.seasonality.won_by_month))),
                  cell(money(sum(m.target for m in result.months))))
    console.print(table)
    _line(console, f"existing customers (won in the 12 months to {result.today}) x retention {percent(result.retention)}:")
    accounts = _table("account", "won last 12 months", "expected", numeric=2)
    for a in result.existing_accounts:
        accounts.add_row(cell(a.account, 32), cell(money(a.won_last_12_months)), cell(money(a.expected)))
    if result.existing_accounts:
        console.print(accounts)
    _line(console, f"expected from existing customers {money(result.existing_expected)}  "
                   f"new business needed {money(result.new_business_needed)}")


def run_activity(args: argparse.Namespace) -> int:
    from queries import period_bounds, plan_inputs
    from queries.activity import activity, lookback_months
    from queries.live import live_opportunities
    from queries.moments import month_of
    from queries.workdays import HolidayError, team_holidays

    with _store(args) as store:
        as_of = store.as_of(args.as_of)
        today = plan_inputs.today(store, as_of)
        period = args.period or month_of(today)
        first, last = period_bounds(period)
        try:
            holidays = team_holidays(args.country, range(first.year, last.year + 1), args.holiday)
        except HolidayError as err:
            raise parse.InputError(str(err)) from None
        target, needed = plan_inputs.needed(store, period, as_of, args.owner)
        closed = plan_inputs.closed_deals(store, as_of, lookback_months(today)[0])
        result = activity(period, args.owner, today, first, last, needed, closed, holidays,
                          plan_inputs.order_value(store))
        live = live_opportunities(plan_inputs.open_deals(store, as_of), plan_inputs.people(store), args.owner)
    if args.json:
        return _print_json({"activity": result, "target": target, "live": live}, store.problems)
    _show_activity(result, target, live)
    return outcome(store.problems)


def _show_activity(result, target, live) -> None:
    console = _console()
    who = f"owner {result.owner}" if result.owner else "team"
    first, last = result.lookback
    _line(console, f"Activity {result.period} ({who}) as of {result.today}")
    _line(console, f"target {money(target) if target is not None else 'none'}  "
                   f"needed {needed(result.needed)}")
    size = ("the team's order value" if result.average_from_order_value else
            f"mean of {result.deals_won} deals won {first} to {last}")
    _line(console, f"average deal size {money(result.average_deal_size) or 'none'} ({size})")
    _line(console, f"win rate {percent(result.win_rate) or 'none'} ({result.deals_won} won of "
                   f"{result.deals_won + result.deals_lost} closed, {first} to {last})")
    per_day = "none" if result.per_working_day is None else f"{result.per_working_day:.1f}"
    _line(console, f"deals needed {_count(result.deals_needed)}  opportunities needed "
                   f"{_count(result.opportunities_needed)}")
    _line(console, f"working days left {result.working_days_left}  opportunities per working day {per_day}")
    for why in result.missing:
        _line(console, f"note: {why}")
    people = _table("owner", "flag", "open deals", numeric=1)
    for p in live.people:
        people.add_row(cell(p.owner, 20), cell(f"{p.flag}: keep 6 to 8" if p.flag else "",
                                               style="bold" if p.flag else ""), cell(str(p.open_deals)))
    _line(console, "Live opportunities")
    console.print(people)
    if live.no_next_action:
        _line(console, f"{len(live.no_next_action)} open deals with no next action (`dealbook note DEAL TEXT`):")
        deals = _table("deal", "name", "owner")
        for d in live.no_next_action:
            deals.add_row(cell(d.deal, id_cell=True), cell(d.name, 32), cell(d.owner, 14))
        console.print(deals)
    else:
        _line(console, "every open deal has a next action")


def _count(value: int | None) -> str:
    return "none" if value is None else str(value)



def run_review(args: argparse.Namespace) -> int:
    from queries.review import review

    with _store(args) as store:
        result = review(store, args.period, store.as_of(args.as_of))
    if args.json:
        return _print_json(result, store.problems)
    console = _console()
    _line(console, f"Review {result.period} as of {result.as_of:%Y-%m-%d %H:%M %z}: team target "
                   f"{money(result.team_target, none='not set')}, won {money(result.team_won)}")
    people = _table("owner", "target", "won", "of target", numeric=3)
    for person in result.people:
        people.add_row(cell(person.owner, 20), cell(money(person.target, none="not set")), cell(money(person.won)),
                       cell(percent(person.share) if person.share is not None else "-"))
    console.print(people)
    accounts = _table("account", "won", "deals", numeric=2)
    for account in result.accounts:
        accounts.add_row(cell(account.account, 32), cell(money(account.won)), cell(str(account.deals)))
    if result.accounts:
        console.print(accounts)
    return outcome(store.problems)
