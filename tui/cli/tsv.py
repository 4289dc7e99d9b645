"""Reports as TSV for other programs: a header line, one row a line, exact values, user text escaped, never cut."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escaped(text: str) -> str:
    """Text as one TSV field: a backslash, tab, newline or carriage return as \\\\, \\t, \\n, \\r (the linear TSV
    convention, which readers such as `mlr --itsvlite` and pandas' `escapechar` undo); any other control
    character as \\xHH, never raw."""
    out = []
    for char in text:
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return "".join(out)


def field(value: object, kind: str) -> str:
    """One value: money exact (12500, 100.1), dates and times ISO, true/false, empty for none; text as it is."""
    from queries import export

    if value is None:
        return ""
    if kind == export.TEXT:
        return escaped(value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value))
    return escaped(export.csv_cell(value, kind))  # exact money, ISO dates, true/false: as a CSV prints them


def write(columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[object]], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    out.write("\t".join(name for name, _ in columns) + "\n")
    for row in rows:
        out.write("\t".join(field(value, kind) for value, (_, kind) in zip(row, columns)) + "\n")
