"""`dealbook check` and `dealbook log`: reading the ledger, never writing it."""

from __future__ import annotations

import argparse
import os

import msgspec

from ledger import LedgerRead, Problem, collector, encode_event, now, read_ledger, too_far_ahead
from ledger.problems import is_url, quote
from ledger.seal import seal_file, verify
from tui.cli.common import leave_to_exit, require_ledger, shown
from tui.describe import describe
from tui.text import plain


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    check = subparsers.add_parser("check", parents=[parent], help="check every line of the ledger",
                                  description="Check every line against the ledger format; exit 1 on any problem.")
    check.set_defaults(handler=run_check)
    seal = subparsers.add_parser(
        "verify", parents=[parent], help="detect lines changed, removed or reordered since the last verify",
        description="Compare every line with the digest kept beside the ledger at the last verify, "
                    "then seal the lines added since. Exit 1, naming the line, when anything differs.")
    seal.set_defaults(handler=run_verify)
    log = subparsers.add_parser("log", parents=[parent], help="list the events, readable")
    log.add_argument("--deal", help="only this deal's events (and the split that created it)")
    log.add_argument("--json", action="store_true", help="one JSON event per line, as stored")
    log.add_argument("--format", choices=("table", "json", "tsv"), default="table",
                     help="table (default), json (as --json), or tsv for other programs: the columns of `dealbook "
                          "export log` (amounts as written, the line's JSON in `event`); a header line, values "
                          "whole, tab, newline and backslash in text as \\t \\n \\\\")
    log.set_defaults(handler=run_log)


def run_check(args: argparse.Namespace) -> int:
    require_ledger(args.ledger)
    with collector.paused():  # the fold makes no cycles; the collector would walk its growing deals again and again
        ledger = read_ledger(args.ledger, keep_events=False)  # the fold alone: a million structs kept cost 300 MiB
    last = ledger.state.last_ts
    if last is not None and too_far_ahead(last, now()) is not None:  # rare: read again to name those lines
        ledger = read_ledger(args.ledger)
    ledger.problems = sorted(ledger.problems + future_lines(ledger), key=lambda p: p.line)
    leave_to_exit(ledger)
    verdict = 1 if ledger.problems else 0
    try:
        _tell(ledger, args.ledger)
    except BrokenPipeError:  # whoever read the output left early (`| head`): the verdict stands, for pipefail
        pass
    return verdict


def _tell(ledger: LedgerRead, path: str | os.PathLike[str]) -> None:
    """check's output: each problem, then a summary."""
    for problem in ledger.problems:
        print(problem)
    state = ledger.state
    span = (f", {state.first_ts.date()} to {state.last_ts.date()}"
            if state.first_ts and state.last_ts else "")
    summary = (f"{_count(state.events, 'event')}, {_count(len(state.deals), 'deal')}, {_count(len(state.owners), 'owner')}{span}")
    if ledger.problems:
        print(f"{len(ledger.problems)} problem(s) in {shown(path)} ({summary} accepted)")
    else:
        print(f"ok: {summary} ({shown(path)})")


def run_verify(args: argparse.Namespace) -> int:
    if is_url(args.ledger):
        from tui.cli.initdb import verify_table

        return verify_table(args.ledger)
    require_ledger(args.ledger)
    result = verify(args.ledger)
    for finding in result.findings:
        print(finding)
    if not result.ok:
        seal = seal_file(args.ledger)
        print(f"the ledger differs from its seal ({seal}); nothing was sealed and the seal is kept as evidence. "
              "Restore the file from a copy (git, backup). If the edit was intended and approved, keep the "
              f"old seal for the record (for example `mv {seal} {seal}.before-edit`) and run `dealbook verify` "
              "to start a new one.")
        return 1
    print(f"ok: {_count(result.checked, 'line')} match the last verify; "
          f"sealed {_count(result.sealed, 'new line')} ({seal_file(args.ledger)})")
    return 0


def run_log(args: argparse.Namespace) -> int:
    require_ledger(args.ledger)
    ledger = read_ledger(args.ledger)
    shown = [(line, event) for line, event in zip(ledger.lines, ledger.events)
             if args.deal is None or _about(event, args.deal)]
    if args.format == "tsv":
        from queries import export
        from tui.cli import tsv

        lines = {line for line, _ in shown}
        rows, _ = export.log_rows(args.ledger)  # the problems are printed below, as the table does
        tsv.write(export.LOG, (row for row in rows if row[0] in lines))
        shown = []
    for line, event in shown:
        if args.json or args.format == "json":
            print(encode_event(event).decode(), end="")
            continue
        when = event.ts.strftime("%Y-%m-%d %H:%M%z")
        who = plain(event.by or "", 12)
        deal = plain(event.deal_id or "")  # an id is never cut: a cut one names another deal
        print(f"{line:>7}  {when}  {who:<12}  {deal:<14}  {describe(event)}")
    for problem in ledger.problems:
        print(f"dealbook: {problem}")
    return 1 if ledger.problems else 0


def future_lines(ledger: LedgerRead) -> list[Problem]:
    """The accepted lines stamped more than 5 minutes past this machine's clock: each blocks every later change."""
    clock = now()
    return [
        Problem(str(ledger.path), line, f"{too_far_ahead(event.ts, clock)}; `dealbook salvage` writes a new "
                                        f"ledger without it (see its --help)", quote(encode_event(event).rstrip()))
        for line, event in zip(ledger.lines, ledger.events) if too_far_ahead(event.ts, clock) is not None
    ]


def _about(event: msgspec.Struct, deal: str) -> bool:
    if getattr(event, "deal", None) == deal:
        return True
    return any(part.deal == deal for part in getattr(event, "parts", ()))


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
