"""The board's one door to the ledger and the query engine: load a view, apply changes (no Textual here)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from ledger.events import DealOpened, DealSplit, Event, StageChanged, TargetSet
from ledger.problems import Conflict, LedgerError, Problem
from ledger.reader import read_ledger
from ledger.stages import Stage
from ledger.state import LedgerState
from ledger.writer import append_event, stamp
from queries.model import Forecast
from tui.board.actions import Change, Inverse
from tui.describe import describe
from tui.text import plain

Clock = Callable[[], dt.datetime]


class Engine(Protocol):
    """What the board needs of queries.Store (a test may hand in another)."""

    def refresh(self) -> Any: ...
    def forecast(self, period: str | None = None, as_of: dt.datetime | None = None,
                 owner: str | None = None) -> Forecast: ...


def open_engine(path: Path) -> Engine:
    """The DuckDB store of the ledger, cached beside it."""
    from queries import Store  # here, so that importing the board does not load DuckDB before it is needed

    return Store.open(path)


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
    deal_ids: frozenset[str]  # every id ever used (split parents included): new ids must avoid them
    parked_from: dict[str, str]
    targets: dict[tuple[str, str | None], float]
    signature: FileSignature
    error: str | None = None  # the engine failed: the board shows what it can and says why
    generation: int = 0  # increases with every view built: a late, older one is dropped
    scenario: tuple[Event, ...] | None = None  # the what-if events laid over the ledger; None: the ledger alone
    whatif: Any = None  # queries.scenarios.WhatIf: baseline and scenario side by side (forecast is the scenario's)
    scenario_error: str | None = None  # why the scenario no longer fits the ledger (forecast is then the baseline)

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


@dataclass
class WriteResult:
    applied: list[Applied] = field(default_factory=list)
    refused: str | None = None
    conflict: bool = False


def month_of(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _what_if(engine: Any, scenario: tuple[Event, ...], period: str, as_of: dt.datetime,
             owner: str | None) -> tuple[Any, str | None]:
    """The what-if of the scenario, or why the ledger now refuses it."""
    from queries import scenarios

    try:
        return scenarios.what_if(engine, scenario, period, as_of, owner), None
    except scenarios.ScenarioError as err:
        return None, str(err)


class BoardData:
    """The ledger read incrementally, the engine kept fresh, and views of it; thread-safe (one lock)."""

    def __init__(self, path: Path, clock: Clock, by: str | None = None) -> None:
        self.path = Path(path)
        self.clock = clock
        self.by = by
        self._lock = threading.Lock()
        self._generations = itertools.count(1)
        self._reset()

    def _reset(self) -> None:
        self._state = LedgerState()
        self._problems: list[Problem] = []
        self._cut: Problem | None = None
        self._offset, self._line = 0, 1
        self._inode = 0
        self._stage_now: dict[str, str] = {}
        self._parked: dict[str, str] = {}
        self._months: set[str] = set()
        self._engine: Engine | None = None

    # -- reading ---------------------------------------------------------------------------------

    def _catch_up(self) -> FileSignature:
        signature = FileSignature.of(self.path)
        if signature.inode != self._inode or signature.size < self._offset:
            self._reset()  # replaced or cut short by hand: read it again from the start
            self._inode = signature.inode
        read = read_ledger(self.path, start_offset=self._offset, start_line=self._line, state=self._state)
        self._offset, self._line = read.end_offset, read.next_line
        self._cut = next((p for p in read.problems if read.cut_tail and p.line == read.next_line), None)
        self._problems.extend(p for p in read.problems if p is not self._cut)
        for event in read.events:
            self._months.add(month_of(event.ts.date()))
            if isinstance(event, TargetSet) and "Q" not in event.period:
                self._months.add(event.period)
            if isinstance(event, DealOpened):
                self._stage_now[event.deal] = event.stage
            elif isinstance(event, StageChanged):
                before = self._stage_now.get(event.deal)
                stage = self._state.stages.get(event.stage)
                if stage is not None and stage.kind == "inactive" and before is not None:
                    self._parked[event.deal] = before
                self._stage_now[event.deal] = event.stage
            elif isinstance(event, DealSplit):
                for part in event.parts:
                    self._stage_now[part.deal] = self._stage_now.get(event.deal, "")
                    if event.deal in self._parked:
                        self._parked[part.deal] = self._parked[event.deal]
        return signature

    def _moment(self) -> tuple[dt.datetime, str | None]:
        """Now, in the offset of the ledger's last line; never before that line."""
        now, last = self.clock(), self._state.last_ts
        if last is None:
            return now, None
        now = now.astimezone(last.tzinfo)
        if now >= last:
            return now, None
        return last, (f"This machine's clock ({now:%d %b %H:%M}) is behind the ledger's last line "
                      f"({last:%d %b %H:%M}): the board shows the ledger as of that line and stamps changes with it.")

    def _choose_period(self, today: dt.date) -> tuple[str, str | None]:
        current = month_of(today)
        if current in self._months or not self._months:
            return current, None
        earlier = [m for m in self._months if m <= current]
        chosen = max(earlier) if earlier else max(self._months)
        return chosen, (f"Nothing recorded in {current} yet: showing {chosen}, the latest month with data. "
                        "Press ] and [ to change month.")

    def load(self, period: str | None, owner: str | None, scenario: Sequence[Event] | None = None) -> BoardView:
        with self._lock:
            return self._load(period, owner, None if scenario is None else tuple(scenario))

    def stage(self, scenario: Sequence[Event]) -> list[Any]:
        """The scenario checked as of the board's moment: queries.scenarios.Staged, with expected versions."""
        from queries import scenarios

        with self._lock:
            self._catch_up()
            as_of, _ = self._moment()
            if self._engine is None:
                self._engine = open_engine(self.path)
            else:
                self._engine.refresh()
            return scenarios.stage(self._engine, scenario, as_of)

    def _load(self, period: str | None, owner: str | None, scenario: tuple[Event, ...] | None = None) -> BoardView:
        signature = self._catch_up()
        as_of, clock_note = self._moment()
        notes = (clock_note,) if clock_note else ()
        fallback = None
        if period is None:
            period, fallback = self._choose_period(as_of.date())
        forecast, error, whatif, scenario_error = None, None, None, None
        try:
            if self._engine is None:
                self._engine = open_engine(self.path)
            else:
                self._engine.refresh()
            if scenario is not None:
                whatif, scenario_error = _what_if(self._engine, scenario, period, as_of, owner)
            forecast = whatif.scenario if whatif else self._engine.forecast(period=period, as_of=as_of, owner=owner)
        except Exception as err:  # the engine is another team's code: show why, keep the board up
            self._engine = None
            error = f"the forecast could not be computed: {plain(err, 300)}"
        state = self._state
        return BoardView(
            period=period, owner=owner, as_of=as_of, forecast=forecast, notes=notes, fallback=fallback,
            problems=tuple(self._problems), cut_off=self._cut, stages=dict(state.stages),
            owners=tuple(sorted(state.owners | {o for _, o in state.targets if o})),
            deal_ids=frozenset(state.deals), parked_from=dict(self._parked), targets=dict(state.targets),
            signature=signature, error=error, generation=next(self._generations),
            scenario=scenario, whatif=whatif, scenario_error=scenario_error,
        )

    # -- writing ---------------------------------------------------------------------------------

    def apply(self, changes: Sequence[Change]) -> WriteResult:
        """Append each change in turn (one event each); stop at the first refusal."""
        result = WriteResult()
        with self._lock:
            for change in changes:
                self._catch_up()
                moment, _ = self._moment()
                fields = dict(change.fields)
                if self.by:
                    fields["by"] = self.by
                try:
                    event = stamp(change.event_type, ts=moment, **fields)
                    appended = append_event(self.path, event, expect_version=change.expect_version)
                except Conflict as err:
                    result.refused, result.conflict = str(err), True
                    break
                except LedgerError as err:
                    result.refused = str(err)
                    break
                subject = f"{plain(event.deal_id)}: " if event.deal_id else ""
                result.applied.append(Applied(appended.line, subject + describe(event), event.deal_id,
                                              appended.deal_version, change.inverse))
        return result
