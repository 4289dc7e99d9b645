"""Reading a ledger: every line decoded and checked, every problem reported in one pass."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from ledger import jsonscan
from ledger.events import EVENT_TYPES, AnyEvent, Event, decode_event, decode_lines
from ledger.problems import Problem, is_url, quote
from ledger.state import LedgerState



@dataclass
class LedgerRead:
    """What one pass over a ledger (or over the lines appended since an earlier pass) found."""

    path: Path
    events: list[Event] = field(default_factory=list)  # accepted events, in file order
    lines: list[int] = field(default_factory=list)  # the line number of each accepted event
    problems: list[Problem] = field(default_factory=list)
    state: LedgerState = field(default_factory=LedgerState)
    end_offset: int = 0  # bytes of complete lines read: where the next line starts
    next_line: int = 1  # the number the next complete line will have
    cut_tail: bytes = b""  # a last line without its newline: a write that was cut off
    keep_events: bool = True
    keep_text: bool = False
    # with keep_text, the accepted events' lines exactly as written, when every line was accepted as
    # written (no key twice, nothing quoted or rounded: what encoding the events again would give); else empty
    text: bytes = b""

    @property
    def ok(self) -> bool:
        return not self.problems


def side_file(path: Path) -> Path:
    """Where cut-off tails are set aside, beside the ledger."""
    return path.with_name(path.name + ".cut-off")


def read_ledger(
    path: str | os.PathLike[str],
    *,
    start_offset: int = 0,
    start_line: int = 1,
    state: LedgerState | None = None,
    keep_events: bool = True,
) -> LedgerRead:
    """Read the ledger from `start_offset` (the start of line `start_line`), folding into `state`.

    A missing file reads as an empty ledger. Problems never raise: they are collected.
    With keep_events=False only the fold is kept (checks and appends need no more).
    """
    if isinstance(path, str) and is_url(path):  # a PostgreSQL table: `start_offset` is then a seq
        from ledger.home import home_for

        return home_for(path).read_from(start_offset, start_line, state, keep_events=keep_events)
    path = Path(path)
    try:
        with open(path, "rb") as f:
            f.seek(start_offset)
            buf = f.read()
    except FileNotFoundError:
        result = LedgerRead(path=path, state=state if state is not None else LedgerState())
        result.keep_events = keep_events
        result.end_offset, result.next_line = start_offset, start_line
        return result
    return read_bytes(path, buf, start_offset=start_offset, start_line=start_line, state=state,
                      keep_events=keep_events)


FOLD_PIECE_BYTES = 1024 * 1024  # about 7,500 lines: decoded, checked, folded and dropped in turn, in the CPU's cache


def read_bytes(
    path: Path,
    buf: bytes,
    *,
    start_offset: int = 0,
    start_line: int = 1,
    state: LedgerState | None = None,
    keep_events: bool = True,
    keep_text: bool = False,
) -> LedgerRead:
    """Read `buf`, the ledger's bytes from `start_offset` to its end, as read_ledger does (keep_text: see
    LedgerRead.text; read_pieces keeps it, for the cache)."""
    result = LedgerRead(path=path, state=state if state is not None else LedgerState())
    result.keep_events, result.keep_text = keep_events, keep_text
    result.end_offset, result.next_line = start_offset, start_line
    complete_len = buf.rfind(b"\n") + 1
    tail = buf[complete_len:]
    # Decoded, checked and folded a piece at a time, in the CPU's cache; without keep_events a million
    # structs never live at once. The pieces are cut from `buf` itself: no copy of its complete lines.
    line, as_written = start_line, keep_text and keep_events  # the text goes with the events
    for at, cut in _cuts(buf, complete_len, FOLD_PIECE_BYTES):
        piece = buf[at:cut]
        as_written = _read_complete_lines(result, piece, line) and as_written
        line += piece.count(b"\n")
    result.next_line = line
    if as_written:  # every line accepted, as written
        result.text = buf if complete_len == len(buf) else buf[:complete_len]
    result.end_offset = start_offset + complete_len
    if tail:
        result.cut_tail = tail
        result.problems.append(Problem(
            str(path), result.next_line,
            "the last line has no newline: a write that was cut off and never acknowledged; "
            f"the next append sets it aside in {side_file(path).name}",
            quote(tail),
        ))
    return result


def read_pieces(
    path: Path, buf: bytes, *, start_offset: int, start_line: int, state: LedgerState, piece_bytes: int,
) -> Iterator[LedgerRead]:
    """`buf` (as for read_bytes) read in pieces of about piece_bytes, each ending at a line's end.

    Each piece's events are kept and the fold goes on in `state`, so that a caller can store a
    piece's events and drop them before the next: a million events held at once weigh over 1 GB.
    The last piece holds the cut-off tail, if any. Each piece keeps its text when its lines are as
    written (LedgerRead.text).
    """
    view, line = memoryview(buf), start_line
    for at, cut in list(_cuts(buf, len(buf), piece_bytes)) or [(0, 0)]:  # an empty buf: one empty piece
        piece = read_bytes(path, bytes(view[at:cut]), start_offset=start_offset + at, start_line=line, state=state,
                           keep_text=True)
        line = piece.next_line
        yield piece
        del piece  # else it lives on while the next piece is read: two pieces' structs at once


def _cuts(buf: bytes, end: int, size: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the pieces of buf[:end], each of about `size` bytes and ending at a line's end (a
    line longer than `size` is a piece of its own); the last piece ends at `end`, newline or not."""
    at = 0
    while at < end:
        if at + size >= end:
            cut = end
        elif (cut := buf.rfind(b"\n", at, at + size) + 1) <= at:  # no line ends in the next `size` bytes
            cut = buf.find(b"\n", at + size - 1, end) + 1 or end
        yield at, cut
        at = cut


def _read_complete_lines(result: LedgerRead, complete: bytes, first_line: int) -> bool:
    """Decode, check and fold a block of complete lines into `result`: whether every line was accepted as written."""
    events = _decode_as_written(complete)
    as_read = events is not None
    if events is not None:  # as this project writes: no key twice, nothing quoted or rounded, one fold
        refused = result.state.take_all(events, first_line)
    elif (events := _decode_fast(complete)) is not None:
        refused = _take_each(result.state, events, first_line, jsonscan.keys_given_twice(complete, events))
    if events is not None:
        if result.keep_events:
            if refused:
                kept = [i for i in range(len(events)) if i not in refused]
                result.events.extend(events[i] for i in kept)
                result.lines.extend(first_line + i for i in kept)
            else:
                result.events.extend(events)
                result.lines.extend(range(first_line, first_line + len(events)))
        if refused:
            raw_lines = complete.split(b"\n")  # split only once a line has to be quoted
            result.problems.extend(Problem(str(result.path), first_line + i, reason, quote(raw_lines[i]))
                                   for i, reason in sorted(refused.items()))
        return as_read and not refused
    for number, raw in enumerate(complete.split(b"\n")[:-1], start=first_line):
        event_or_reason = _decode_one(raw) if not raw.startswith(_BOM) else _bom(number)
        if not isinstance(event_or_reason, str) and (key := jsonscan.key_given_twice(raw)) is not None:
            event_or_reason = _twice(key)
        if isinstance(event_or_reason, str):
            result.problems.append(Problem(str(result.path), number, event_or_reason, quote(raw)))
        else:
            _accept(result, event_or_reason, number, result.state.problem_with(event_or_reason), raw)
    return False


def _take_each(state: LedgerState, events: list[Event], first_line: int, twice: dict[int, str]) -> dict[int, str]:
    """state.take of each event but those with a key given twice: {index: reason} of those refused."""
    refused = {}
    for i, event in enumerate(events):
        key = twice.get(i) if twice else None
        reason = _twice(key) if key is not None else state.take(event, first_line + i)  # checked and folded at once
        if reason is not None:
            refused[i] = reason
    return refused


_as_written = msgspec.json.Decoder(AnyEvent)  # no scan for quoted numbers or odd ts first: see below


def _decode_as_written(complete: bytes) -> list[Event] | None:
    """All lines at once, without decode_lines' scans, when each line is exactly what its event re-encodes to.

    Such lines hold no number quoted (it would re-encode unquoted) and no ts that the decoder rounds (it
    would re-encode shorter) or refuses (a leap second), which is what the scans look for; else None.
    """
    try:
        events = _as_written.decode_lines(complete)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    # the block re-encoded, byte for byte: so no blank line hid either (the decoder skips them), nor any count differs
    return events if jsonscan.written_as_read(complete, events) else None


def _decode_fast(complete: bytes) -> list[Event] | None:
    """All lines at once; None when any line fails (or blank lines hide), so lines are then read one by one."""
    try:
        events = decode_lines(complete)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None  # deep nesting too: the lines are then read one by one, and a deep one without recursion
    return events if len(events) == complete.count(b"\n") else None


def _twice(key: str) -> str:
    return (f"the key {quote(key, 40)!r} is given twice in one object: a reader cannot tell which one is meant; "
            "keep one of them")


def _accept(result: LedgerRead, event: Event, number: int, reason: str | None, raw: bytes) -> None:
    if reason is None:
        result.state.apply(event, number)
        if result.keep_events:
            result.events.append(event)
            result.lines.append(number)
    else:
        result.problems.append(Problem(str(result.path), number, reason, quote(raw)))


class _Refs(msgspec.Struct):
    """What a line mentions that the reader's checks look up: its id and the deals it names."""

    id: Any = None
    deal: Any = None
    parts: Any = None


_refs_decoder = msgspec.json.Decoder(_Refs)


def referenced(chunk: bytes) -> tuple[set[str], set[str]]:
    """The event ids and deal ids that the lines of a chunk mention (lines that do not decode are skipped).

    What a partial fold must hold for these lines to be checked as a full fold would check them.
    """
    try:
        refs = _refs_decoder.decode_lines(chunk)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        refs = []
        for raw in chunk.split(b"\n"):
            try:
                refs.append(_refs_decoder.decode(raw))
            except RecursionError:
                refs.append(_deep_refs(raw))
            except (msgspec.DecodeError, msgspec.ValidationError):
                continue
    ids, deals = set(), set()
    for ref in refs:
        if isinstance(ref.id, str):
            ids.add(ref.id)
        if isinstance(ref.deal, str):
            deals.add(ref.deal)
        if isinstance(ref.parts, list):
            deals.update(p["deal"] for p in ref.parts if isinstance(p, dict) and isinstance(p.get("deal"), str))
    return ids, deals


_BOM = b"\xef\xbb\xbf"


def _bom(number: int) -> str:
    if number == 1:
        return "the file starts with a UTF-8 byte order mark; save it without BOM"
    return "the line starts with a UTF-8 byte order mark, which is not JSON: remove it"


def _decode_one(raw: bytes) -> Event | str:
    """The line's event, or the reason it is not one, said for people."""
    if not raw.strip():
        return "empty line: every line must be one JSON object"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"not valid UTF-8 (byte {err.start}): the ledger is UTF-8 text"
    try:
        return decode_event(raw)
    except RecursionError:
        return _decode_deep(raw)
    except msgspec.ValidationError as err:  # a subclass of DecodeError: it goes first
        return _explain_invalid(raw, err)
    except msgspec.DecodeError as err:
        return f"not valid JSON: {_plain(err)}"


_FIELDS = {tag: {f.encode_name for f in msgspec.structs.fields(cls)} | {"type"} for tag, cls in EVENT_TYPES.items()}


def _fields(kind: object) -> set[str]:
    return _FIELDS.get(kind, {"type"}) if isinstance(kind, str) else {"type"}


def _decode_deep(raw: bytes) -> Event | str:
    """A line nested too deeply for the decoder: its unknown fields are skipped without recursion, as the
    format wants (kept and ignored, however deep); only the event's own fields are decoded."""
    try:
        kept = jsonscan.shallow(raw, _fields)
    except jsonscan.NotJson as err:
        return f"not valid JSON: {err}"
    if kept is None:
        return "not a JSON object: every line must be one event object"
    try:
        return decode_event(kept)
    except RecursionError:
        return "nested too deeply to be an event"
    except msgspec.ValidationError as err:
        return _explain_invalid(kept, err)
    except msgspec.DecodeError as err:
        return f"not valid JSON: {_plain(err)}"


def _deep_refs(raw: bytes) -> _Refs:
    try:
        kept = jsonscan.shallow(raw, lambda kind: {"id", "deal", "parts"})
        return _refs_decoder.decode(kept) if kept is not None else _Refs()
    except (jsonscan.NotJson, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return _Refs()


class _Head(msgspec.Struct):
    """Just enough of a line to explain why it is not an event (other fields are skipped, not built)."""

    type: object = None


_head_decoder = msgspec.json.Decoder(_Head)


def _explain_invalid(raw: bytes, err: msgspec.ValidationError) -> str:
    message = str(err)
    if message.startswith("Expected `object`, got") and " - at `$" not in message:
        return f"not a JSON object ({message.split('got ')[-1].strip('`')}): every line must be one event object"
    try:
        kind = _head_decoder.decode(raw).type
    except msgspec.ValidationError:
        kind = None
    except msgspec.DecodeError as decode_err:  # typed decoding can fail first on text that is not JSON at all
        return f"not valid JSON: {_plain(decode_err)}"
    except RecursionError:
        return "nested too deeply to be an event"
    if kind is None:
        return "missing field `type`"
    if not isinstance(kind, str) or kind not in EVENT_TYPES:
        shown = quote(str(kind), 40)
        return f"unknown event type {shown!r} (known: {', '.join(EVENT_TYPES)})"
    return f"invalid {kind} event: {_plain(err)}"


def _plain(err: Exception) -> str:
    return quote(str(err), 200)
