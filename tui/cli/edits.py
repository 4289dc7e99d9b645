"""The change commands: each appends exactly one event, or writes nothing and says why."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ledger import (
    SettingsChanged,
    Unchanged,
    now,
    read_ledger,
    too_far_ahead,
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
from ledger.events import SETTINGS, STAGE_KINDS
from ledger.problems import is_url
from tui.cli.common import CommandError, load_progress, require_ledger, writes
from tui.config import default_by
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
    # a part without its own close date inherits the parent's; `none` gives it none
    close = {"close_date": parse.optional_date(pieces[3])} if len(pieces) == 4 else {}
    return SplitPart(deal=pieces[0], amount=parse.amount(pieces[1]), priority=parse.priority(pieces[2]), **close)


DEAL = {"help": "the deal's id, such as D-1042"}

# Each command: (help, arguments, builder of the event's type and fields, is it about one deal).
COMMANDS: dict[str, tuple[str, list[tuple[tuple[str, ...], dict[str, Any]]], Build]] = {
    "open": (
        "open a new deal",
        [(("deal",), {"help": "the new deal's id, such as D-1042"}),
         (("--name",), {"required": True, "help": "the deal's name, as the board shows it"}), (("--owner",), {"required": True, "help": "who owns it (a name "
                                                                         "never seen before needs --new-owner)"}),
         (("--stage",), {"required": True, "help": "the stage it starts in, such as lead or demo"}),
         (("--amount",), {"required": True, "type": parse.amount, "help": "the expected amount, such as 12k"}),
         (("--priority",), {"required": True, "type": parse.priority, "help": "must, should or could"}),
         (("--close-date",), {"type": parse.date, "help": "the expected close date, YYYY-MM-DD"}),
         (("--account",), {"help": "the customer's account"})],
        lambda a: (DealOpened, dict(deal=a.deal, name=a.name, owner=a.owner, stage=a.stage, amount=a.amount,
                                    priority=a.priority, close_date=a.close_date, account=a.account)),
    ),
    "move": ("move a deal to another stage", [(("deal",), DEAL), (("stage",), {"help": "the stage it moves to"})],
             lambda a: (StageChanged, dict(deal=a.deal, stage=a.stage))),
    "amount": ("set a deal's expected amount", [(("deal",), DEAL), (("amount",), {"type": parse.amount, "help": "the new amount, such as 12k or 12,500"})],
               lambda a: (AmountChanged, dict(deal=a.deal, amount=a.amount))),
    "priority": ("set a deal's priority (must, should, could)",
                 [(("deal",), DEAL), (("priority",), {"type": parse.priority, "help": "must, should or could"})],
                 lambda a: (PriorityChanged, dict(deal=a.deal, priority=a.priority))),
    "close-date": ("set a deal's expected close date, or `none` to clear it",
                   [(("deal",), DEAL), (("close_date",), {"type": parse.optional_date, "metavar": "DATE|none",
                                                     "help": "YYYY-MM-DD, or none"})],
                   lambda a: (CloseDateChanged, dict(deal=a.deal, close_date=a.close_date))),
    "owner": ("hand a deal to another owner",
              [(("deal",), DEAL), (("owner",), {"help": "the new owner (a name never seen before needs --new-owner)"})],
              lambda a: (OwnerChanged, dict(deal=a.deal, owner=a.owner))),
    "split": ("split a big deal into tranches",
              [(("deal",), DEAL),
               (("--part",), {"action": "append", "required": True, "type": _split_part,
                              "metavar": "ID:AMOUNT:PRIORITY[:CLOSE_DATE]", "dest": "parts",
                              "help": "one tranche, repeated: a new id, its amount, priority and close date "
                                      "(default: the parent's), such as D-7a:20k:should"})],
              lambda a: (DealSplit, dict(deal=a.deal, parts=a.parts))),
    "note": ("set a deal's next action",
             [(("deal",), DEAL), (("text",), {"help": "the next action, in words"}),
              (("--due",), {"type": parse.date, "help": "when it is due, YYYY-MM-DD"})],
             lambda a: (NoteAdded, dict(deal=a.deal, text=a.text, due=a.due))),
    "target": ("set the target of a period, for the team or one owner",
               [(("period",), {"type": parse.period, "help": "YYYY-MM, YYYY-Qn or YYYY, such as 2026-12"}),
                (("amount",), {"type": parse.amount, "help": "the target, such as 60k"}),
                (("--owner",), {"help": "one owner's target (default: the team's)"})],
               lambda a: (TargetSet, dict(period=a.period, amount=a.amount, owner=a.owner))),
    "stage": ("add a stage to the stage table, or change one",
              [(("stage",), {"help": "the stage's name"}),
               (("--rate",), {"type": parse.rate, "required": True,
                              "help": "the share of its deals that are won, 0 to 1, such as 0.3"}),
               (("--lead-days",), {"type": int, "required": True,
                                   "help": "the days a deal in it usually needs to close"}),
               (("--position",), {"type": int, "required": True, "help": "its place on the board, 1 first"}),
               (("--kind",), {"choices": STAGE_KINDS, "default": "open",
                              "help": "open (default), won, lost or inactive"})],
              lambda a: (StageDefined, dict(stage=a.stage, rate=a.rate, lead_days=a.lead_days,
                                            position=a.position, kind=a.kind))),
}
DEAL_COMMANDS = {"move", "amount", "priority", "close-date", "owner", "split", "note"}
OWNER_COMMANDS = {"open", "owner"}


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    for name, (help_text, arguments, build) in COMMANDS.items():
        sub = writes(subparsers.add_parser(name, parents=[parent], help=help_text, description=help_text))
        for flags, options in arguments:
            sub.add_argument(*flags, **options)
        if name in DEAL_COMMANDS:
            sub.add_argument("--expect-version", type=int, metavar="N",
                             help="refuse the change if the deal is no longer at version N")
        if name in OWNER_COMMANDS:
            sub.add_argument("--new-owner", action="store_true",
                             help="accept an owner never seen in the ledger before (else refused, with the nearest names)")
        sub.add_argument("--ts", type=parse.timestamp,
                         help="when the change happened, RFC 3339 (default: now, in the ledger's time zone); "
                              "never more than 5 minutes ahead of this machine's clock")
        sub.set_defaults(handler=_handler(build))
    settings = subparsers.add_parser(
        "settings", parents=[parent], help="show or set the ledger's time zone, currency, order value, big-deal amount",
        description="Without options, show the ledger's settings. Each option appends one settings_changed "
                    "event naming what changes; `none` returns a setting to its default. Set the time zone "
                    "first: every day, month and 'today' is read in it.")
    settings.add_argument("--tz", metavar="ZONE", help="an IANA time zone such as Asia/Ho_Chi_Minh")
    settings.add_argument("--currency", metavar="CODE", help="an ISO 4217 code such as VND or EUR (for display)")
    settings.add_argument("--order-value", metavar="AMOUNT", help="the team's average order value")
    settings.add_argument("--big-at", metavar="AMOUNT", help="a deal is big from this amount (default: 25%% of the target)")
    settings.add_argument("--ts", type=parse.timestamp, help=argparse.SUPPRESS)
    writes(settings)
    settings.set_defaults(handler=run_settings)


def _handler(build: Build) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        event_type, fields = build(args)
        clearable = {"close_date"} if event_type is CloseDateChanged else set()
        fields = {key: value for key, value in fields.items() if value is not None or key in clearable}
        if event_type in (DealOpened, OwnerChanged) and not args.new_owner:
            _check_owner(args.ledger, fields["owner"])
        return _append(args, event_type, fields)

    return run


def _append(args: argparse.Namespace, event_type: type[Event], fields: dict[str, Any]) -> int:
    """Stamp and append one event (the writer stamps now in the ledger's zone unless --ts), and say what it did."""
    by = args.by or default_by()
    if by:
        fields["by"] = by
    if args.ts:
        ahead = too_far_ahead(args.ts, now())
        if ahead is not None:
            raise CommandError(f"refused: {ahead}; nothing was written")
        fields["ts"] = args.ts
    event = stamp(event_type, **fields)
    existed = os.path.lexists(args.ledger)
    try:
        with _cache_source(args.ledger) as source:
            appended = append_event(args.ledger, event, expect_version=getattr(args, "expect_version", None),
                                    source=source, clock=None if args.ts else now)
    except Unchanged as err:
        print(str(err))
        return 0
    except BaseException:
        if not existed:
            _remove_if_empty(args.ledger)  # a refused change on a mistyped path leaves no file behind
        raise
    event = appended.event
    subject = f"{plain(event.deal_id)}: " if event.deal_id else ""
    version = f" (version {appended.deal_version})" if appended.deal_version else ""
    aside = (f"\nset aside a cut-off last line ({appended.set_aside} bytes) in {args.ledger}.cut-off"
             if appended.set_aside else "")
    print(f"line {appended.line}: {subject}{describe(event)}{version}{aside}")
    return 0


def _check_owner(ledger: Path, owner: str) -> None:
    """Refuse an owner the ledger has never seen (a typo splits a person in two), naming the nearest ones."""
    known = _known_owners(ledger)
    if not known or owner in known:
        return
    near = difflib.get_close_matches(owner, sorted(known), n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(plain(n) for n in near)}? " if near else ""
    raise CommandError(f"owner {plain(owner)!r} has never been seen in {ledger} (known: "
                       f"{', '.join(plain(n) for n in sorted(known))}); {hint}nothing was written. "
                       "Add --new-owner if this is someone new")


def _known_owners(ledger: Path) -> set[str]:
    if is_url(ledger):  # a table: from its cache on this laptop (the rows past it read), else its rows, all read
        from queries.table_store import table_source

        with table_source(str(ledger)) as store:
            if store is not None:
                store.refresh()
                return set(store.facts().owners)
        state = read_ledger(ledger, keep_events=False).state
        return state.owners | {owner for _, owner in state.targets if owner}
    try:
        large = os.stat(ledger).st_size >= SEED_FROM_CACHE_BYTES
    except OSError:
        return set()
    if large:
        from queries import Store

        with Store.open(ledger, progress=load_progress()) as store:
            return set(store.facts().owners)
    state = read_ledger(ledger, keep_events=False).state
    return state.owners | {owner for _, owner in state.targets if owner}


def run_settings(args: argparse.Namespace) -> int:
    fields: dict[str, Any] = {}
    if args.tz is not None:
        fields["tz"] = None if args.tz.strip().lower() == "none" else args.tz.strip()
    if args.currency is not None:
        fields["currency"] = None if args.currency.strip().lower() == "none" else args.currency.strip().upper()
    for name in ("order_value", "big_at"):
        text = getattr(args, name)
        if text is not None:
            fields[name] = None if text.strip().lower() == "none" else parse.amount(text)
    if not fields:
        require_ledger(args.ledger)
        settings = read_ledger(args.ledger, keep_events=False).state.settings
        for name in SETTINGS:
            value = settings.get(name)
            print(f"{name}: {plain(value) if value is not None else _DEFAULTS[name]}")
        return 0
    return _append(args, SettingsChanged, fields)


_DEFAULTS = {"tz": "none (each ts's own offset: set one with --tz)", "currency": "none",
             "order_value": "none", "big_at": "none (25% of the view's target)"}


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
    if is_url(ledger):  # a table: its cache on this laptop, whatever the table's size
        from queries.table_store import table_source

        with table_source(str(ledger)) as source:
            yield source
        return
    try:
        large = os.stat(ledger).st_size >= SEED_FROM_CACHE_BYTES
    except OSError:
        large = False
    if not large:
        yield None
        return
    try:
        from queries import Store, cache_path_for  # here: small ledgers never load DuckDB
        from queries.cache import as_source
    except ImportError:
        yield None
        return
    cache_file = cache_path_for(ledger)
    with as_source(cache_file, lambda: Store(ledger, cache_file)) as source:  # unrefreshed (see above)
        yield source
