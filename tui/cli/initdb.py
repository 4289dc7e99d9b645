"""`dealbook init FILE|URL` and `dealbook copy FILE URL`: a new ledger, as a file or a PostgreSQL table."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.cli import initfile
from tui.cli.common import CommandError, writes


def register(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser(
        "init", help="start a new ledger: a file (time zone, currency, stages, target) or a PostgreSQL table",
        description="FILE: a new ledger file, starting with the team's time zone, currency, stages and a first "
                    "target; what the options leave out is asked when run in a terminal (else left unset). "
                    "An existing non-empty file is refused. URL (postgresql://USER@HOST/DATABASE?table=NAME): "
                    "create the ledger table and the triggers that refuse any change or removal of its rows; "
                    "connection settings as libpq reads them (the URL, ~/.pgpass, PGPASSWORD, sslmode); "
                    "nothing happens to a table that is already a ledger.")
    init.add_argument("target", metavar="FILE|URL", help="the new ledger file (.jsonl), or a postgresql:// URL")
    init.add_argument("--tz", type=initfile.time_zone, metavar="ZONE",
                      help="the team's IANA time zone, such as Asia/Ho_Chi_Minh (every day is read in it)")
    init.add_argument("--currency", type=initfile.currency, metavar="CODE", help="ISO 4217 code, such as USD")
    init.add_argument("--stage", action="append", dest="stage_specs", metavar="NAME:RATE:LEAD_DAYS[:KIND]",
                      help="a stage of the team's own, repeated in board order (positions 1, 2, ...), such as "
                           "demo:0.3:25; kind open (default), won, lost or inactive. Without it, the method's stages")
    init.add_argument("--target", dest="target_amount", metavar="[PERIOD:]AMOUNT",
                      help="a first target: 60k for this month, or 2026-12:60k")
    init.add_argument("--no-input", action="store_true", help="ask nothing, even in a terminal")
    writes(init, help="who records the first lines (default: your name in the config)")
    init.set_defaults(handler=run_init)
    copy = subparsers.add_parser(
        "copy", help="copy a ledger file into a ledger table, line for line",
        description="Append the file's lines to the table, verbatim and in order. A second run copies nothing; "
                    "a table that holds lines other than the file's first ones is refused.")
    copy.add_argument("source", type=Path, metavar="FILE", help="the ledger file to copy (it is only read)")
    copy.add_argument("destination", metavar="URL", help="the table: postgresql://USER@HOST/DATABASE?table=NAME")
    copy.set_defaults(handler=run_copy)


def _postgres():
    try:
        from ledger import pgcopy, postgres
    except ImportError as err:
        raise CommandError(f"PostgreSQL support is not installed ({err}): pip install 'dealbook[postgres]'") from None
    return postgres, pgcopy


def run_init(args: argparse.Namespace) -> int:
    args.stages = initfile.stages_of(args.stage_specs) if args.stage_specs else None
    if not _looks_like_url(args.target):
        return initfile.run(args)
    if args.tz or args.currency or args.stages or args.target_amount:
        raise CommandError("--tz, --currency, --stage and --target start a ledger file; a PostgreSQL table gets "
                           "them once the command line writes to tables (nothing was created)")
    postgres, _ = _postgres()
    where = postgres.parse_url(args.target)
    if postgres.init(args.target):
        print(f"created the ledger table {where.table} at {where}")
    else:
        print(f"{where} is already a ledger table; nothing changed")
    return 0


def _looks_like_url(text: str) -> bool:
    return text.split("://", 1)[0] in ("postgres", "postgresql") and "://" in text


def run_copy(args: argparse.Namespace) -> int:
    postgres, pgcopy = _postgres()
    if not postgres.is_url(args.destination):
        raise CommandError(f"copy goes from a ledger file to a PostgreSQL table: {args.destination} is not "
                           "a postgresql:// URL")
    if not args.source.is_file():
        raise CommandError(f"no ledger file at {args.source}: name the .jsonl file to copy")
    copied = pgcopy.copy_to_table(args.source, args.destination)
    where = postgres.parse_url(args.destination)
    print(f"copied {copied.added} line(s) of {args.source} to {where} "
          f"({copied.already} were there already; the table now holds {copied.already + copied.added})")
    return 0


def verify_table(url: str) -> int:
    """`dealbook verify` on a table: no seal is needed, since the table's triggers refuse any change to a row;
    it proves that they are there and enabled, and that every row passes the ledger's checks."""
    postgres, _ = _postgres()
    from ledger import read_ledger

    where = postgres.parse_url(url)
    with postgres.connect(where) as conn:
        postgres.require_table(conn, where)  # the three triggers, enabled, or a LedgerError naming them
    ledger = read_ledger(url, keep_events=False)
    for problem in ledger.problems:
        print(problem)
    if ledger.problems:
        print(f"{len(ledger.problems)} problem(s) in {where}: correct them with new events (a row is never changed)")
        return 1
    print(f"ok: {ledger.next_line - 1:,} line(s) checked; {where} refuses any UPDATE, DELETE or TRUNCATE "
          "(its triggers are in place), so no seal is kept for a table")
    return 0
