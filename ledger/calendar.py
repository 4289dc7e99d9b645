"""The ledger's calendar: which local day a moment falls on, in the ledger's time zone or, before one, its offsets."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

UTC = dt.UTC
# A writer never stamps more than this past its own clock (ledger-format.md, "What a writer stamps").
MAX_AHEAD = dt.timedelta(minutes=5)


@lru_cache(maxsize=64)
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone of that name; raises ValueError with a sentence when there is none."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r}: use an IANA name such as Asia/Ho_Chi_Minh or Europe/Paris")


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Calendar:
    """How local dates are read at one moment of the ledger's life.

    `tz`: the IANA zone named by the latest settings_changed known then, or None (version 1's rule:
    each ts is read in its own offset, and today in `fallback`, the offset of the ledger's last line).
    """

    tz: str | None = None
    fallback: dt.tzinfo = UTC

    @property
    def tzinfo(self) -> dt.tzinfo:
        """The zone in which *today* and a bare date are read."""
        return zone(self.tz) if self.tz else self.fallback

    def day_of(self, ts: dt.datetime) -> dt.date:
        """The local date of an event's ts."""
        return ts.astimezone(zone(self.tz)).date() if self.tz else ts.date()

    def local(self, moment: dt.datetime) -> dt.datetime:
        """The moment written in the calendar's zone (for *today*, and for stamping)."""
        return moment.astimezone(self.tzinfo)

    def end_of_day(self, day: dt.date) -> dt.datetime:
        """The last microsecond of that local day (a bare date given by a user means this)."""
        return dt.datetime.combine(day, dt.time.max, self.tzinfo)


# An RFC 3339 ts that msgspec would read otherwise than the format says: seven or more fractional
# digits (msgspec rounds them, possibly across midnight) or a leap second (msgspec refuses it).
ODD_TS = re.compile(rb'"ts"\s*:\s*"(\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:)(\d\d)((?:\.\d+)?)([^"]*)"')


def plain_ts(match: re.Match[bytes]) -> bytes:
    """The ts of the match as msgspec reads it exactly: fractions cut to microseconds, :60 as :59.999999."""
    head, seconds, fraction, offset = match.groups()
    if seconds == b"60":
        seconds, fraction = b"59", b".999999"
    elif len(fraction) > 7:
        fraction = fraction[:7]
    else:
        return match.group(0)
    return b'"ts":"' + head + seconds + fraction + offset + b'"'


def needs_plain_ts(buf: bytes) -> bool:
    """Whether any line of the buffer has a ts that plain_ts must rewrite (a cheap scan: two short patterns
    first, which a valid ledger rarely holds, then the exact one)."""
    if _FRACTION_7.search(buf) is None and _SECOND_60.search(buf) is None:
        return False
    return _ODD_QUICK.search(buf) is not None


_FRACTION_7 = re.compile(rb"\.\d{7}")
_SECOND_60 = re.compile(rb":60[.Zz+\-]")  # no leading \d: a literal start is found fast (1.0 -> 0.07 s at 1M lines)
_ODD_QUICK = re.compile(rb'"ts"\s*:\s*"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:(?:60|\d\d\.\d{7})')


def read_plain(buf: bytes) -> bytes:
    """The buffer with every odd ts rewritten for decoding (the ledger's own bytes are never changed)."""
    return ODD_TS.sub(plain_ts, buf)
