"""`dealbook init FILE`: a new ledger file with its time zone, currency, stages and a first target."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ledger import Event, SettingsChanged, StageDefined, TargetSet, append_event, now, stamp
from ledger.calendar import zone
from ledger.events import STAGE_KINDS
from ledger.stages import DEFAULT_STAGES, Stage, board_order
from tui import parse
from tui.cli.common import CommandError
from tui.config import default_by
from tui.describe import describe
from tui.text import plain, rate_text

Ask = Callable[[str], str]  # shows a question, returns the answer typed (raises EOFError at the end of input)


@dataclass
class Start:
    """What a new ledger starts with; None: not set (the ledger's defaults apply)."""

    tz: str | None = None
    currency: str | None = None
    stages: list[StageDefined] = field(default_factory=list)
    target: tuple[str, Decimal] | None = None  # (period, amount)


def stage_spec(text: str, position: int = 0) -> StageDefined:
    """`demo:0.3:25` or `signed:1:0:won`: a stage_defined event (position given by the caller)."""
    pieces = [p.strip() for p in text.split(":")]
    if len(pieces) not in (3, 4) or not pieces[0]:
        raise parse.InputError(f"a stage is NAME:RATE:LEAD_DAYS[:KIND], such as demo:0.3:25, not {text!r}")
    kind = pieces[3] if len(pieces) == 4 else "open"
    if kind not in STAGE_KINDS:
        raise parse.InputError(f"stage {pieces[0]!r}: kind must be one of {', '.join(STAGE_KINDS)}, not {kind!r}")
    try:
        lead_days = int(pieces[2])
    except ValueError:
        lead_days = -1
    if lead_days < 0:
        raise parse.InputError(f"stage {pieces[0]!r}: lead days must be a whole number >= 0, not {pieces[2]!r}")
    return stamp(StageDefined, stage=pieces[0], rate=parse.rate(pieces[1]), lead_days=lead_days,
                 position=position, kind=kind)  # type: ignore[return-value]


def stages_of(specs: list[str]) -> list[StageDefined]:
    """Stages in the order given: positions 1, 2, ... (the method's defaults stay known after them)."""
    stages = [stage_spec(spec, i) for i, spec in enumerate(specs, start=1)]
    names = [s.stage for s in stages]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise parse.InputError(f"stage {', '.join(twice)} given twice: give each stage once")
    return stages


def target_spec(text: str, today: dt.date) -> tuple[str, Decimal]:
    """`60k` (this month) or `2026-12:60k` (a month, quarter or year)."""
    period, _, amount = text.rpartition(":")
    return (parse.period(period) if period else f"{today:%Y-%m}"), parse.amount(amount)


def time_zone(text: str) -> str:
    try:
        return zone(text.strip()).key
    except ValueError as err:
        raise parse.InputError(str(err)) from None


def currency(text: str) -> str:
    code = text.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise parse.InputError(f"a currency is a three-letter ISO 4217 code such as USD, VND or EUR, not {text!r}")
    return code


def system_zone() -> str | None:
    """This machine's IANA zone, when it can be told ($TZ, else /etc/localtime's link), for the default answer."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        with contextlib.suppress(OSError):
            link = os.readlink("/etc/localtime")
            name = link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else ""
    try:
        return zone(name).key if name else None
    except ValueError:
        return None


def _question(ask: Ask, prompt: str, read: Callable[[str], object], say: Callable[[str], None]) -> object:
    """Ask until the answer reads (an empty answer is None); an error is said and the question asked again."""
    while True:
        answer = ask(prompt).strip()
        if not answer:
            return None
        try:
            return read(answer)
        except (parse.InputError, ValueError) as err:
            say(f"  {err}")


def ask_start(start: Start, given: set[str], ask: Ask, today: dt.date, say: Callable[[str], None]) -> Start:
    """Fill in, by questions, what the flags did not give."""
    if "tz" not in given:
        guess = system_zone()
        shown = f" [{guess}]" if guess else " (such as Asia/Ho_Chi_Minh; empty: none yet)"
        answer = _question(ask, f"Time zone of the team, an IANA name{shown}: ", time_zone, say)
        start.tz = answer if answer is not None else guess  # type: ignore[assignment]
    if "currency" not in given:
        start.currency = _question(ask, "Currency, such as USD or VND (empty: none): ", currency, say)  # type: ignore[assignment]
    if "stages" not in given:
        say("The method's stages: " + ", ".join(
            f"{name} {rate_text(s.rate)}/{s.lead_days}d" for name, s in DEFAULT_STAGES.items() if s.kind == "open"))
        answer = _question(ask, "Your own stages, NAME:RATE:LEAD_DAYS separated by spaces, in board order "
                                "(empty: the method's): ", lambda text: stages_of(text.split()), say)
        start.stages = answer or []  # type: ignore[assignment]
    if "target" not in given:
        start.target = _question(ask, f"Target of {today:%Y-%m}, such as 60k, or PERIOD:AMOUNT (empty: none yet): ",
                                 lambda text: target_spec(text, today), say)  # type: ignore[assignment]
    return start


def events_of(start: Start) -> list[Event]:
    """The new ledger's first lines: settings first (every later line is stamped in its zone)."""
    events: list[Event] = []
    settings = {k: v for k, v in (("tz", start.tz), ("currency", start.currency)) if v is not None}
    if settings:
        events.append(stamp(SettingsChanged, **settings))
    events += start.stages
    if start.target is not None:
        events.append(stamp(TargetSet, period=start.target[0], amount=start.target[1]))
    return events


def refuse_existing(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size:
        raise CommandError(f"{path} already holds a ledger ({size} bytes): init starts a new one and writes "
                           "nothing here. Change its settings with `dealbook settings`, its stages with "
                           "`dealbook stage`, its target with `dealbook target`")


def run(args: argparse.Namespace, ask: Ask | None = None) -> int:
    path = Path(args.target).expanduser()
    refuse_existing(path)
    if path.parent and not path.parent.is_dir():
        raise CommandError(f"no directory {path.parent} for the new ledger {path}: create it first")
    clock = now()
    today = clock.astimezone(zone(args.tz)).date() if args.tz else clock.date()
    start = Start(tz=args.tz, currency=args.currency, stages=args.stages or [],
                  target=target_spec(args.target_amount, today) if args.target_amount else None)
    given = {name for name, value in (("tz", args.tz), ("currency", args.currency), ("stages", args.stages),
                                      ("target", args.target_amount)) if value}
    if ask is None and not args.no_input and sys.stdin.isatty() and sys.stdout.isatty():
        ask = input
    if ask is not None and len(given) < 4:
        print(f"A new ledger at {path}. Enter keeps the answer in brackets; ctrl+d stops, writing nothing.")
        try:
            start = ask_start(start, given, ask, today, print)
        except (EOFError, KeyboardInterrupt):
            print()
            raise CommandError(f"stopped before the end of the questions: nothing was written to {path}") from None
        if start.tz and "tz" not in given:
            today = clock.astimezone(zone(start.tz)).date()
    events = events_of(start)
    by = getattr(args, "by", None) or default_by()
    written = _write(path, events, by)
    print(f"started the ledger {path}" + (f": {written} line(s)" if written else " (empty)"))
    for event in events:
        print(f"  {describe(event)}")
    for line in next_steps(start, path):
        print(line)
    return 0


def _write(path: Path, events: list[Event], by: str | None) -> int:
    """Append each event; on any refusal remove the new file, so that a failed init leaves nothing behind."""
    import msgspec

    try:
        path.touch(exist_ok=True)
        for event in events:
            if by:
                event = msgspec.structs.replace(event, by=by)
            append_event(path, event, clock=now)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return len(events)


def next_steps(start: Start, path: Path) -> list[str]:
    """What to do next, for what was left unset."""
    steps = [f"Next: `export DEALBOOK_LEDGER={plain(str(path))}` (or `dealbook config --ledger {plain(str(path))}`), "
             "then `dealbook` opens the board: n opens a deal, t sets a target, Z the time zone, ? every key."]
    if start.tz is None:
        steps.append("No time zone yet: set the team's before the first deal, `dealbook settings --tz ZONE`.")
    if start.target is None:
        steps.append("No target yet: `dealbook target YYYY-MM AMOUNT`, or t on the board.")
    if start.stages:
        order = board_order({**DEFAULT_STAGES, **{s.stage: _as_stage(s) for s in start.stages}})
        steps.append("The method's own stages stay known (a ledger never forgets a stage); board order now: "
                     + ", ".join(order))
    return steps


def _as_stage(event: StageDefined) -> Stage:
    return Stage(event.rate, event.lead_days, event.position, event.kind)

