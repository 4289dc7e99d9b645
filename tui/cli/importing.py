"""`dealbook import FILE`: a CRM's deal export read as a snapshot, appended as the events that differ."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import msgspec

from ledger import DealOpened, Event, LedgerError, new_id, now, read_ledger
from ledger.writer import append_events
from ledger.writer import refuse_broken
from tui.cli.common import CommandError, shown, writes
from tui.describe import describe
from tui.text import plain

CLOCK_SLACK = dt.timedelta(seconds=5)  # the writer moves a ts this close to the last line up to it
SHOWN = 20  # missing or renamed deals listed by name; the rest are counted
CRMS = ("dealbook", "hubspot", "pipedrive", "salesforce", "zoho")  # queries.crm.BUILT_IN, named here: --help loads no DuckDB


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    sub = subparsers.add_parser(
        "import", parents=[parent], help="bring deals in from a CRM export (CSV), as a snapshot",
        description="Read a CRM's deal export and append the events that bring the ledger to it: new deals "
                    "open, changed deals get one event per change, unchanged deals nothing. The whole file is "
                    "checked first; a bad row stops the import unless --skip-bad. See docs/import-export.md.")
    sub.add_argument("file", type=Path, metavar="FILE", help="the CSV export")
    sub.add_argument("--crm", choices=CRMS, help="the CRM that wrote it (default: from the header row)")
    sub.add_argument("--map", type=Path, metavar="FILE.toml", help="a map of your own (columns, stages, owners)")
    sub.add_argument("--decimal-mark", choices=(".", ","), help="the amounts' decimal mark (default: the map's)")
    sub.add_argument("--date-order", choices=("mdy", "dmy"), help="how slashed dates read (default: the map's)")
    sub.add_argument("--dry-run", action="store_true", help="show the events it would append; append nothing")
    sub.add_argument("--skip-bad", action="store_true", help="append the good rows and list the bad ones")
    writes(sub)
    sub.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    from queries.crm import BUILT_IN, CellError, MapError, load_map, plan_import, read_snapshot

    ledger = read_ledger(args.ledger, keep_events=False)
    refuse_broken(ledger)  # before the file is read: the appends would refuse it anyway
    state = ledger.state
    try:
        crm = load_map(args.map, args.crm) if args.map else (BUILT_IN[args.crm] if args.crm else None)
        snapshot = read_snapshot(args.file, list(state.stages), crm, args.decimal_mark, args.date_order)
    except (MapError, CellError) as err:
        raise CommandError(str(err)) from None
    for bad in snapshot.bad:
        print(f"{args.file}:{bad.row}: {plain(bad.reason)}", file=sys.stderr)
    if snapshot.bad and not args.skip_bad:
        raise CommandError(f"{snapshot.bad_rows} bad row(s) of {snapshot.rows} in {args.file}; nothing was "
                           "appended. Fix them in the CRM and export again, or pass --skip-bad")
    plan = plan_import(snapshot, state, by=args.by)
    events = plan.events
    skipped = f", {snapshot.bad_rows} bad row(s) skipped" if snapshot.bad else ""
    print(f"{args.file}: {snapshot.crm.name} export, {snapshot.rows} row(s): {plan.opened} to open, "
          f"{plan.changed} changed, {plan.unchanged} unchanged: {len(events)} event(s){skipped}")
    _notices(plan)
    if plan.opened and all(record.priority is None for record in snapshot.records):
        print(_priority_hint(plan.opened, snapshot.crm.priority))
    if args.dry_run:
        for event in events:
            print(f"would append: {plain(event.deal_id)}: {describe(event)}")
        print(f"dry run: {len(events)} event(s) would be appended; nothing was written")
        return 0
    if state.last_ts is not None and events and state.last_ts - events[0].ts > CLOCK_SLACK:
        raise CommandError(f"the ledger's last line is stamped {state.last_ts.isoformat()}, later than this "
                           "machine's clock; nothing was imported. Check the clock")
    items = []  # every event with the version its deal will be at: checked and written at once
    for planned in plan.deals:
        version = planned.version
        for planned_event in planned.events:
            event = _stamped_now(planned_event)
            items.append((event, None if isinstance(event, DealOpened) else version))
            version += 1
    try:
        done = append_events(args.ledger, items, clock=now)  # one lock, one write, one fsync; in the ledger's zone
    except LedgerError as err:
        raise CommandError(f"{err}\nnothing was imported; run the same import again once that is fixed") from None
    appended = len(done)
    first, last = (done[0].line, done[-1].line) if done else (None, None)
    if appended:
        print(f"appended {appended} event(s), lines {first}-{last} of {shown(args.ledger)}")
    else:
        print(f"nothing to append: {shown(args.ledger)} already matches the file")
    return 0


def _stamped_now(event: Event) -> Event:
    """The planned event stamped afresh: a long import never writes a time earlier than another writer's line."""
    return msgspec.structs.replace(event, id=new_id(), ts=now())


def _priority_hint(opened: int, priority: str) -> str:
    """What to do next when the export said no priority: progress counts only the must-haves."""
    return (f"{opened} deal(s) to open as {priority}-have: the export has no priority, and progress counts only "
            "must-haves. Mark those that must close this period: `dealbook priority DEAL must`, or + on the board")


def _notices(plan) -> None:
    if plan.missing:
        names = ", ".join(f"{plain(d)} ({plain(n, 40)})" for d, n in plan.missing[:SHOWN])
        more = f" and {len(plan.missing) - SHOWN} more" if len(plan.missing) > SHOWN else ""
        print(f"not in the file but still open in the ledger, left as they are: {names}{more}. "
              "Close them with `dealbook move DEAL lost` if the CRM closed or deleted them")
    if plan.renamed:
        names = ", ".join(f"{plain(d)} ({plain(old, 30)} -> {plain(new, 30)})" for d, old, new in plan.renamed[:SHOWN])
        more = f" and {len(plan.renamed) - SHOWN} more" if len(plan.renamed) > SHOWN else ""
        print(f"renamed in the CRM (same deal by its record id; the ledger keeps the name it opened with): "
              f"{names}{more}")
    if plan.split:
        print(f"split in Dealbook, so the CRM's row is not applied to them: {', '.join(plain(d) for d in plan.split)}")
