"""Scenario files (.jsonl in the ledger's format, id and ts optional), and committing a scenario to the ledger."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from decimal import Decimal

import msgspec

from ledger import Appended, Conflict, Event, LedgerError, LedgerWriter, Problem, Unchanged, new_id, now
from ledger.home import home_for
from ledger.problems import is_url
from ledger import jsonscan
from ledger.events import EVENT_TYPES, AnyEvent
from ledger.problems import quote
from queries.scenarios import PLACEHOLDER_ID, PLACEHOLDER_TS, ScenarioError, Staged, label

_encoder = msgspec.json.Encoder(decimal_format="number")


def read_scenario(path: str | os.PathLike[str]) -> list[Event]:
    """Every event of a scenario file, in order; blank lines are skipped, any other bad line is said."""
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block the read
            raise ScenarioError(f"{path} is not a regular file: a scenario is a .jsonl file, one event a line")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"no scenario file at {path}: save one with --save FILE, or write one event a line "
                            "in the ledger's format (id and ts may be left out)") from None
    except OSError as err:
        raise ScenarioError(f"cannot read the scenario {path}: {err.strerror or err}") from None
    events, problems = [], []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        event_or_reason = _decode(raw)
        if isinstance(event_or_reason, str):
            problems.append(Problem(str(path), number, event_or_reason, quote(raw)))
        else:
            events.append(event_or_reason)
    if problems:
        listed = "\n".join(str(p) for p in problems)
        raise ScenarioError(f"{path} is not a scenario: {len(problems)} line(s) to fix, nothing was tried\n{listed}")
    return events


def _decode(raw: bytes) -> Event | str:
    try:
        obj = msgspec.json.decode(raw)
    except RecursionError:  # an unknown field nested deep: skipped without recursion, as the ledger's reader does
        obj = _shallow(raw)
        if isinstance(obj, str):
            return obj
    except msgspec.DecodeError as err:
        return f"not valid JSON: {quote(str(err), 200)}"
    key = jsonscan.key_given_twice(raw)
    if key is not None:
        return f"the key {quote(key, 40)!r} is given twice in one object: keep one of them"
    if not isinstance(obj, dict):
        return "not a JSON object: each line is one event, such as {\"type\": \"priority_changed\", ...}"
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in EVENT_TYPES:
        shown = "missing field `type`" if kind is None else f"unknown event type {quote(str(kind), 40)!r}"
        return f"{shown} (known: {', '.join(EVENT_TYPES)})"
    obj.setdefault("id", PLACEHOLDER_ID)
    obj.setdefault("ts", PLACEHOLDER_TS.isoformat())
    try:
        return msgspec.convert(obj, AnyEvent)
    except msgspec.ValidationError as err:
        return f"invalid {kind} event: {quote(str(err), 200)}"


def _shallow(raw: bytes) -> object:
    def fields(kind: object) -> set[str]:
        cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
        return {"type"} | ({f.encode_name for f in msgspec.structs.fields(cls)} if cls else set())

    try:
        kept = jsonscan.shallow(raw, fields)
        return msgspec.json.decode(kept) if kept is not None else []
    except jsonscan.NotJson as err:
        return f"not valid JSON: {err}"
    except (msgspec.DecodeError, RecursionError):
        return "nested too deeply to be an event"


def scenario_lines(events: Sequence[Event]) -> bytes:
    """The events as a scenario file: one per line, the ledger's format without id and ts."""
    out = bytearray()
    for event in events:
        obj = msgspec.to_builtins(event, builtin_types=(Decimal,))
        obj.pop("id", None)
        obj.pop("ts", None)
        out += _encoder.encode(obj) + b"\n"
    return bytes(out)


def write_scenario(path: str | os.PathLike[str], events: Sequence[Event],
                   ledger: str | os.PathLike[str] | None = None) -> Path:
    """Save the scenario (replacing the file whole); never onto the ledger itself."""
    path = Path(path)
    if ledger is not None and path.resolve() == Path(ledger).resolve():
        raise ScenarioError(f"{path} is the ledger: a scenario is saved to a file of its own, such as whatif.jsonl")
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(scenario_lines(events))
        os.replace(temp, path)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise ScenarioError(f"cannot save the scenario to {path}: {err.strerror or err}") from None
    return path


@dataclass
class Committed:
    """What a commit appended, and, when one event was refused, why and what was left out."""

    appended: list[Appended] = field(default_factory=list)
    not_appended: list[Event] = field(default_factory=list)  # the refused event and every one after it
    refused: str | None = None
    conflict: bool = False
    unchanged: list[str] = field(default_factory=list)  # why each event that would change nothing was skipped

    @property
    def complete(self) -> bool:
        return self.refused is None

    def summary(self) -> str:
        done = ", ".join(f"line {a.line} ({label(a.event)})" for a in self.appended) or "none"
        total = len(self.appended) + len(self.unchanged) + len(self.not_appended)
        text = f"appended {len(self.appended)} of {total} event(s): {done}"
        if self.unchanged:
            text += f"; {len(self.unchanged)} would change nothing, not written ({'; '.join(self.unchanged)})"
        if self.refused is None:
            return text
        left = ", ".join(label(e) for e in self.not_appended)
        reason = self.refused.rstrip(".").removeprefix("refused: ")
        return f"{text}. Refused at {label(self.not_appended[0])}: {reason}. Not appended: {left}"


def commit(ledger: str | os.PathLike[str], staged: Sequence[Staged], *, by: str | None = None,
           clock: Callable[[], dt.datetime] = now) -> Committed:
    """Append the scenario's events one by one, fresh ids, ts = now, each at the version the scenario saw.

    An event that would change nothing (the scenario was committed already) is skipped, as the board
    skips one. The first refusal (a conflict: the deal changed since the scenario was built; or any
    rule) stops the commit; what was appended before it stays, as every append does.
    """
    writer = home_for(ledger) if is_url(ledger) else LedgerWriter(ledger)  # a table's home appends as a writer
    result = Committed()
    for index, item in enumerate(staged):
        event = msgspec.structs.replace(item.event, id=new_id(), ts=clock(), by=by or item.event.by)
        try:
            result.appended.append(writer.append(event, expect_version=item.expect_version))
        except Unchanged as err:
            result.unchanged.append(str(err))
        except (LedgerError, OSError) as err:  # a full disk or a read-only file stops the commit as a refusal does
            reason = f"cannot write {err.filename}: {err.strerror or err}" if isinstance(err, OSError) else str(err)
            result.refused, result.conflict = reason, isinstance(err, Conflict)
            result.not_appended = [s.event for s in staged[index:]]
            break
    return result
