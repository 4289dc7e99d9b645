"""`dealbook export pipeline|forecast|replay|changes|log -o FILE`: a report as CSV, Parquet or JSON, money exact."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui import parse
from tui.cli.common import CommandError, load_progress, require_ledger

REPORTS = ("pipeline", "forecast", "replay", "changes", "log")  # queries.export.REPORTS: --help loads no DuckDB
FORMATS = ("csv", "parquet", "json")
SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".json": "json"}


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    sub = subparsers.add_parser(
        "export", parents=[parent], help="write a report as a CSV, Parquet or JSON table",
        description="Write the pipeline, a forecast's deals, a replay's days, a waterfall's deal changes or the "
                    "ledger's lines as a table, through DuckDB's writers. Amounts are exact decimals.")
    sub.add_argument("report", choices=REPORTS, help="the report to write: " + ", ".join(REPORTS))
    sub.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the file to write")
    sub.add_argument("--format", choices=FORMATS, help="default: from the file's suffix (.csv, .parquet, .json)")
    sub.add_argument("--as-of", metavar="T", help="pipeline, forecast: a date or RFC 3339 time (default: now)")
    sub.add_argument("--period", type=parse.period, metavar="P", help="forecast, replay, changes: YYYY-MM or YYYY-Qn")
    sub.add_argument("--owner", metavar="O", help="forecast, replay, changes: one owner's view (default: the team)")
    sub.add_argument("--from", dest="start", metavar="T1", help="changes: from this moment (required there)")
    sub.add_argument("--to", dest="end", metavar="T2", help="changes: to this moment (default: now)")
    sub.add_argument("--raw-text", action="store_true",
                     help="csv: keep text that starts with = + - @ as it is (by default such a cell gets a leading "
                          "' so that a spreadsheet shows it as text and never runs it as a formula)")
    sub.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    require_ledger(args.ledger)
    fmt = args.format or SUFFIXES.get(args.output.suffix.lower())
    if fmt is None:
        raise CommandError(f"say --format {'|'.join(FORMATS)}: the suffix of {args.output} names none")
    if args.report == "changes" and not args.start:
        raise CommandError("export changes needs --from T1 (and optionally --to T2)")
    from queries import MomentError, Store
    from queries import export

    try:
        if args.report == "log":
            rows, problems = export.log_rows(args.ledger)
            columns = export.LOG
        else:
            with Store.open(args.ledger, progress=load_progress()) as store:
                problems = [str(p) for p in store.problems]
                columns, rows = _report(store, args, export)
        written = export.write_table(rows, columns, args.output, fmt, formulas_inert=not args.raw_text)
    except (MomentError, ValueError) as err:
        raise CommandError(str(err)) from None
    for problem in problems:
        print(f"dealbook: {problem}", file=sys.stderr)
    print(f"wrote {written} row(s) of {args.report} to {args.output} ({fmt})")
    return 0


def _report(store, args: argparse.Namespace, export):
    if args.report == "pipeline":
        return export.PIPELINE, export.pipeline_rows(store.pipeline(as_of=args.as_of))
    if args.report == "forecast":
        return export.FORECAST, export.forecast_rows(store.forecast(period=args.period, as_of=args.as_of,
                                                                    owner=args.owner))
    if args.report == "replay":
        return export.REPLAY, export.replay_rows(store.replay(period=args.period, owner=args.owner))
    return export.CHANGES, export.changes_rows(store.changes(args.start, args.end, period=args.period,
                                                             owner=args.owner))
