"""User text (deal names, notes, owners) made safe to show: never markup, never terminal control codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from ledger.money import tidy
from ledger.problems import quote

if TYPE_CHECKING:
    from rich.text import Text

NO_LIMIT = 1 << 30


def plain(value: object, limit: int = NO_LIMIT) -> str:
    """The value as text with control characters escaped and long text cut with an ellipsis."""
    if value is None:
        return ""
    return quote(str(value), limit)


def cell(value: object, limit: int = NO_LIMIT, style: str = "", id_cell: bool = False) -> Text:
    """A Rich Text that renders the value literally: `[b]x[/b]` stays those six characters. An id cell is
    never cut (a table gives it the room it needs, and a deal id cut short names another deal)."""
    from rich.text import Text  # here: the commands that print plain text (check, log) start without Rich

    return Text(plain(value, limit), style=style, no_wrap=True, overflow="fold" if id_cell else "ellipsis")


def money(amount: Decimal | int | None, none: str = "") -> str:
    """An amount as people read it on a board: 12,500 or 1,250.50 (rounded to the cent only here, for show)."""
    if amount is None:
        return none
    cents = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_EVEN)
    if cents == cents.to_integral_value():
        return f"{cents:,.0f}"
    return f"{cents:,.2f}"


def orders(amount: Decimal | None, order_value: Decimal, none: str = "") -> str:
    """An amount counted in orders of the team's average order value: 16.9 orders (to a tenth, for show)."""
    if amount is None:
        return none
    count = (Decimal(amount) / order_value).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    return f"{count:,.1f} orders"


def exact_money(amount: Decimal) -> str:
    """Every digit of an amount, with thousands separators: what a typed amount reads as (4,500.5)."""
    value = tidy(Decimal(amount))
    return f"{value:,f}"


CENT = Decimal("0.01")
NO_TARGET = "no target"


def needed(amount: Decimal | None, figure: Callable[[Decimal], str] = money, none: str = "none") -> str:
    """The gap to the target as every view says it: 12,500; 0 (ahead by 6,900) once the target is passed, never
    a negative gap; `none` without a target. `figure` writes an amount (money, or orders of the order value)."""
    if amount is None:
        return none
    if amount > 0:
        return figure(amount)
    return f"0 (ahead by {figure(-amount)})" if amount < 0 else "0"


def percent(share: float | None) -> str:
    return "" if share is None else f"{share:.0%}"


def day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M %z")
    return value.isoformat()


def rate_text(rate: Decimal) -> str:
    """A stage's rate as a percentage: 0.600000 as 60%, 0.125 as 12.5% (every digit, no trailing zeros)."""
    return f"{(Decimal(rate) * 100).normalize():f}%"
