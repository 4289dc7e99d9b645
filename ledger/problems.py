"""Problems found in a ledger, each said as `FILE:LINE: reason` with the line quoted."""

from __future__ import annotations

from dataclasses import dataclass

QUOTE_LIMIT = 120

# Control characters (C0, DEL, C1) are shown escaped: a quoted line must never drive the terminal.
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}

# Invisible characters are shown escaped too, so that `D-\u200b1` never passes for `D-1` and a bidi
# override never reorders what is shown: every format character (Unicode category Cf: zero-width
# spaces and joiners, bidi marks, embeddings, overrides and isolates, the BOM, tags...) and the line and
# paragraph separators (Zl, Zp), as of Unicode 14 (Python 3.11); tests/test_hostile_text.py checks it.
INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
_CONTROL.update({c: f"\\u{c:04x}" if c <= 0xFFFF else f"\\U{c:08x}"
                 for lo, hi in INVISIBLE_RANGES for c in range(lo, hi + 1)})


def quote(raw: bytes | str, limit: int = QUOTE_LIMIT) -> str:
    """The offending text, safe to print: undecodable bytes and control characters escaped, long text cut."""
    text = raw.decode("utf-8", errors="backslashreplace") if isinstance(raw, bytes) else raw
    text = text.translate(_CONTROL)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Problem:
    """One line the ledger's rules do not accept."""

    path: str
    line: int
    reason: str
    text: str = ""  # the offending line, already quoted

    def __str__(self) -> str:
        head = f"{self.path}:{self.line}: {self.reason}"
        return f"{head}\n    {self.text}" if self.text else head


class LedgerError(Exception):
    """A change refused, or a ledger that cannot be used; the message is for people."""


class Unchanged(LedgerError):
    """The change would change nothing: nothing is written, and that is not a failure."""


class Offline(LedgerError):
    """The ledger's server cannot be reached (or the connection was lost); nothing was written."""


def is_url(text: object) -> bool:
    """Whether a --ledger value names a PostgreSQL table (postgresql://...) rather than a file.

    Only a str can be one: a Path has lost the URL's `//`.
    """
    if not isinstance(text, str) or "://" not in text:
        return False
    return text.split("://", 1)[0].lower() in ("postgresql", "postgres")


class Conflict(LedgerError):
    """The deal changed since the writer last saw it (optimistic concurrency)."""
