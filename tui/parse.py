"""Turning what people type (5k, 2026-10-17, none, must) into ledger values, with errors that say what to type."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from decimal import Decimal

from ledger.events import PERIOD_PATTERN, PRIORITIES
from ledger.money import check_amount, check_rate, tidy


class InputError(argparse.ArgumentTypeError, ValueError):
    """Something typed that cannot be a ledger value; the message says what was expected.

    An ArgumentTypeError, so that argparse shows this message rather than "invalid value".
    """


_AMOUNT = re.compile(r"^\s*([0-9][0-9_.,' ]*[0-9]|[0-9]|[.,][0-9]+)\s*([kKmM]?)\s*$")
_SCALE = {"": 1, "k": 1_000, "m": 1_000_000}
DECIMAL_MARKS = (".", ",")


def amount(text: str, decimal_mark: str | None = None) -> Decimal:
    """`12500`, `12,500`, `12.5k`, `1.2m` or, where `,` is the decimal mark, `12,5`: an exact amount >= 0.

    A text that reads two ways (`4,5k`, `12.500`, `1,250` are each a thousand times apart in the two
    conventions) is refused with both readings, unless `decimal_mark` says which mark is decimal.
    """
    match = _AMOUNT.match(text)
    if not match:
        raise InputError(f"amount must be a number >= 0 such as 12500, 12.5k or 1.2m, not {text!r}")
    digits, scale = match.group(1).replace("_", "").replace(" ", "").replace("'", ""), _SCALE[match.group(2).lower()]
    readings = {mark: _read(digits, mark) for mark in DECIMAL_MARKS}
    if decimal_mark is None:
        decimal_mark = configured_mark()
    if decimal_mark is not None:
        value = readings[decimal_mark]
        if value is None:
            raise InputError(f"amount {text!r} is not a number with {decimal_mark!r} as the decimal mark")
    else:
        if digits.count(",") == 1 and "." not in digits and readings[","] is not None:
            # `4,5k` or `12,5`: a decimal comma, or a thousands comma typed loosely (the old reading: 45k, 125)
            readings["."] = Decimal(digits.replace(",", ""))
        found = {v for v in readings.values() if v is not None}
        if not found:
            raise InputError(f"amount must be a number >= 0 such as 12500, 12.5k or 1.2m, not {text!r}")
        if len(found) > 1:
            dot, comma = (_shown(readings[m] * scale) for m in DECIMAL_MARKS)  # type: ignore[operator]
            raise InputError(
                f"amount {text!r} reads two ways: {dot} with '.' as the decimal mark, {comma} with ','. "
                "Write it without thousands separators (12500.5), or set the decimal mark once with "
                "`dealbook config --decimal-mark ,` (or `.`)"
            )
        value = found.pop()
    return _checked(value * scale, text)


def configured_mark() -> str | None:
    """The decimal mark of the user's config (tui/config.py), if any."""
    from tui import config

    try:
        return config.load().decimal_mark
    except config.ConfigError as err:
        raise InputError(str(err)) from None


def _read(digits: str, mark: str) -> Decimal | None:
    """The digits read with `mark` as the decimal mark and the other as a thousands separator, or None."""
    group = "," if mark == "." else "."
    whole, _, fraction = digits.partition(mark)
    if mark in fraction or (fraction and not fraction.isdigit()):
        return None
    if group in whole:
        head, *groups = whole.split(group)
        if not head or len(head) > 3 or any(len(g) != 3 for g in groups):
            return None  # 1,2,3 or 12,5000 are not thousands
        whole = head + "".join(groups)
    if not whole.isdigit() and not (whole == "" and fraction):
        return None
    return Decimal((whole or "0") + ("." + fraction if fraction else ""))


def _shown(value: Decimal) -> str:
    return f"{tidy(value):,}"


def _checked(value: Decimal, text: str) -> Decimal:
    value = tidy(value)
    try:
        check_amount(value, "amount")
    except ValueError as err:
        raise InputError(f"{err} ({text!r})") from None
    return value


def rate(text: str) -> Decimal:
    """A conversion rate: `0.35` or `35%`, exactly."""
    value = text.strip()
    try:
        rate = Decimal(value[:-1]) / 100 if value.endswith("%") else Decimal(value)
        check_rate(rate, "rate")
    except (ArithmeticError, ValueError) as err:
        reason = str(err) if isinstance(err, ValueError) and str(err) else "not a number"
        raise InputError(f"rate must be between 0 and 1 (or 0% to 100%), such as 0.35: {reason} ({text!r})") from None
    return tidy(rate)


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


_PERIOD = re.compile(PERIOD_PATTERN)


def period(text: str) -> str:
    value = text.strip().upper()
    if not _PERIOD.match(value):
        raise InputError(f"period must be YYYY-MM, YYYY-Qn or YYYY, such as 2026-10, 2026-Q4 or 2027, not {text!r}")
    return value
