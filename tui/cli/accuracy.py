"""`dealbook accuracy|backtest`: the forecast's error month by month, and the probability checked against what came true."""

from __future__ import annotations

import argparse

from tui.cli.reports import _console, _line, _print_json, _store, _table, outcome
from tui.text import cell, money, percent

MONTHS = 12


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    accuracy = subparsers.add_parser(
        "accuracy", parents=[parent], help="the forecast's error on days 7, 14 and 21 of each past month",
        description="For each month that has ended (the last --months): the forecast's error against what was "
                    "won on days 7, 14 and 21, and the first day from which the outcome (target made or "
                    "missed) was visible. Is the team's forecasting getting better?")
    accuracy.add_argument("--months", type=int, default=MONTHS, metavar="N",
                          help=f"the last N ended months (default {MONTHS}; 0 for all)")
    accuracy.add_argument("--owner", metavar="O", help="one owner's view (default: the team)")
    accuracy.add_argument("--json", action="store_true", help="print the result as one JSON document")
    accuracy.set_defaults(handler=run_accuracy)

    backtest = subparsers.add_parser(
        "backtest", parents=[parent], help="is the probability honest? every past day's odds against the outcome",
        description="Every day of every ended month (the last --months), for the team and each owner with a "
                    "target: that day's probability of making the target against whether the month made it, "
                    "as a reliability table (predicted band against the share that came true) and a Brier "
                    "score (0 is perfect; always saying 50%% scores 0.25).")
    backtest.add_argument("--months", type=int, default=MONTHS, metavar="N",
                          help=f"the last N ended months (default {MONTHS}; 0 for all)")
    backtest.add_argument("--team", action="store_true",
                          help="the team's view only (each owner's view is one more replay a month)")
    backtest.add_argument("--json", action="store_true", help="print the result as one JSON document")
    backtest.set_defaults(handler=run_backtest)


def _months(value: int) -> int | None:
    from tui.cli.common import CommandError

    if value < 0:
        raise CommandError(f"--months must be 0 (all) or more, not {value}")
    return value or None


def run_accuracy(args: argparse.Namespace) -> int:
    from queries.accuracy import accuracy

    months = _months(args.months)
    with _store(args) as store:
        result = accuracy(store, months, args.owner)
    if args.json:
        return _print_json(result, store.problems)
    console = _console()
    who = f"owner {args.owner}" if args.owner else "team"
    _line(console, f"Forecast accuracy ({who}): error = forecast progress - won at the month's end")
    table = _table("month", "target", "won", "made", "error day 7", "day 14", "day 21", "visible")
    for c in (*table.columns[1:3], *table.columns[4:]):
        c.justify = "right"
    for m in result.months:
        errors = {c.day: money(c.error) for c in m.checkpoints}  # --json: each as a share of won too
        made = "" if m.made is None else ("yes" if m.made else "no")
        seen = f"day {m.first_visible_day}" if m.first_visible else (
            "no target" if m.made is None else "never")
        table.add_row(cell(m.period), cell(money(m.target, none="-")), cell(money(m.actual)), cell(made),
                      *(cell(errors.get(n, "")) for n in (7, 14, 21)), cell(seen))
    console.print(table)
    _line(console, "visible: the first day from which every day's progress against the target told the outcome")
    if not result.months:
        _line(console, "no month has ended yet")
    return outcome(store.problems)


def run_backtest(args: argparse.Namespace) -> int:
    from queries.accuracy import ledger_backtest
    from tui.odds_text import chance_of

    months = _months(args.months)
    with _store(args) as store:
        result = ledger_backtest(store, months, owners=not args.team)
    if args.json:
        return _print_json(result, store.problems)
    console = _console()
    reliability = result.reliability
    who = "the team" if args.team else "team and owners"
    _line(console, f"{reliability.count} day-predictions over {len(result.months)} month-views ({who} with a target)")
    table = _table("band", "count", "predicted", "came true")
    for c in table.columns[1:]:
        c.justify = "right"
    for band in reliability.bands:
        table.add_row(cell(f"{band.low:.0%}-{band.high:.0%}"), cell(str(band.count)),
                      cell(percent(band.mean_predicted)), cell(percent(band.observed)))
    console.print(table)
    if reliability.brier is None:
        _line(console, "no predictions: no ended month has a target")
    else:
        verdict = "better" if reliability.brier < 0.25 else "no better"
        _line(console, f"Brier score {reliability.brier:.3f} (0 is perfect; {verdict} than always saying 50%, 0.25)")
    months = _table("month", "view", "target", "won", "made", "day 1", "day 7", "day 14", "day 21")
    for c in (*months.columns[2:4], *months.columns[5:]):
        c.justify = "right"
    for m in result.months:
        marks = [chance_of(m.probabilities[d - 1]) if d <= len(m.probabilities) else "" for d in (1, 7, 14, 21)]
        months.add_row(cell(m.period), cell(m.owner or "team", 14), cell(money(m.target)), cell(money(m.actual)),
                       cell("yes" if m.made else "no"), *(cell(x) for x in marks))
    console.print(months)
    return outcome(store.problems)
