"""Moments and periods as the forecast rules read them: `--as-of` texts, day ends, months and quarters."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from ledger.events import PERIOD_PATTERN

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_PERIOD = re.compile(PERIOD_PATTERN)  # groups: year, month, quarter


class MomentError(ValueError):
    """A moment or period that cannot be read; the message says what to type."""


def epoch_us(moment: dt.datetime) -> int:
    """The instant as whole microseconds since 1970-01-01 UTC (how the cache stores ts)."""
    return (moment - EPOCH) // _MICROSECOND


def from_epoch_us(us: int, utc_offset: int) -> dt.datetime:
    """The instant written in the offset it was recorded with (seconds east of UTC)."""
    tz = dt.timezone(dt.timedelta(seconds=utc_offset))
    return (EPOCH + dt.timedelta(microseconds=us)).astimezone(tz)


def end_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The last microsecond of the day, in that offset."""
    return dt.datetime.combine(day, dt.time.max, tz)


def parse_as_of(text: str | None, tz: dt.tzinfo, now: dt.datetime | None = None) -> dt.datetime:
    """`--as-of`: none is now, a bare date the end of that day, a time without offset is read in `tz`.

    `tz` is the offset of the ledger's last line (forecast-rules.md, "Moments and days").
    """
    if text is None or not text.strip():
        return (now or dt.datetime.now(dt.UTC)).astimezone(tz)
    text = text.strip()
    try:
        if len(text) == 10:
            return end_of_day(dt.date.fromisoformat(text), tz)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise MomentError(
            f"--as-of must be a date such as 2026-10-17 or a time such as 2026-10-17T18:00:00+07:00, not {text!r}"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def parse_start(text: str, tz: dt.tzinfo) -> dt.datetime:
    """`changes --from`: as `--as-of`, except that a bare date is the start of that day (the end of the
    day before), so that `--from 2026-10-01` takes in what happened on 1 October."""
    text = text.strip()
    if len(text) == 10:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return end_of_day(day - dt.timedelta(days=1), tz)
    return parse_as_of(text, tz)


def parse_period(text: str) -> str:
    """`2026-10`, `2026-q4` or `2026` to the period's canonical name; raises MomentError otherwise."""
    value = text.strip().upper()
    if not _PERIOD.match(value) or value[:4] == "0000":
        raise MomentError(f"period must be YYYY-MM, YYYY-Qn or YYYY, such as 2026-10, 2026-Q4 or 2027, not {text!r}")
    return value


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """The period's first and last day."""
    match = _PERIOD.match(parse_period(period))
    assert match is not None
    year = int(match.group(1))
    if match.group(3):
        first_month = 3 * int(match.group(3)) - 2
        last_month = first_month + 2
    elif match.group(2):
        first_month = last_month = int(match.group(2))
    else:
        first_month, last_month = 1, 12
    return dt.date(year, first_month, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def months_in(period: str) -> list[str]:
    """The months of a quarter or a year, whose targets add up when it has none of its own; [] for a month."""
    first, last = period_bounds(period)
    if first.month == last.month:
        return []
    return [f"{first.year:04d}-{month:02d}" for month in range(first.month, last.month + 1)]


def shift_period(period: str, step: int) -> str:
    """The period `step` periods of the same size after this one: 2026-11 +1 is 2026-12, 2026-Q4 +1 is
    2027-Q1, 2026 -1 is 2025."""
    first, _ = period_bounds(period)
    if len(period) == 4:
        return f"{first.year + step:04d}"
    if "Q" in period:
        index = first.year * 4 + (first.month - 1) // 3 + step
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    index = first.year * 12 + first.month - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def resize_period(period: str, day: dt.date) -> str:
    """The next size of period, month -> quarter -> year -> month, around the same time: the month of `day`
    when that falls in the period, else the period's first month."""
    first, last = period_bounds(period)
    if len(period) == 7 and "Q" not in period:
        return f"{first.year:04d}-Q{(first.month - 1) // 3 + 1}"
    if "Q" in period:
        return f"{first.year:04d}"
    return month_of(day if first <= day <= last else first)


def month_of(day: dt.date) -> str:
    """The month containing the day, as a period."""
    return f"{day.year:04d}-{day.month:02d}"


def days_left(period: str, today: dt.date) -> int:
    """Days of the period after today, never below 0."""
    return max(0, (period_bounds(period)[1] - today).days)
