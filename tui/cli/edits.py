"""The change commands: each appends exactly one event, or writes nothing and says why."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ledger import (
    AmountChanged,
    CloseDateChanged,
    DealOpened,
    DealSplit,
    Event,
    NoteAdded,
    OwnerChanged,
    PriorityChanged,
    SplitPart,
    StageChanged,
    StageDefined,
    StateSource,
    TargetSet,
    append_event,
    stamp,
)
from ledger.events import STAGE_KINDS
from tui import parse
from tui.describe import describe
from tui.text import plain

Build = Callable[[argparse.Namespace], tuple[type[Event], dict[str, Any]]]

# Below this size a full read of the ledger (about 35 ms per MB) is quicker than loading DuckDB to
# open the query cache (about 0.1 s).
SEED_FROM_CACHE_BYTES = 4 * 1024 * 1024


def _split_part(text: str) -> SplitPart:
    pieces = text.split(":")
    if len(pieces) not in (3, 4) or not pieces[0]:
        raise parse.InputError(f"a part is ID:AMOUNT:PRIORITY[:CLOSE_DATE], such as D-7a:20k:should, not {text!r}")
    close = parse.date(pieces[3]) if len(pieces) == 4 else None
    return SplitPart(deal=pieces[0], amount=parse.amount(pieces[1]), priority=parse.priority(pieces[2]),
                     close_date=close)


# Each command: (help, arguments, builder of the event's type and fields, is it about one deal).
COMMANDS: dict[str, tuple[str, list[tuple[tuple[str, ...], dict[str, Any]]], Build]] = {
    "open": (
        "open a new deal",
        [(("deal",), {"help": "the new deal's id, such as D-1042"}),
         (("--name",), {"required": True}), (("--owner",), {"required": True}),
         (("--stage",), {"required": True}), (("--amount",), {"required": True, "type": parse.amount}),
         (("--priority",), {"required": True, "type": parse.priority}),
         (("--close-date",), {"type": parse.date}), (("--account",), {})],
        lambda a: (DealOpened, dict(deal=a.deal, name=a.name, owner=a.owner, stage=a.stage, amount=a.amount,
                                    priority=a.priority, close_date=a.close_date, account=a.account)),
    ),
    "move": ("move a deal to another stage", [(("deal",), {}), (("stage",), {})],
             lambda a: (StageChanged, dict(deal=a.deal, stage=a.stage))),
    "amount": ("set a deal's expected amount", [(("deal",), {}), (("amount",), {"type": parse.amount})],
               lambda a: (AmountChanged, dict(deal=a.deal, amount=a.amount))),
    "priority": ("set a deal's priority (must, should, could)",
                 [(("deal",), {}), (("priority",), {"type": parse.priority})],
                 lambda a: (PriorityChanged, dict(deal=a.deal, priority=a.priority))),
    "close-date": ("set a deal's expected close date, or `none` to clear it",
                   [(("deal",), {}), (("close_date",), {"type": parse.optional_date, "metavar": "DATE|none"})],
                   lambda a: (CloseDateChanged, dict(deal=a.deal, close_date=a.close_date))),
    "owner": ("hand a deal to another owner", [(("deal",), {}), (("owner",), {})],
              lambda a: (OwnerChanged, dict(deal=a.deal, owner=a.owner))),
    "split": ("split a big deal into tranches",
              [(("deal",), {}),
               (("--part",), {"action": "append", "required": True, "type": _split_part,
                              "metavar": "ID:AMOUNT:PRIORITY[:CLOSE_DATE]", "dest": "parts"})],
              lambda a: (DealSplit, dict(deal=a.deal, parts=a.parts))),
    "note": ("set a deal's next action", [(("deal",), {}), (("text",), {}), (("--due",), {"type": parse.date})],
             lambda a: (NoteAdded, dict(deal=a.deal, text=a.text, due=a.due))),
    "target": ("set the target of a period, for the team or one owner",
               [(("period",), {"type": parse.period}), (("amount",), {"type": parse.amount}), (("--owner",), {})],
               lambda a: (TargetSet, dict(period=a.period, amount=a.amount, owner=a.owner))),
    "stage": ("add a stage to the stage table, or change one",
              [(("stage",), {}), (("--rate",), {"type": float, "required": True}),
               (("--lead-days",), {"type": int, "required": True}),
               (("--position",), {"type": int, "required": True}),
               (("--kind",), {"choices": STAGE_KINDS, "default": "open"})],
              lambda a: (StageDefined, dict(stage=a.stage, rate=a.rate, lead_days=a.lead_days,
                                            position=a.position, kind=a.kind))),
}
DEAL_COMMANDS = {"move", "amount", "priority", "close-date", "owner", "split", "note"}


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    for name, (help_text, arguments, build) in COMMANDS.items():
        sub = subparsers.add_parser(name, parents=[parent], help=help_text, description=help_text)
        for flags, options in arguments:
            sub.add_argument(*flags, **options)
        if name in DEAL_COMMANDS:
            sub.add_argument("--expect-version", type=int, metavar="N",
                             help="refuse the change if the deal is no longer at version N")
        sub.add_argument("--ts", type=parse.timestamp, help="when the change happened (default: now)")
        sub.set_defaults(handler=_handler(build))


def _handler(build: Build) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        event_type, fields = build(args)
        clearable = {"close_date"} if event_type is CloseDateChanged else set()
        fields = {key: value for key, value in fields.items() if value is not None or key in clearable}
        if args.by:
            fields["by"] = args.by
        if args.ts:
            fields["ts"] = args.ts
        event = stamp(event_type, **fields)
        existed = os.path.lexists(args.ledger)
        try:
            with _cache_source(args.ledger) as source:
                appended = append_event(args.ledger, event, expect_version=getattr(args, "expect_version", None),
                                        source=source)
        except BaseException:
            if not existed:
                _remove_if_empty(args.ledger)  # a refused change on a mistyped path leaves no file behind
            raise
        subject = f"{plain(event.deal_id)}: " if event.deal_id else ""
        version = f" (version {appended.deal_version})" if appended.deal_version else ""
        aside = (f"\nset aside a cut-off last line ({appended.set_aside} bytes) in {args.ledger}.cut-off"
                 if appended.set_aside else "")
        print(f"line {appended.line}: {subject}{describe(event)}{version}{aside}")
        return 0

    return run


def _remove_if_empty(path: Path) -> None:
    """Remove the empty file the writer created for a change it then refused."""
    with contextlib.suppress(OSError):
        if os.stat(path).st_size == 0:
            os.unlink(path)


@contextlib.contextmanager
def _cache_source(ledger: Path) -> Iterator[StateSource | None]:
    """The ledger's query cache, as the writer's source of its fold, when that is cheaper than reading the file.

    The Store is opened without a refresh: the writer reads the lines after the cache itself. None
    (a full read, as without a cache) for a small ledger, no cache file, or a cache that another
    process holds (the Store would then load the whole ledger into memory).
    """
    try:
        large = os.stat(ledger).st_size >= SEED_FROM_CACHE_BYTES
    except OSError:
        large = False
    if not large:
        yield None
        return
    try:
        from queries import Store, cache_path_for  # here: small ledgers never load DuckDB
    except ImportError:
        yield None
        return
    cache_file = cache_path_for(ledger)
    if not cache_file.exists():
        yield None
        return
    try:
        store = Store(ledger, cache_file)  # no refresh: a cache behind the file costs nothing here
    except Exception:  # the cache is only a shortcut: an append never fails for it
        yield None
        return
    try:
        yield store if store.cache_path is not None else None
    finally:
        store.close()
