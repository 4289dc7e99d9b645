"""Problems found in a ledger, each said as `FILE:LINE: reason` with the line quoted."""

from __future__ import annotations

from dataclasses import dataclass

QUOTE_LIMIT = 120

# Control characters (C0, DEL, C1) are shown escaped: a quoted line must never drive the terminal.
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}


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


class Conflict(LedgerError):
    """The deal changed since the writer last saw it (optimistic concurrency)."""
