"""`dealbook key-result` sets a quarter's key result; `dealbook okr` scores them from the ledger."""

from __future__ import annotations

import argparse
import re

from ledger import KeyResultSet
from ledger.events import QUARTER_PATTERN
from tui import parse
from tui.cli.common import writes
from tui.cli.edits import _append
from tui.cli.reports import _console, _line, _print_json, _store, outcome
from tui.text import money, plain

MEASURES = {"won-amount": "won_amount", "deals-won": "deals_won", "new-accounts": "new_accounts"}
SAID = {"won_amount": "amount won", "deals_won": "deals won", "new_accounts": "new accounts won"}


def quarter(text: str) -> str:
    value = text.strip().upper()
    if not re.fullmatch(QUARTER_PATTERN, value):
        raise parse.InputError(f"key results are a quarter's: YYYY-Qn such as 2027-Q1, not {text!r}")
    return value


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    sub = subparsers.add_parser(
        "key-result", parents=[parent], help="set a key result of a quarter's objective, measured from the ledger",
        description="Append one key_result_set: a key result of the quarter's objective, for the team or one "
                    "owner, measured from the ledger as the amount won in the quarter, the deals won in it of "
                    "at least an amount, or the accounts whose first win falls in it. Setting the same quarter, "
                    "key and owner again replaces it.")
    sub.add_argument("period", type=quarter, metavar="QUARTER", help="YYYY-Qn, such as 2027-Q1")
    sub.add_argument("key", help="a short name for the key result, such as KR1")
    sub.add_argument("--objective", required=True, help="the objective it measures, in words")
    sub.add_argument("--measure", required=True, choices=sorted(MEASURES),
                     help="what the ledger counts: " + ", ".join(f"{m} ({SAID[MEASURES[m]]})" for m in sorted(MEASURES)))
    sub.add_argument("--goal", required=True, metavar="N",
                     help="what scores 1: an amount (won-amount: 300k) or a count (deals-won, new-accounts: 5)")
    sub.add_argument("--at-least", metavar="AMOUNT", help="deals-won: count only deals of at least this amount")
    sub.add_argument("--owner", metavar="O", help="one person's key result (default: the team's)")
    sub.add_argument("--ts", type=parse.timestamp,
                     help="when it was set, RFC 3339 (default: now, in the ledger's time zone)")
    writes(sub)
    sub.set_defaults(handler=run_set)

    report = subparsers.add_parser(
        "okr", parents=[parent], help="a quarter's objectives and key results, each scored 0 to 1 from the ledger",
        description="Each key result of the quarter with what the ledger measures so far and its score "
                    "(value / goal, 1 at most).")
    report.add_argument("period", type=quarter, metavar="QUARTER", help="YYYY-Qn, such as 2027-Q1")
    report.add_argument("--as-of", metavar="T", help="a date or RFC 3339 time (default: now)")
    report.add_argument("--json", action="store_true", help="print the scores as one JSON document")
    report.set_defaults(handler=run_okr)


def run_set(args: argparse.Namespace) -> int:
    measure = MEASURES[args.measure]
    goal = parse.amount(args.goal)
    fields = {"period": args.period, "key": args.key.strip(), "objective": args.objective.strip(),
              "measure": measure, "goal": goal}
    if args.at_least is not None:
        if measure != "deals_won":
            raise parse.InputError("--at-least goes with --measure deals-won only")
        fields["at_least"] = parse.amount(args.at_least)
    if args.owner:
        fields["owner"] = args.owner
    return _append(args, KeyResultSet, fields)


def run_okr(args: argparse.Namespace) -> int:
    from queries import plan_inputs
    from queries.okr import scores

    with _store(args) as store:
        as_of = store.as_of(args.as_of)
        results = scores(store.key_results().values(), plan_inputs.won_deals(store, as_of),
                         period=args.period)
    if args.json:
        return _print_json({"period": args.period, "key_results": results}, store.problems)
    console = _console()
    if not results:
        _line(console, f"no key result for {args.period}: set one with `dealbook key-result {args.period} KR1 "
                       "--objective ... --measure won-amount --goal 300k`")
        return outcome(store.problems)
    objective = None
    for r in results:
        if r.objective != objective:
            objective = r.objective
            _line(console, f"Objective: {plain(objective)}")
        what = SAID[r.measure] + (f" (deals of at least {money(r.at_least)})" if r.at_least else "")
        shown = (money(r.value), money(r.goal)) if r.measure == "won_amount" else (f"{r.value:f}", f"{r.goal:f}")
        who = f" [{plain(r.owner)}]" if r.owner else ""
        _line(console, f"  {plain(r.key)}{who}: {what} {shown[0]} of {shown[1]}  score {r.score:.2f}")
    return outcome(store.problems)

