"""The board's one door to the ledger and the query engine: load a view, apply changes (no Textual here)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ledger.events import Event, StageChanged
from ledger.home import Watch, home_for, place
from ledger.problems import Conflict, LedgerError, Offline, Unchanged, is_url
from ledger.writer import append_event, prove_prefix, stamp
from queries.facts import LedgerFacts
from queries.instant import advance
from queries.moments import month_of
from tui.board.actions import Change
from tui.board.odds import forecast_for_board, with_odds
from tui.board.view import Applied, BoardView, Clock, Engine, FileSignature, WriteResult, open_engine
from tui.cli.oserrors import explain
from tui.describe import describe
from tui.progress import Progress
from tui.text import plain

def _what_if(engine: Any, scenario: tuple[Event, ...], period: str, as_of: dt.datetime,
             owner: str | None) -> tuple[Any, str | None]:
    """The what-if of the scenario, or why the ledger now refuses it."""
    from queries import scenarios

    try:
        return scenarios.what_if(engine, scenario, period, as_of, owner), None
    except scenarios.ScenarioError as err:
        return None, str(err)


class BoardData:
    """The engine kept fresh and views of it, and changes appended; thread-safe (one lock).

    Everything the board knows of the ledger comes from the engine (its cache): the board keeps no
    fold of its own, so reopening a ledger of a million events costs what the cache costs to reopen.
    """

    def __init__(self, path: Path, clock: Clock, by: str | None = None) -> None:
        self.path = place(path)  # a table's postgresql:// URL stays text
        # a table announces its new rows (LISTEN): a thread waits for them, and says when the server is away
        self._watch = Watch(home_for(self.path)) if is_url(self.path) else None
        self._offline: str | None = None  # why the last refresh could not reach the server
        self.clock = clock
        self.by = by
        self._lock = threading.Lock()  # loads: one engine refresh at a time
        self._write_lock = threading.Lock()  # appends, apart from loads: a key is not held up by a reload
        self._view_lock = threading.Lock()  # the last view shown and the last ts seen
        self._generations = itertools.count(1)
        self._engine: Engine | None = None
        self._last_ts: dt.datetime | None = None  # the latest ts seen in the ledger or appended here
        self._shown: BoardView | None = None  # the latest view of the ledger alone, to carry changes over
        self._shown_position: int | None = None  # a table's last seq that _shown was read at
        self.progress: Progress | None = None  # told how far a file's load has read

    def close(self) -> None:
        """Let go of the engine (its DuckDB connection and the cache file's lock)."""
        with self._lock:
            engine, self._engine = self._engine, None
        if self._watch is not None:
            self._watch.stop()
        if engine is not None and hasattr(engine, "close"):
            engine.close()

    # -- reading ---------------------------------------------------------------------------------

    def _fresh_engine(self) -> Engine:
        if self._engine is None:
            self._engine = open_engine(self.path, self.progress)
            self._offline = getattr(self._engine, "offline", None)  # a table's server away: its cache, read-only
        else:
            try:
                self._engine.refresh()
            except Offline as err:  # the table's server is away: the board stays readable from its cache
                self._offline = str(err)
            else:
                self._offline = None
        return self._engine

    def engine(self) -> Engine:
        """The engine caught up with the ledger, opened on first use: the history screens query it too."""
        with self._lock:
            return self._fresh_engine()

    def signature(self) -> FileSignature:
        """What tells the poller to reload: the file's inode, size and mtime; for a table, the watch's
        wake-ups and whether the server is away."""
        if self._watch is None:
            return FileSignature.of(self.path)  # type: ignore[arg-type]
        return FileSignature(0, self._watch.changes, int(self._watch.offline is not None))

    def offline(self) -> str | None:
        """Why the table's server cannot be reached now (None for a file, or a server that answers)."""
        if self._watch is not None and self._watch.offline is not None:
            return self._watch.offline
        return self._offline

    def _moment(self) -> tuple[dt.datetime, str | None]:
        """Now, in the offset of the ledger's last line; never before that line."""
        now, last = self.clock(), self._last_ts
        if last is None:
            return now, None
        # the ledger's time zone when it has one (every day is read in it), else its last line's offset
        now = now.astimezone(getattr(self._engine, "ledger_tz", None) or last.tzinfo)
        if now >= last:
            return now, None
        return last, (f"This machine's clock ({now:%d %b %H:%M}) is behind the ledger's last line "
                      f"({last:%d %b %H:%M}): the board shows the ledger as of that line and stamps changes with it.")

    def _see(self, last_ts: dt.datetime | None) -> None:
        with self._view_lock:
            if last_ts is not None and (self._last_ts is None or last_ts > self._last_ts):
                self._last_ts = last_ts

    @staticmethod
    def _choose_period(months: frozenset[str], today: dt.date) -> tuple[str, str | None]:
        current = month_of(today)
        if current in months or not months:
            return current, None
        earlier = [m for m in months if m <= current]
        chosen = max(earlier) if earlier else max(months)
        return chosen, (f"Nothing recorded in {current} yet: showing {chosen}, the latest month with data. "
                        "Press ] and [ to change month.")

    def load(self, period: str | None, owner: str | None, scenario: Sequence[Event] | None = None) -> BoardView:
        with self._lock:
            return self._load(period, owner, None if scenario is None else tuple(scenario))

    def taken_ids(self) -> frozenset[str]:
        """Every deal id used so far: a new deal or tranche must avoid them (the writer refuses a reused one
        anyway). Asked when a form needs them, not on every reload: a million-event ledger has 150k."""
        engine = self._engine
        return engine.deal_ids() if engine is not None else frozenset()

    def stage(self, scenario: Sequence[Event]) -> list[Any]:
        """The scenario checked as of the board's moment: queries.scenarios.Staged, with expected versions."""
        from queries import scenarios

        with self._lock:
            engine = self._fresh_engine()
            self._see(engine.facts().last_ts)
            as_of, _ = self._moment()
            return scenarios.stage(engine, scenario, as_of)

    def _load(self, period: str | None, owner: str | None, scenario: tuple[Event, ...] | None = None) -> BoardView:
        generation = next(self._generations)  # taken before reading: a change carried meanwhile is newer
        signature = self.signature()
        facts, problems, cut, position = LedgerFacts(), [], None, None
        forecast, error, whatif, scenario_error = None, None, None, None
        odds_pending = False
        try:
            engine = self._fresh_engine()
            position = getattr(engine, "position", None)  # a table's last seq loaded: what the view shows
            facts = engine.facts()
            cut = engine.cut_off
            problems = [p for p in engine.problems if p is not cut]
        except Exception as err:  # the engine is another team's code: show why, keep the board up
            self._engine, engine = None, None
            error = f"the forecast could not be computed: {plain(err, 300)}"
        self._see(facts.last_ts)
        as_of, clock_note = self._moment()
        notes = (clock_note,) if clock_note else ()
        away = self.offline()
        if away is not None:
            notes = (f"offline: reconnecting. The board shows the ledger as last read; changes are refused until "
                     f"the server is back ({plain(away, 200)})", *notes)
        settings: dict[str, Any] = {}
        if engine is not None and hasattr(engine, "settings"):
            with contextlib.suppress(Exception):  # settings only inform; the figures say their own errors
                settings = engine.settings()
            if facts.last_ts is not None and not settings.get("tz"):
                notes += ("No time zone set: days are read in each line's own offset. Set the team's with "
                          "Z (or `dealbook settings --tz Asia/Ho_Chi_Minh`).",)
        fallback = None
        if period is None:
            period, fallback = self._choose_period(facts.months, as_of.date())
        if engine is not None:
            try:
                if scenario is not None:
                    whatif, scenario_error = _what_if(engine, scenario, period, as_of, owner)
                if whatif:
                    forecast = whatif.scenario
                else:
                    forecast, odds_pending = forecast_for_board(engine, period, as_of, owner)
                if hasattr(engine, "resume"):
                    engine.resume(set(), set())  # the cache's part of the next append's checks, ready before a key
            except Exception as err:
                self._engine = None
                error = f"the forecast could not be computed: {plain(err, 300)}"
        view = BoardView(
            period=period, owner=owner, as_of=as_of, forecast=forecast, notes=notes, fallback=fallback,
            problems=tuple(problems), cut_off=cut, stages=dict(facts.stages), owners=facts.owners,
            taken=self.taken_ids, parked_from=dict(facts.parked_from), targets=dict(facts.targets),
            signature=signature, error=error, generation=generation,
            scenario=scenario, whatif=whatif, scenario_error=scenario_error, settings=settings,
            odds_pending=odds_pending and forecast is not None,
        )
        if scenario is None:
            with self._view_lock:
                if self._shown is None or self._shown.generation < generation:
                    self._shown, self._shown_position = view, position
        return view

    def ready_to_write(self) -> None:
        """Prove the ledger's prefix for the appends to come (ledger.writer.prove_prefix), off the keys' path."""
        engine = self._engine
        if hasattr(engine, "resume") and not is_url(self.path):
            with contextlib.suppress(Exception):  # a proof that fails is made again by the first append
                prove_prefix(self.path, engine)  # type: ignore[arg-type]

    def odds_filled(self, view: BoardView) -> BoardView:
        """The view with its odds (a simulation, outside every lock: keys and reloads go on meanwhile), of
        the same generation: shown unless a newer view was shown since."""
        full = replace(view, forecast=with_odds(view.forecast), odds_pending=False)
        with self._view_lock:
            if self._shown is view:
                self._shown = full
        return full

    def caught_up(self, period: str | None, owner: str | None) -> BoardView | None:
        """A table's rows added by other laptops, read now and carried over the last view in Python
        (queries.instant), so the board repaints before the engine's reload (which then replaces it);
        None when only the engine can tell (the view is not the engine's, or the rows are not all past it)."""
        engine = self._engine  # not under the loads' lock: a reload under way does not hold this repaint up
        if not is_url(self.path) or engine is None or self.offline() is not None:
            return None
        with self._view_lock:
            view, position = self._shown, self._shown_position
        if (view is None or view.forecast is None or view.provisional or view.read_only or position is None
                or (view.period, view.owner) != (period, owner)):
            return None
        try:
            engine.refresh()  # the Store's own lock keeps refreshes apart
        except Exception:  # noqa: BLE001 - the reload that follows says what went wrong
            return None
        recent = getattr(engine, "recent", None)
        if recent is None or recent[0] != position:
            return None  # rows the view did not show were read before these: only the engine can tell
        forecast = advance(view.forecast, [(event, None) for event in recent[2]], view.stages)
        if forecast is None:
            return None
        with self._view_lock:
            if self._shown is not view:
                return None  # a newer view meanwhile
            self._shown = replace(view, forecast=forecast, as_of=forecast.as_of, signature=self.signature(),
                                  generation=next(self._generations), provisional=True)
            self._shown_position = recent[1]
            return self._shown

    def carried(self, result: WriteResult, period: str | None, owner: str | None) -> BoardView | None:
        """The last view with the changes just written carried over in Python (queries.instant), so the
        board repaints at once; None when only the engine can tell (then load() must be awaited)."""
        with self._view_lock:
            view = self._shown
            if (view is None or view.forecast is None or result.refused or not result.applied
                    or (view.period, view.owner) != (period, owner) or view.read_only):
                return None
            events = [(a.event, a.version_after) for a in result.applied if a.event is not None]
            forecast = advance(view.forecast, events, view.stages)
            if forecast is None:
                return None
            parked = dict(view.parked_from)
            named = {event.deal_id for event, _ in events}
            stage_of = {d.deal: d.stage for d in view.forecast.deals if d.deal in named}
            for event, _ in events:
                if isinstance(event, StageChanged):
                    stage = view.stages.get(event.stage)
                    if stage is not None and stage.kind == "inactive" and event.deal in stage_of:
                        parked[event.deal] = stage_of[event.deal]  # where `i` takes it back to
                    stage_of[event.deal] = event.stage
            self._shown = replace(view, forecast=forecast, as_of=forecast.as_of, parked_from=parked,
                                  signature=self.signature(), generation=next(self._generations),
                                  provisional=True)
            return self._shown

    # -- writing ---------------------------------------------------------------------------------

    def apply(self, changes: Sequence[Change]) -> WriteResult:
        """Append each change in turn (one event each); stop at the first refusal."""
        result = WriteResult()
        away = self.offline()
        if away is not None:
            result.refused = (f"offline: reconnecting; nothing was written and nothing is queued: make the change "
                              f"again once the server is back ({plain(away, 200)})")
            return result
        with self._write_lock:
            for change in changes:
                moment, _ = self._moment()
                fields = dict(change.fields)
                if self.by:
                    fields["by"] = self.by
                try:
                    event = stamp(change.event_type, ts=moment, **fields)
                    # the engine's cache stands in for a fold of the whole ledger (4.7 s at a million lines)
                    source = self._engine if hasattr(self._engine, "resume") else None
                    # the writer stamps it again under its lock: this clock in the ledger's time zone,
                    # never before the last line (docs/ledger-format.md, "Writers")
                    appended = append_event(self.path, event, expect_version=change.expect_version, source=source,
                                            clock=self.clock, fresh_id="id" not in fields)  # stamp minted it
                except Unchanged as err:
                    result.unchanged = str(err)
                    continue
                except Conflict as err:
                    result.refused, result.conflict = str(err), True
                    break
                except Offline as err:
                    self._offline = str(err)
                    result.refused = (f"offline: reconnecting; nothing was written and nothing is queued: make the "
                                      f"change again once the server is back ({plain(err, 200)})")
                    break
                except LedgerError as err:
                    result.refused = str(err)
                    break
                except OSError as err:  # a read-only or immutable file, a full disk: said, the board stays up
                    result.refused = explain(err)
                    break
                self._see(appended.event.ts)
                subject = f"{plain(event.deal_id)}: " if event.deal_id else ""
                result.applied.append(Applied(appended.line, subject + describe(event), event.deal_id,
                                              appended.deal_version, change.inverse, appended.event))
        return result
