"""Reading one CRM cell strictly: amounts as exact decimals, dates in a stated order, never a silent guess."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

MAX_AMOUNT = Decimal(10) ** 13  # the ledger's ceiling (docs/ledger-format.md)
DECIMAL_MARKS = (".", ",")
DATE_ORDERS = ("mdy", "dmy")

# What a CRM writes around a number: currency symbols and codes, and the grouping spaces of many locales.
_CURRENCY = re.compile(r"^\s*(?:US\$|R\$|[A-Z]{3}|[$€£¥₫₹₩₽¢]|CHF|kr)?\s*(.*?)\s*(?:[A-Z]{3}|[$€£¥₫₹₩₽¢]|CHF|kr|đ)?\s*$")
_GROUP_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'’")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)?$")
_DOT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: [0-9:.]+(?: ?[AaPp][Mm])?)?$")


class CellError(ValueError):
    """A cell that cannot be read as what its column holds; the message says why and what to do."""


def amount(text: str, decimal_mark: str | None = None) -> Decimal:
    """`$1,234.50`, `1.234,50 €`, `EUR 1 234,50`, `1234` -> an exact Decimal >= 0; empty -> 0.

    With no decimal mark configured, a number whose only separator could be either
    (`1,234`, `1.234`) is refused, naming both readings.
    """
    cell = text.strip()
    if not cell:
        return Decimal(0)
    match = _CURRENCY.match(cell)
    number = (match.group(1) if match else cell).translate(_GROUP_SPACES)
    if number.startswith("-") or (number.startswith("(") and number.endswith(")")):
        raise CellError(f"amount {text!r} is negative; a deal's amount is 0 or more")
    if not re.fullmatch(r"[0-9.,]+", number) or not re.search(r"\d", number):
        raise CellError(f"amount {text!r} is not a number")
    mark = decimal_mark or _mark_of(number, text)
    group = "," if mark == "." else "."
    whole, _, cents = number.partition(mark) if mark in number else (number, "", "")
    if mark in cents or group in cents:
        raise CellError(f"amount {text!r} has a separator after its decimal mark {mark!r}")
    if group in whole and not re.fullmatch(r"\d{1,3}(?:" + re.escape(group) + r"\d{3})+", whole):
        raise CellError(f"amount {text!r} is not grouped by thousands with {group!r} (decimal mark {mark!r})")
    try:
        value = Decimal(whole.replace(group, "") + ("." + cents if cents else ""))
    except InvalidOperation:
        raise CellError(f"amount {text!r} is not a number") from None
    if value > MAX_AMOUNT:
        raise CellError(f"amount {text!r} is above the ledger's limit of 10^13")
    return value


def _mark_of(number: str, text: str) -> str:
    """The decimal mark of a number when none is configured, or CellError when it could be either."""
    dots, commas = number.count("."), number.count(",")
    if dots and commas:
        return "." if number.rfind(".") > number.rfind(",") else ","
    if not dots and not commas:
        return "."
    sep = "." if dots else ","
    if dots + commas > 1:
        return "," if sep == "." else "."  # repeated: it groups thousands
    digits_after = len(number) - number.index(sep) - 1
    if digits_after != 3:
        return sep
    as_group = number.replace(sep, "")
    as_mark = number.replace(sep, ".")
    raise CellError(
        f"amount {text!r} is ambiguous: {as_group} if {sep!r} groups thousands, {as_mark} if it is the "
        "decimal mark; say which with --decimal-mark or `decimal_mark` in the map"
    )


def date(text: str, order: str | None = None) -> dt.date | None:
    """`2026-12-31` (a time after it is ignored), `31.12.2026`, `12/31/2026` or `31/12/2026`; empty -> None.

    A slashed date is read in `order` (mdy or dmy); with none, only when one reading is
    impossible (31/12/2026), and an ambiguous one (03/04/2026) is refused naming both readings.
    """
    cell = text.strip()
    if not cell:
        return None
    if m := _ISO_DATE.match(cell):
        return _make(text, int(m[1]), int(m[2]), int(m[3]))
    if m := _DOT_DATE.match(cell):
        return _make(text, int(m[3]), int(m[2]), int(m[1]))
    if m := _SLASH_DATE.match(cell):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        if order is None:
            if first > 12 >= second:
                order = "dmy"
            elif second > 12 >= first:
                order = "mdy"
            elif first != second:
                raise CellError(
                    f"date {text!r} is ambiguous: {_make(text, year, first, second)} (month/day) or "
                    f"{_make(text, year, second, first)} (day/month); say which with --date-order mdy|dmy "
                    "or `date_order` in the map"
                )
            else:
                order = "mdy"  # 04/04: both readings are the same day
        month, day = (first, second) if order == "mdy" else (second, first)
        try:
            return dt.date(year, month, day)
        except ValueError:
            words = "month/day/year" if order == "mdy" else "day/month/year"
            raise CellError(f"date {text!r} is not a day when read as {words}; is the date order right "
                            "(--date-order, or `date_order` in the map)?") from None
    raise CellError(f"date {text!r} is not a date as YYYY-MM-DD, DD.MM.YYYY, MM/DD/YYYY or DD/MM/YYYY")


def _make(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"date {text!r} is not a day of the calendar") from None
