"""JSON read without recursion: a line's top-level members, and any key given twice, however deep the nesting."""

from __future__ import annotations

import decimal
import json
import re
from collections.abc import Callable, Collection
from typing import Any

import msgspec

_WS = re.compile(rb"[ \t\n\r]*")
_STRING = re.compile(rb'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
_NUMBER = re.compile(rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_LITERAL = re.compile(rb"true|false|null")

# A line that re-encodes to its own bytes has no key given twice (a repeated key would be missing from
# the re-encoding). Numbers are read as Decimal so that `100.10` re-encodes as written.
_generic = msgspec.json.Decoder(float_hook=decimal.Decimal)
_canonical = msgspec.json.Encoder(decimal_format="number")


class NotJson(ValueError):
    """The text is not one JSON value; the message says where."""


class _Twice(Exception):
    pass


def scan(raw: bytes) -> tuple[list[tuple[str, int, int]] | None, str | None]:
    """(the top-level object's members as (key, value start, value end), the first key given twice).

    The members are None when the value is not an object. Raises NotJson. Iterative: any depth.
    """
    members: list[tuple[str, int, int]] | None = None
    stack: list[set[str] | None] = []  # per open container: the keys seen (an object) or None (an array)
    twice: str | None = None
    top_key, start = "", 0
    pos = _WS.match(raw, 0).end()
    expect_value = True
    while True:
        if expect_value:
            if len(stack) == 1:
                start = pos
            c = raw[pos:pos + 1]
            if c in (b"{", b"["):
                if not stack and c == b"{":
                    members = []
                stack.append(set() if c == b"{" else None)
                pos = _WS.match(raw, pos + 1).end()
                if raw[pos:pos + 1] == (b"}" if c == b"{" else b"]"):
                    stack.pop()
                    pos += 1
                else:
                    if c == b"{":
                        pos, key = _key(raw, pos)
                        twice = twice or _seen(stack[-1], key)
                        top_key = key if len(stack) == 1 else top_key
                    continue
            else:
                m = (_STRING if c == b'"' else _LITERAL if c in (b"t", b"f", b"n") else _NUMBER).match(raw, pos)
                if m is None or m.end() == pos:
                    raise NotJson(f"unexpected {_shown(raw, pos)} at byte {pos}")
                pos = m.end()
            expect_value = False
        if len(stack) == 1 and members is not None:  # a value of the top-level object just ended
            members.append((top_key, start, pos))
        pos = _WS.match(raw, pos).end()
        if not stack:
            if pos != len(raw):
                raise NotJson(f"trailing characters at byte {pos}")
            return members, twice
        c = raw[pos:pos + 1]
        frame = stack[-1]
        if c == b",":
            pos = _WS.match(raw, pos + 1).end()
            if frame is not None:
                pos, key = _key(raw, pos)
                twice = twice or _seen(frame, key)
                top_key = key if len(stack) == 1 else top_key
            expect_value = True
        elif c == (b"]" if frame is None else b"}"):
            stack.pop()
            pos += 1
        else:
            raise NotJson(f"unexpected {_shown(raw, pos)} at byte {pos}")


def _key(raw: bytes, pos: int) -> tuple[int, str]:
    m = _STRING.match(raw, pos)
    if m is None:
        raise NotJson(f"expected a key (a string) at byte {pos}")
    key = msgspec.json.decode(m.group())
    pos = _WS.match(raw, m.end()).end()
    if raw[pos:pos + 1] != b":":
        raise NotJson(f"expected `:` at byte {pos}")
    return _WS.match(raw, pos + 1).end(), key


def _seen(keys: set[str] | None, key: str) -> str | None:
    if keys is None:
        return None
    if key in keys:
        return key
    keys.add(key)
    return None


def _shown(raw: bytes, pos: int) -> str:
    return "end of line" if pos >= len(raw) else repr(raw[pos:pos + 1].decode("latin-1"))


def shallow(raw: bytes, fields: Callable[[object], Collection[str]]) -> bytes | None:
    """The line as an object of only the members named by fields(its `type`): nesting elsewhere is skipped.

    None when the line is not an object. Raises NotJson when it is not JSON.
    """
    members, _ = scan(raw)
    if members is None:
        return None
    kind: object = None
    for key, start, end in members:
        if key == "type":
            try:
                kind = msgspec.json.decode(raw[start:end])
            except (msgspec.DecodeError, RecursionError):
                kind = None
    keep = fields(kind)
    body = b",".join(msgspec.json.encode(key) + b":" + raw[start:end] for key, start, end in members if key in keep)
    return b"{" + body + b"}"


def key_given_twice(raw: bytes) -> str | None:
    """The first key given twice in one object of a line that is valid JSON, else None."""
    try:
        if _canonical.encode(_generic.decode(raw)) == raw:
            return None
    except (msgspec.DecodeError, RecursionError):
        pass
    try:
        json.loads(raw, object_pairs_hook=_pairs)
    except _Twice as twice:
        return str(twice.args[0])
    except RecursionError:
        try:
            return scan(raw)[1]
        except NotJson:
            return None
    except ValueError:  # not JSON for Python (NaN...): the typed decoding says what is wrong
        return None
    return None


def _pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Twice(key)
            seen.add(key)
    return obj


def written_as_read(complete: bytes, decoded: list[Any]) -> bool:
    """Whether a block of complete lines is, byte for byte, what each line decoded to (typed or not) re-encodes to.

    Compact, fields in order, numbers as written: as this project writes. Such a block gives no key twice
    (a repeated key would be missing from the re-encoding) and no number quoted or ts rounded by the
    decoder (each would re-encode otherwise). One encode of the block in C: about 0.2 s a million lines.
    """
    return not complete or _canonical.encode_lines(decoded) == complete


def keys_given_twice(complete: bytes, decoded: list[Any]) -> dict[int, str]:
    """For a block of complete lines and what each decoded to (typed or not): {line index: a key given twice}.

    Cost: one encode of the whole block when it is `written_as_read`; only the other lines are looked at
    one by one.
    """
    if written_as_read(complete, decoded):
        return {}
    found = {}
    for i, (obj, raw) in enumerate(zip(decoded, complete.split(b"\n"))):
        if _canonical.encode(obj) != raw:
            key = key_given_twice(raw)
            if key is not None:
                found[i] = key
    return found
