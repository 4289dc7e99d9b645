"""`dealbook salvage`: a new ledger without the lines named, and a record of what was left out and why."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from ledger import now, read_ledger, too_far_ahead
from ledger.home import raw_lines
from ledger.problems import is_url
from tui.cli.common import CommandError, require_ledger, shown


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    sub = subparsers.add_parser(
        "salvage", parents=[parent], help="write a new ledger without some lines (the old one is never changed)",
        description="Copy the ledger line for line to a NEW file, leaving out the lines named by --line and, "
                    "with --future, every line stamped more than 5 minutes past this machine's clock. What "
                    "was left out, and why, is written beside the new ledger (NEW.left-out.jsonl). The "
                    "ledger itself is never edited: check the new one, then point --ledger at it. On a "
                    "PostgreSQL table, NEW is a file too: copy it into a new table with `dealbook copy NEW URL`.")
    sub.add_argument("new", metavar="NEW", help="the new ledger file (must not exist)")
    sub.add_argument("--line", type=int, action="append", default=[], metavar="N", help="leave out line N")
    sub.add_argument("--future", action="store_true", help="leave out every line stamped in the future")
    sub.add_argument("--reason", default="", help="why, for the record (default: the rule that named the line)")
    sub.set_defaults(handler=run_salvage)


def run_salvage(args: argparse.Namespace) -> int:
    require_ledger(args.ledger)
    if is_url(args.new):
        raise CommandError("salvage writes a new FILE, even from a table: name a .jsonl file, then copy it into a "
                           "new table (`dealbook init URL?table=NEW`, `dealbook copy FILE URL?table=NEW`)")
    args.new = Path(args.new)
    if args.new.exists():
        raise CommandError(f"{args.new} already exists: salvage writes a new file and never overwrites one")
    if args.new.resolve() == Path(args.ledger).resolve():
        raise CommandError("the new ledger must be another file: the ledger itself is never edited")
    if not args.line and not args.future:
        raise CommandError("name the lines to leave out: --line N (repeatable) and/or --future")
    reasons: dict[int, str] = {n: args.reason or "named with --line" for n in args.line}
    if args.future:
        ledger = read_ledger(args.ledger)
        clock = now()
        for line, event in zip(ledger.lines, ledger.events):
            late = too_far_ahead(event.ts, clock)
            if late is not None:
                reasons[line] = args.reason or late
    with raw_lines(args.ledger) as rows:  # a table's rows in seq order, as its file would hold them
        raw = b"".join(rows)
    lines = raw.split(b"\n")
    last = len(lines) - (1 if lines and lines[-1] == b"" else 0)
    missing = sorted(n for n in reasons if not 1 <= n <= last)
    if missing:
        raise CommandError(f"{args.ledger} has {last} lines: no line {', '.join(map(str, missing))}; nothing was written")
    kept, left = bytearray(), []
    for number, text in enumerate(lines[:last], start=1):
        if number in reasons:
            left.append({"line": number, "reason": reasons[number], "text": text.decode("utf-8", "backslashreplace")})
        else:
            kept += text + b"\n"
    record = args.new.with_name(args.new.name + ".left-out.jsonl")
    _write_new(args.new, bytes(kept))
    _write_new(record, "".join(json.dumps({"from": shown(args.ledger), **entry}) + "\n" for entry in left).encode())
    print(f"wrote {args.new}: {last - len(left)} of {last} lines; left out {len(left)} "
          f"({', '.join(str(e['line']) for e in left) or 'none'}), recorded in {record}")
    if is_url(str(args.ledger)):
        print(f"next: `dealbook check --ledger {args.new}`, then copy it into a new table (`dealbook init "
              f"URL?table=NEW`, `dealbook copy {args.new} URL?table=NEW`) and point --ledger at that table; the "
              "table itself is never changed")
    else:
        print(f"next: `dealbook check --ledger {args.new}`, then use it as the ledger")
    return 0


def _write_new(path: Path, data: bytes) -> None:
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
