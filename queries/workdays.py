"""The team's holidays: a country's public holidays (the `holidays` package) plus days of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


class HolidayError(ValueError):
    """A country the holidays package does not know; the message says what to type."""


def team_holidays(country: str | None, years: Iterable[int], own: Iterable[dt.date] = ()) -> set[dt.date]:
    """The country's public holidays in those years (ISO 3166 code such as VN; none: no country's) and the
    team's own days."""
    days = set(own)
    if not country:
        return days
    import holidays  # here: only a command that asks for a country loads its calendars

    code = country.strip().upper()
    try:
        calendar = holidays.country_holidays(code, years=sorted(set(years)))
    except NotImplementedError:
        raise HolidayError(f"no public holidays known for the country {country!r}: give a two-letter ISO 3166 "
                           "code such as VN, US or DE, or leave --country out and list the days off with "
                           "--holiday YYYY-MM-DD") from None
    return days | set(calendar)
