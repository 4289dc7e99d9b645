"""Turning what people type (5k, 2026-10-17, none, must) into ledger values, with errors that say what to type."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re

from ledger.events import PRIORITIES


class InputError(argparse.ArgumentTypeError, ValueError):
    """Something typed that cannot be a ledger value; the message says what was expected.

    An ArgumentTypeError, so that argparse shows this message rather than "invalid value".
    """


_AMOUNT = re.compile(r"^\s*([0-9][0-9_,]*(?:\.[0-9]+)?|\.[0-9]+)\s*([kKmM]?)\s*$")


def amount(text: str) -> float:
    """`12500`, `12,500`, `12.5k` or `1.2m`: a finite amount >= 0."""
    match = _AMOUNT.match(text)
    if not match:
        raise InputError(f"amount must be a number >= 0 such as 12500, 12.5k or 1.2m, not {text!r}")
    value = float(match.group(1).replace(",", "").replace("_", ""))
    value *= {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    if not math.isfinite(value):
        raise InputError(f"amount is too large: {text!r}")
    return value


def date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"date must be YYYY-MM-DD, such as 2026-10-17, not {text!r}") from None


def optional_date(text: str) -> dt.date | None:
    """A date, or `none` (or an empty text) to clear it."""
    return None if text.strip().lower() in ("", "none", "-") else date(text)


def priority(text: str) -> str:
    value = text.strip().lower()
    aliases = {"m": "must", "s": "should", "c": "could", "must-have": "must", "should-have": "should",
               "could-have": "could"}
    value = aliases.get(value, value)
    if value not in PRIORITIES:
        raise InputError(f"priority must be must, should or could, not {text!r}")
    return value


def timestamp(text: str) -> dt.datetime:
    """An RFC 3339 timestamp with its offset, such as 2026-10-02T10:30:00+07:00."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InputError(f"timestamp must be RFC 3339 with an offset, such as 2026-10-02T10:30:00+07:00, not {text!r}")
    return moment


_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")


def period(text: str) -> str:
    value = text.strip().upper()
    if not _PERIOD.match(value):
        raise InputError(f"period must be YYYY-MM or YYYY-Qn, such as 2026-10 or 2026-Q4, not {text!r}")
    return value
