"""`dealbook forecast|replay|changes|calibrate`: the queries engine's reports, as tables or JSON."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from functools import partial
from collections.abc import Iterator
from contextlib import contextmanager

import msgspec

from tui import parse
from tui.cli.common import CommandError, load_progress, require_ledger, writes
from tui.text import cell, day, money, needed, orders, percent, plain

TABLE_LIMIT = 40  # deals shown in a table by default; --json always has them all
PROBLEMS_EXIT = 3  # the figures were computed, but the ledger has lines they could not use


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    def command(name: str, help_: str, description: str) -> argparse.ArgumentParser:
        sub = subparsers.add_parser(name, parents=[parent], help=help_, description=description)
        sub.add_argument("--json", action="store_true", help="print the result as one JSON document")
        return sub

    def owner_and_period(sub: argparse.ArgumentParser, period_help: str) -> None:
        sub.add_argument("--period", type=parse.period, metavar="P", help=period_help)
        sub.add_argument("--owner", metavar="O", help="one owner's view (default: the team)")

    forecast = command("forecast", "where the period stands: progress, needed, chance, promotions",
                       "A period's forecast as of a moment, by the rules of docs/forecast-rules.md.")
    forecast.add_argument("--as-of", metavar="T",
                          help="a date (the end of that day, in the offset of the ledger's last line) or an "
                               "RFC 3339 time (default: now)")
    owner_and_period(forecast, "YYYY-MM or YYYY-Qn (default: the month of --as-of)")
    forecast.add_argument("--big-at", type=parse.amount, metavar="AMOUNT",
                          help="the big-deal threshold (default: 25%% of the target)")
    forecast.add_argument("--limit", type=int, default=TABLE_LIMIT, metavar="N",
                          help=f"deals shown in the table (default {TABLE_LIMIT}; 0 for all)")
    forecast.add_argument("--orders", action="store_true",
                          help="also count target, won, progress and needed in orders of the ledger's order_value")
    forecast.set_defaults(handler=run_forecast)
    as_csv(forecast, "one row per deal of the forecast")

    replay = command("replay", "how the forecast ran day by day against what was won",
                     "The forecast at the end of each day of a period, its error against the actual, "
                     "checkpoints on days 7, 14 and 21, and the first day the outcome was visible.")
    owner_and_period(replay, "YYYY-MM or YYYY-Qn (default: this month)")
    replay.set_defaults(handler=run_replay)
    as_csv(replay, "one row per day")

    changes = command("changes", "what moved progress between two moments, cause by cause",
                      "A waterfall of a period's progress from --from to --to: each change given to the "
                      "event that caused it, or to time running out.")
    changes.add_argument("--from", dest="start", required=True, metavar="T1",
                         help="a date (from the start of that day) or an RFC 3339 time")
    changes.add_argument("--to", dest="end", required=True, metavar="T2",
                         help="a date (to the end of that day) or an RFC 3339 time")
    owner_and_period(changes, "YYYY-MM or YYYY-Qn (default: the month of --to)")
    changes.add_argument("--limit", type=int, default=TABLE_LIMIT, metavar="N",
                         help=f"deal lines shown (default {TABLE_LIMIT}; 0 for all)")
    changes.set_defaults(handler=run_changes)
    as_csv(changes, "one row per deal's part in a cause")

    calibrate = command("calibrate", "each stage's rate and lead time against the ledger's history",
                        "Per stage: the configured conversion rate and lead time beside the ones measured "
                        "on the ledger's closed deals, with how many deals each figure rests on, and the "
                        "measured rates per owner beside the team's. With --apply, writes the measured "
                        "figures to the stage table (a stage_defined event per open stage that changes).")
    calibrate.add_argument("--apply", action="store_true",
                           help="append stage_defined events with the measured rates and lead times, after "
                                "showing old against new")
    calibrate.add_argument("--min-closed", type=int, default=20, metavar="N",
                           help="with --apply: a measured rate replaces the configured one when it rests on at "
                                "least N closed deals, a lead time when on N won deals (default 20)")
    writes(calibrate, help="who records the new rates with --apply (default: the configured name, else your login)")
    calibrate.set_defaults(handler=run_calibrate)


@contextmanager
def _store(args: argparse.Namespace) -> Iterator[object]:
    require_ledger(args.ledger)
    from queries import MomentError, Store  # here, so that `dealbook --help` does not load DuckDB

    store = Store.open(args.ledger, progress=load_progress())
    try:
        yield store
    except (MomentError, ValueError) as err:
        raise CommandError(str(err)) from None
    finally:
        store.close()
    if store.cache_note:
        print(f"dealbook: note: {store.cache_note}", file=sys.stderr)
    for problem in store.problems:
        print(f"dealbook: {problem}", file=sys.stderr)


def problems_json(problems: list) -> list[dict[str, object]]:
    """The ledger's problems for a script: each {path, line, reason}."""
    return [{"path": p.path, "line": p.line, "reason": p.reason} for p in problems]


def outcome(problems: list) -> int:
    """0, or PROBLEMS_EXIT when the figures rest on a ledger with problems (a script must not take them as all well)."""
    return PROBLEMS_EXIT if problems else 0


def _print_json(result: object, problems: list) -> int:
    from queries.model import to_json  # here: a change command never loads DuckDB

    document = msgspec.to_builtins(result, builtin_types=(Decimal,))
    if isinstance(document, dict):  # calibrate's list of stages keeps its shape: its exit code tells
        document["problems"] = problems_json(problems)
    sys.stdout.buffer.write(to_json(document) + b"\n")
    return outcome(problems)


def _console():
    """The console for a report: the terminal's width, or, piped to a file or a program, as wide as the lines
    need, so that no value is cut or wrapped for a width nobody sees."""
    from rich.console import Console

    return Console(highlight=False, width=None if sys.stdout.isatty() else PIPED_WIDTH)


PIPED_WIDTH = 400  # characters: a report's widest table (the forecast's) fits whole


def _line(console, text: str) -> None:
    """A line of prose holding user text: printed as data, never as markup."""
    from rich.text import Text

    console.print(Text(plain(text)))


def _table(*columns: str):
    from rich.table import Table

    table = Table(header_style="bold")
    for name in columns:
        numeric = name in {"amount", "est. value", "progress", "target", "needed", "error", "change",
                           "rate", "measured", "lead", "measured lead", "deals", "won deals", "chance",
                           "odds", "p50"}
        table.add_column(name, justify="right" if numeric else "left")
    return table


def _limited(rows: list, limit: int) -> tuple[list, int]:
    if limit <= 0 or len(rows) <= limit:
        return rows, 0
    return rows[:limit], len(rows) - limit


def as_csv(sub: argparse.ArgumentParser, rows: str) -> None:
    sub.add_argument("--format", choices=("table", "json", "csv", "tsv"), default="table",
                     help=f"table (default), json (as --json), csv or tsv: {rows}, the columns of `dealbook export`; "
                          "csv for a spreadsheet (text that starts like a formula gets a leading '), tsv for other "
                          "programs (a header line, exact values, tab, newline and backslash in text as \\t \\n \\\\)")


def _print_csv(report: str, result: object, problems: list, fmt: str = "csv") -> int:
    """The report as CSV (or TSV) on standard output, as `dealbook export REPORT` writes it (money exact)."""
    import csv

    from queries import export

    columns, rows = {"forecast": (export.FORECAST, export.forecast_rows),
                     "replay": (export.REPLAY, export.replay_rows),
                     "changes": (export.CHANGES, export.changes_rows)}[report]
    if fmt == "tsv":
        from tui.cli import tsv

        tsv.write(columns, rows(result))
        return outcome(problems)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([name for name, _ in columns])
    for row in rows(result):
        writer.writerow([export.csv_cell(value, kind) for value, (_, kind) in zip(row, columns)])
    return outcome(problems)


def run_forecast(args: argparse.Namespace) -> int:
    with _store(args) as store:
        result = store.forecast(period=args.period, as_of=args.as_of, owner=args.owner, big_at=args.big_at)
        order_value = store.settings().get("order_value") if args.orders else None
    if args.orders and not order_value:
        raise CommandError("--orders counts in orders of the ledger's order value, and none is set: "
                           "`dealbook settings --order-value 8k` sets the team's")
    if args.format in ("csv", "tsv"):
        return _print_csv("forecast", result, store.problems, args.format)
    if args.json or args.format == "json":
        return _print_json(result, store.problems)
    console = _console()
    who = f"owner {result.owner}" if result.owner else "team"
    _line(console, f"Forecast {result.period} ({who}) as of {day(result.as_of)}, {result.days_left} days left")
    if result.target is None:
        _line(console, (
            f"no target  won {money(result.won)}  progress {money(result.progress)}  "
            f"(set one with `dealbook target {result.period} AMOUNT`"
            + (f" --owner {plain(result.owner)})" if result.owner else ")")
        ))
    else:
        _line(console, (
            f"target {money(result.target)}  won {money(result.won)}  progress {money(result.progress)}  "
            f"needed {needed(result.needed)}  chance {percent(result.chance)}  coverage {percent(result.coverage)}  "
            + ("on track" if result.on_track else "not on track")
        ))
    if order_value:
        counted = partial(orders, order_value=order_value, none="none")
        _line(console, f"in orders of {money(order_value)}: target {counted(result.target)}  won {counted(result.won)}  "
                       f"progress {counted(result.progress)}  needed {needed(result.needed, counted)}")
    _odds_lines(console, result)
    shown, hidden = _limited(result.deals, args.limit)
    table = _table("deal", "name", "owner", "stage", "priority", "amount", "est. value", "counts", "big")
    for d in shown:
        table.add_row(cell(d.deal, id_cell=True), cell(d.name, 32), cell(d.owner, 14), cell(d.stage), cell(d.priority),
                      cell(money(d.amount)), cell(money(d.estimated_value)), cell("yes" if d.counts else ""),
                      cell("big" if d.big else ""))
    console.print(table)
    if hidden:
        _line(console, f"... and {hidden} more deals (--limit 0 shows them all)")
    if result.promotions:
        _line(console, "promote to must-have: " + ", ".join(result.promotions))
    return outcome(store.problems)


def _odds_lines(console, result) -> None:
    from tui.odds_text import categories_line, method, odds_line

    if result.odds is not None:
        _line(console, f"{odds_line(result.odds)}  [{method(result.odds)}]")
    if result.categories is not None:
        _line(console, categories_line(result.categories))


def run_replay(args: argparse.Namespace) -> int:
    with _store(args) as store:
        result = store.replay(period=args.period, owner=args.owner)
    if args.format in ("csv", "tsv"):
        return _print_csv("replay", result, store.problems, args.format)
    if args.json or args.format == "json":
        return _print_json(result, store.problems)
    console = _console()
    who = f"owner {result.owner}" if result.owner else "team"
    _line(console, f"Replay {result.period} ({who}): actual {money(result.actual)}, "
                   f"target {money(result.target, none='none (no target set)')}")
    from queries.odds_of import odds_turned
    from tui.odds_text import chance_of, checkpoint_line, turned_line

    table = _table("date", "progress", "target", "needed", "chance", "odds", "p50", "error")  # --json: p10, p90
    for d in result.days:
        table.add_row(cell(day(d.date)), cell(money(d.progress)), cell(money(d.target)), cell(money(d.needed)),
                      cell(percent(d.chance)), cell(chance_of(d.odds.probability) if d.odds else ""),
                      cell(money(d.odds.p50) if d.odds else ""), cell(money(d.error)))
    console.print(table)
    turned = odds_turned(result.days)
    if turned:
        _line(console, turned_line(*turned))
    for mark in result.checkpoints:
        _line(console, checkpoint_line(mark, day(mark.date), "actual"))
    seen = day(result.first_visible) if result.first_visible else "not visible by the last day replayed"
    _line(console, f"outcome first visible: {seen}")
    return outcome(store.problems)


def run_changes(args: argparse.Namespace) -> int:
    with _store(args) as store:
        result = store.changes(args.start, args.end, period=args.period, owner=args.owner)
    if args.format in ("csv", "tsv"):
        return _print_csv("changes", result, store.problems, args.format)
    if args.json or args.format == "json":
        return _print_json(result, store.problems)
    console = _console()
    who = f"owner {result.owner}" if result.owner else "team"
    _line(console, f"Progress of {result.period} ({who}) from {day(result.start_as_of)} to {day(result.end_as_of)}")
    table = _table("", "change")
    table.add_row(cell("start"), cell(money(result.start)))
    for cause, amount in result.buckets.items():
        if amount:
            table.add_row(cell(cause.replace("_", " ")), cell(money(amount)))
    table.add_row(cell("end"), cell(money(result.end)))
    console.print(table)
    shown, hidden = _limited(result.deals, args.limit)
    deals = _table("cause", "deal", "name", "owner", "change", "events")
    for d in shown:
        deals.add_row(cell(d.cause.replace("_", " ")), cell(d.deal, id_cell=True), cell(d.name, 32), cell(d.owner, 14),
                      cell(money(d.amount)), cell(", ".join(d.events), 40))
    if shown:
        console.print(deals)
    if hidden:
        _line(console, f"... and {hidden} more (--limit 0 shows them all)")
    return outcome(store.problems)


def run_calibrate(args: argparse.Namespace) -> int:
    from tui.cli import learning

    with _store(args) as store:
        result = store.calibrate()
    if args.apply:
        if store.problems:
            raise CommandError("refused: the ledger has lines the figures could not use (listed above); "
                               "fix them (dealbook check) before writing rates learned from it; nothing was written")
        proposals, appended = learning.run_apply(args, learning.proposals(result, args.min_closed))
        if args.json:
            return _print_json({"stages": proposals, "appended": [
                {"line": a.line, "event": msgspec.to_builtins(a.event, builtin_types=(Decimal,))}
                for a in appended]}, store.problems)
        console = _console()
        console.print(learning.changes_table(proposals, args.min_closed))
        for a in appended:
            _line(console, f"line {a.line}: stage {a.event.stage}: rate {a.event.rate}, lead {a.event.lead_days} days")
        if not appended:
            _line(console, "nothing to change: no open stage has measured figures resting on enough deals that "
                           "differ from its configured ones")
        return 0
    if args.json:
        return _print_json(result, store.problems)
    table = _table("stage", "kind", "rate", "measured", "lead", "measured lead", "deals", "won deals")
    for s in result:
        lead = "" if s.measured_lead_days is None else f"{s.measured_lead_days:g}"
        table.add_row(cell(s.stage), cell(s.kind), cell(percent(s.rate)), cell(percent(s.measured_rate)),
                      cell(str(s.lead_days)), cell(lead), cell(str(s.deals)), cell(str(s.won_deals)))
    console = _console()
    console.print(table)
    owners = learning.owners_table(result)
    if owners is not None:
        console.print(owners)
    pending = [s.stage for s in learning.proposals(result, args.min_closed) if s.changes]
    if pending:
        _line(console, f"--apply (--min-closed {args.min_closed}) would set the measured figures of: "
                       + ", ".join(pending))
    return outcome(store.problems)
