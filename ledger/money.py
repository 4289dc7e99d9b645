"""Exact money: the bounds of amounts and rates, and decimals written as people and JSON read them."""

from __future__ import annotations

from decimal import Decimal

MAX_AMOUNT = Decimal(10) ** 13
# The places the query engine keeps (DECIMAL(18,4) amounts, DECIMAL(7,6) rates): ledger-format.md.
AMOUNT_PLACES = 4
RATE_PLACES = 6
ZERO = Decimal(0)


def places(value: Decimal) -> int:
    """How many fractional digits the decimal carries once trailing zeros are dropped (100.10 -> 1)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def exact(value: object, what: str) -> Decimal:
    """A Decimal as given, an int made one; a float (binary, inexact) or anything else is refused."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"{what} must be a Decimal (exact), not {type(value).__name__} {value!r}")


def check_amount(value: Decimal, what: str) -> None:
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what} must be a number >= 0, not {value}")
    if value > MAX_AMOUNT:
        raise ValueError(f"{what} {value:E} is above the largest amount, 10^13")
    if value != value.to_integral_value() and places(value) > AMOUNT_PLACES:  # a whole number has none
        raise ValueError(f"{what} {value} has more than {AMOUNT_PLACES} decimal places")


def check_rate(value: Decimal, what: str) -> None:
    if not value.is_finite() or not ZERO <= value <= 1:
        raise ValueError(f"{what} must be between 0 and 1, not {value}")
    if value != value.to_integral_value() and places(value) > RATE_PLACES:
        raise ValueError(f"{what} {value} has more than {RATE_PLACES} decimal places")


def tidy(value: Decimal) -> Decimal:
    """The same number with no trailing zeros and no exponent: 12500, 100.1 (never 1.25E+4 or 100.1000)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
