"""`dealbook init FILE|URL` and `dealbook copy SOURCE DEST`: a new ledger, as a file or a PostgreSQL table, and
a ledger copied from one to the other."""

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
        "copy", help="copy a ledger file into a ledger table, or a table into a file, line for line",
        description="FILE URL: append the file's lines to the table; URL FILE: append the table's rows to the file "
                    "(a missing file is made). Verbatim and in order; a second run copies nothing, and a copy cut "
                    "short goes on from where it stopped. A destination that holds lines other than the source's "
                    "first ones is refused.")
    copy.add_argument("source", metavar="FILE|URL",
                      help="the ledger file or postgresql://USER@HOST/DATABASE?table=NAME to copy (it is only read)")
    copy.add_argument("destination", metavar="URL|FILE",
                      help="the table (postgresql://USER@HOST/DATABASE?table=NAME) or the file to copy into")
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
    source, destination = args.source, args.destination
    if postgres.is_url(source) and not postgres.is_url(destination):
        path = Path(destination).expanduser()
        if path.is_dir():
            raise CommandError(f"{path} is a folder: name the .jsonl file to copy the table into")
        where = postgres.parse_url(source)
        copied = pgcopy.copy_to_file(source, path)
        print(f"copied {copied.added} line(s) of {where} to {path} "
              f"({copied.already} were there already; the file now holds {copied.already + copied.added})")
        return 0
    if postgres.is_url(source):
        raise CommandError("copy goes from a file to a table or from a table to a file: to copy one table into "
                           "another, copy it into a file first, then the file into the new table")
    if not postgres.is_url(destination):
        raise CommandError(f"copy goes from a ledger file to a PostgreSQL table or back: neither {source} nor "
                           f"{destination} is a postgresql:// URL (a file is copied as any file is)")
    path = Path(source).expanduser()
    if not path.is_file():
        raise CommandError(f"no ledger file at {path}: name the .jsonl file to copy")
    copied = pgcopy.copy_to_table(path, destination)
    where = postgres.parse_url(destination)
    print(f"copied {copied.added} line(s) of {path} to {where} "
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
