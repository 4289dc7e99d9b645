"""`dealbook whatif`: baseline and scenario forecasts side by side; nothing is written unless --commit."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from decimal import Decimal
from typing import Any

import msgspec

from tui import parse
from tui.cli.common import CommandError, load_progress, require_ledger, writes
from tui.cli.reports import outcome, problems_json

HELP = ("try moves without touching the ledger: baseline and scenario forecasts side by side. The scenario is "
        "the events of every --scenario FILE, in order, then the moves, in this order: --rate/--lead-days, "
        "--target, --slip, --lose, --big-to-should, --promote (each move sees the ones before). Nothing is "
        "written to the ledger unless --commit.")


def _stage_value(kind: type, text: str) -> tuple[str, Any]:
    stage, sep, value = text.partition("=")
    if not sep or not stage.strip():
        raise parse.InputError(f"give STAGE=VALUE, such as quote=0.55 or quote=10, not {text!r}")
    if kind is float:
        return stage.strip(), parse.rate(value)
    try:
        return stage.strip(), kind(value.strip())
    except ValueError:
        raise parse.InputError(f"{value!r} is not a whole number of days") from None


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    sub = subparsers.add_parser("whatif", parents=[parent], help="try moves without touching the ledger",
                                description=HELP)
    sub.add_argument("--as-of", metavar="T", help="the moment (default now; a bare date is the end of that day)")
    sub.add_argument("--period", type=parse.period, help="YYYY-MM or YYYY-Qn (default: the month of T)")
    sub.add_argument("--owner", help="one owner's view (default: the team)")
    sub.add_argument("--big-at", type=parse.amount, metavar="AMOUNT",
                     help="a deal is big from this amount (default: 25%% of the view's target)")
    moves = sub.add_argument_group("moves")
    moves.add_argument("--big-to-should", action="store_true", help="every open big must-have to should-have")
    moves.add_argument("--slip", action="append", default=[], metavar="DEAL",
                       help="the deal's close date to the first day of the next period (repeatable)")
    moves.add_argument("--slip-days", type=int, metavar="N", help="slip to the period's last day + N days instead")
    moves.add_argument("--lose", action="append", default=[], metavar="DEAL", help="the deal is lost (repeatable)")
    moves.add_argument("--promote", action="store_true", help="apply the promotions the method proposes")
    moves.add_argument("--rate", action="append", default=[], metavar="STAGE=RATE",
                       type=functools.partial(_stage_value, float), help="a stage's conversion rate, such as quote=0.5")
    moves.add_argument("--lead-days", action="append", default=[], metavar="STAGE=DAYS",
                       type=functools.partial(_stage_value, int), help="a stage's lead time, such as quote=10")
    moves.add_argument("--target", type=parse.amount, metavar="AMOUNT", help="the view's target for the period")
    files = sub.add_argument_group("scenario files (.jsonl: one event a line, ledger format, id and ts optional)")
    files.add_argument("--scenario", action="extend", nargs="+", default=[], type=Path, metavar="FILE",
                       help="add the files' events to the scenario, in order")
    files.add_argument("--compare", action="extend", nargs="+", default=[], type=Path, metavar="FILE",
                       help="compare each file as a scenario of its own (the files and moves above make one more)")
    files.add_argument("--save", type=Path, metavar="FILE", help="save the scenario (files and moves) to FILE")
    sub.add_argument("--commit", action="store_true",
                     help="append the scenario's events to the ledger, each checked at the version the scenario saw")
    sub.add_argument("--json", action="store_true", help="{baseline, scenario, changed, events} as JSON")
    writes(sub, help="who records the moves with --commit")
    sub.set_defaults(handler=run_whatif)


def _moves(args: argparse.Namespace) -> list[Any]:
    from queries import moves

    stage_changes: dict[str, dict[str, Any]] = {}
    for stage, rate in args.rate:
        stage_changes.setdefault(stage, {})["rate"] = rate
    for stage, days in args.lead_days:
        stage_changes.setdefault(stage, {})["lead_days"] = days
    plan: list[Any] = [functools.partial(moves.change_stage, stage=s, **c) for s, c in stage_changes.items()]
    if args.target is not None:
        plan.append(functools.partial(moves.set_target, amount=args.target))
    plan += [functools.partial(moves.slip, deal=d, days=args.slip_days) for d in args.slip]
    plan += [functools.partial(moves.lose, deal=d) for d in args.lose]
    if args.big_to_should:
        plan.append(functools.partial(moves.big_to_should, big_at=args.big_at))
    if args.promote:
        plan.append(moves.promote)
    return plan


def run_whatif(args: argparse.Namespace) -> int:
    from queries import MomentError, Store
    from queries import moves, scenarios
    from queries.scenario_files import commit, read_scenario, write_scenario

    require_ledger(args.ledger)
    plan = _moves(args)
    if args.slip_days is not None and not args.slip:
        raise CommandError("--slip-days goes with --slip DEAL: the days after the period's last day it slips to")
    if args.compare and (args.save or args.commit):
        raise CommandError("--save and --commit take one scenario: leave out --compare")
    with Store.open(args.ledger, progress=load_progress()) as store:
        try:
            moment = store.as_of(args.as_of)
        except (MomentError, ValueError) as err:
            raise CommandError(str(err)) from None
        problems = list(store.problems)
        if store.cache_note:
            print(f"dealbook: note: {store.cache_note}", file=sys.stderr)
        period = args.period or f"{moment.year:04d}-{moment.month:02d}"
        if not (plan or args.scenario or args.compare):
            raise CommandError("nothing to try: give a move (--big-to-should, --slip DEAL, --lose DEAL, --promote, "
                               "--rate, --lead-days, --target) or --scenario FILE")
        base = [event for path in args.scenario for event in read_scenario(path)]
        try:
            events = moves.apply_moves(store, base, plan, period, moment, args.owner, args.big_at)
        except OverflowError:
            raise CommandError("the slip goes past 9999-12-31, the last date the calendar knows: give a smaller "
                               "--slip-days, or a period before 9999-12") from None
        if args.compare:
            named = [(path.name, read_scenario(path)) for path in args.compare]
            if events:
                parts = [path.name for path in args.scenario] + (["moves"] if plan else [])
                named.append((" + ".join(parts), events))
            result: Any = scenarios.compare(store, named, period, moment, args.owner, args.big_at)
        else:
            result = scenarios.what_if(store, events, period, moment, args.owner, args.big_at)
        committed = None
        if args.save:
            write_scenario(args.save, events, ledger=args.ledger)
        if args.commit:
            if not events:
                raise CommandError("nothing to commit: the scenario has no events (the moves changed nothing)")
            staged = scenarios.stage(store, events, moment)
            end = scenarios.ledger_end(store)
            committed = commit(args.ledger, staged, by=args.by, clock=_clock(end))
    for problem in problems:
        print(f"dealbook: {problem}", file=sys.stderr)
    if args.json:
        document = msgspec.to_builtins(result, builtin_types=(Decimal,))
        document["problems"] = problems_json(problems)
        if committed is not None:
            document["commit"] = {
                "appended": [{"line": a.line, "deal_version": a.deal_version,
                              "event": msgspec.to_builtins(a.event, builtin_types=(Decimal,))}
                             for a in committed.appended],
                "not_appended": msgspec.to_builtins(committed.not_appended, builtin_types=(Decimal,)),
                "refused": committed.refused, "unchanged": committed.unchanged,
            }
        from queries.model import to_json

        sys.stdout.buffer.write(to_json(document) + b"\n")
    else:
        _print(result, args)
        if args.save:
            print(f"saved {len(events)} event(s) to {args.save}")
        if committed is not None:
            print(("committed: " if committed.complete else "commit stopped: ") + committed.summary())
            if any(a.event.ts == end for a in committed.appended):
                print(f"this machine's clock is behind the ledger's last line: stamped at {end:%Y-%m-%d %H:%M %z}")
    if committed is not None and not committed.complete:
        return 1
    return outcome(problems)


def _clock(ledger_end: dt.datetime | None) -> Callable[[], dt.datetime]:
    """Now, but never before the ledger's last line (a clock behind the ledger stamps at that line, as the board does)."""
    from ledger import now

    def clock() -> dt.datetime:
        moment = now()
        return moment if ledger_end is None or moment >= ledger_end else ledger_end

    return clock


def _print(result: Any, args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.text import Text

    from queries.scenarios import Comparison
    from tui.text import cell
    from tui.whatif.tables import changed_table, events_text, figures_table

    console = Console(highlight=False, soft_wrap=False)
    baseline = result.baseline
    who = f"owner {baseline.owner}" if baseline.owner else "team"
    title = Text("What-if ", style="bold")
    title.append_text(cell(f"{baseline.period} · {who} · as of {baseline.as_of:%Y-%m-%d %H:%M %z} · "
                           f"{baseline.days_left} days left"))
    written = ("--commit: the events below are appended to the ledger (the outcome is on the last line)"
               if args.commit else "nothing was written to the ledger")
    title.append(f"\n{written}", style="dim")
    console.print(title)
    sides = ([(s.name, s) for s in result.scenarios] if isinstance(result, Comparison)
             else [(result.name or "Scenario", result)])
    for name, side in sides:
        console.print(Text(f"\n{'Scenario ' + name if isinstance(result, Comparison) else 'Scenario'}: "
                           f"{len(side.events)} hypothetical event(s), stamped at the moment above", style="bold"))
        console.print(events_text(side.events), end="")
    console.print()
    changes = len(sides) < 3 or console.width >= 110
    console.print(figures_table(baseline, [(name, side.scenario) for name, side in sides], changes))
    for name, side in sides:
        heading = "Deals whose contribution changed" + (f" in {name}" if len(sides) > 1 else "")
        console.print(Text(f"\n{heading}: {len(side.changed)}", style="bold"))
        if side.changed:
            console.print(changed_table(side.changed))
