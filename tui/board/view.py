"""What the board shows and what a write did: the values handed between tui.board.data and the widgets (no Textual here)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from ledger.events import Event
from ledger.problems import Problem, is_url
from ledger.stages import Stage
from queries.facts import LedgerFacts
from queries.model import Forecast
from tui.board.actions import Inverse
from tui.progress import Progress

Clock = Callable[[], dt.datetime]


class Engine(Protocol):
    """What the board needs of queries.Store (a test may hand in another)."""

    problems: list[Problem]
    cut_off: Problem | None

    def refresh(self) -> Any: ...
    def facts(self) -> LedgerFacts: ...
    def deal_ids(self) -> frozenset[str]: ...
    def forecast(self, period: str | None = None, as_of: dt.datetime | None = None,
                 owner: str | None = None) -> Forecast: ...


def open_engine(path: Path, progress: Progress | None = None) -> Engine:
    """The DuckDB store of the ledger, cached beside it; a table's, from its cache when the server is away.
    `progress`: a file's loads report to it (queries.Store.open)."""
    if is_url(path):
        from queries.table_store import TableStore

        return TableStore.open_table(str(path), offline_ok=True)
    from queries import Store  # here, so that importing the board does not load DuckDB before it is needed

    return Store.open(path, progress=progress)


class FileSignature(NamedTuple):
    """What tells the poller the file changed: inode, size, mtime."""

    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileSignature:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return cls(0, 0, 0)
        return cls(st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class BoardView:
    """Everything the board shows at one moment, built off the UI thread and never changed after."""

    period: str
    owner: str | None
    as_of: dt.datetime
    forecast: Forecast | None
    notes: tuple[str, ...]  # plain sentences about what is shown (a clock behind the ledger)
    fallback: str | None  # why another month than the current one is shown, when it is
    problems: tuple[Problem, ...]  # every line the ledger's rules refuse; any of them makes the board read-only
    cut_off: Problem | None  # a cut-off last line: shown, set aside by the next append
    stages: dict[str, Stage]
    owners: tuple[str, ...]
    parked_from: dict[str, str]
    targets: dict[tuple[str, str | None], Decimal]
    signature: FileSignature
    error: str | None = None  # the engine failed: the board shows what it can and says why
    generation: int = 0  # increases with every view built: a late, older one is dropped
    scenario: tuple[Event, ...] | None = None  # the what-if events laid over the ledger; None: the ledger alone
    whatif: Any = None  # queries.scenarios.WhatIf: baseline and scenario side by side (forecast is the scenario's)
    scenario_error: str | None = None  # why the scenario no longer fits the ledger (forecast is then the baseline)
    taken: Callable[[], frozenset[str]] = frozenset  # every deal id used (split parents included), asked when needed
    provisional: bool = False  # the board's own changes carried over in Python; the engine's view follows
    settings: dict[str, Any] = field(default_factory=dict)  # the ledger's: tz, currency, order_value, big_at
    odds_pending: bool = False  # the forecast's odds cost a simulation: painted without, odds_filled() follows

    @property
    def read_only(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True)
class Applied:
    """A change that was appended: its line, what it did, the deal's version after it, how to undo it."""

    line: int
    summary: str
    deal: str | None
    version_after: int | None
    inverse: Inverse
    event: Event | None = None  # as written (its ts may have moved up to the ledger's last line)


@dataclass
class WriteResult:
    applied: list[Applied] = field(default_factory=list)
    refused: str | None = None
    conflict: bool = False
    unchanged: str | None = None  # a change that would change nothing: not written, and not a failure
