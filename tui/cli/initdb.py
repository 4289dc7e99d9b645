"""`dealbook init URL` and `dealbook copy FILE URL`: a team's ledger in a PostgreSQL table."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.cli.common import CommandError


def register(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser(
        "init", help="create a ledger table on a PostgreSQL server",
        description="Create the ledger table named by the URL (postgresql://USER@HOST/DATABASE?table=NAME) "
                    "and the triggers that refuse any change or removal of its rows. Connection settings as "
                    "libpq reads them: the URL, ~/.pgpass, PGPASSWORD, sslmode. Nothing happens to a table "
                    "that is already a ledger.")
    init.add_argument("url", metavar="URL")
    init.set_defaults(handler=run_init)
    copy = subparsers.add_parser(
        "copy", help="copy a ledger file into a ledger table, line for line",
        description="Append the file's lines to the table, verbatim and in order. A second run copies nothing; "
                    "a table that holds lines other than the file's first ones is refused.")
    copy.add_argument("source", type=Path, metavar="FILE")
    copy.add_argument("destination", metavar="URL")
    copy.set_defaults(handler=run_copy)


def _postgres():
    try:
        from ledger import pgcopy, postgres
    except ImportError as err:
        raise CommandError(f"PostgreSQL support is not installed ({err}): pip install 'dealbook[postgres]'") from None
    return postgres, pgcopy


def run_init(args: argparse.Namespace) -> int:
    postgres, _ = _postgres()
    where = postgres.parse_url(args.url)
    if postgres.init(args.url):
        print(f"created the ledger table {where.table} at {where}")
    else:
        print(f"{where} is already a ledger table; nothing changed")
    return 0


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
