"""The live board: header, deals, promotions and problems, kept fresh from the ledger by thread workers."""

from __future__ import annotations

import datetime as dt
import gc
from collections import deque
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from ledger.problems import is_url
from tui.board.changes import ChangeKeys
from tui.board.data import BoardData
from tui.board.view import Applied, BoardView, FileSignature, WriteResult
from tui.board.deals_table import DealsTable
from tui.board.header import BoardHeader
from tui.board.keys import APP_KEYS, BOARD_KEYS, MOVES, binding, display_keys
from tui.board.looking import LookingKeys
from tui.board.problems import ProblemsPanel
from tui.board.promotions import PromotionsPanel, proposed
from tui.board.rows import first_steps, sort_words
from tui.board.updates import update_if_changed
from tui.board.why import slipped_count
from tui.progress import from_the_first_piece
from tui.text import plain
from tui.whatif.keys import ScenarioKeys
from tui.whatif.panel import ScenarioPanel

POLL_SECONDS = 0.5
TABLE_POLL_SECONDS = 0.1  # a table's signature is the watch thread's counters: no system call, and a change shows sooner
CONFIRM_SECONDS = 1.0  # after the last of a run of keys, the engine's view replaces the carried one
LOADING, READING = "loading the ledger…", "reading the lines appended…"  # the status line while a load reads
ODDS_SECONDS = 0.5  # a view painted without its odds (a simulation): they are computed once keys pause this long


class BoardScreen(ScenarioKeys, ChangeKeys, LookingKeys, Screen[None], inherit_bindings=False):
    """One period's board, for the team or one owner; every change goes through a worker (or to a what-if)."""

    # below 160 columns the promotions go under the header (board.tcss): beside them, a header of fewer
    # than about 90 columns wrapped its figures into a narrow column
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (160, "-wide")]
    BINDINGS: ClassVar[list[Binding]] = [
        binding(k)  # ? and q first: a narrow footer (80 columns) cuts its end, and these two must stay
        for k in (*(a for a in APP_KEYS if a.id in ("help", "quit")), *BOARD_KEYS,
                  *(m for m in MOVES if m.id == "focus-next"))
    ]

    class Loaded(Message):
        """A fresh view of the ledger, built in a worker."""

        def __init__(self, view: BoardView) -> None:
            super().__init__()
            self.view = view

    class Reading(Message):
        """How far a load of the ledger's lines has read (from the worker reading them)."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    class Written(Message):
        """The outcome of a write worker: what was appended or refused, and the view after it."""

        def __init__(self, result: WriteResult, view: BoardView, undo: bool) -> None:
            super().__init__()
            self.result, self.view, self.undo = result, view, undo

    def __init__(self, data: BoardData, watch: bool = True, notes: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.data = data
        self.watch = watch
        self.view: BoardView | None = None
        self.period: str | None = None
        self.owner: str | None = None
        self.needle = ""
        self.sort = 0
        self.sort_reverse = False
        self.fallback: tuple[str, str] | None = None  # (period, note) while the fallback period is shown
        self.startup_notes = notes
        self.writing = False
        self.pending: deque[Callable[[], None]] = deque()
        self.undo_stack: list[Applied] = []
        self.requested: FileSignature | None = None  # the file as it was when the last reload was asked for
        self.confirming = 0  # carried views shown since the engine last confirmed one
        self.proven = False  # whether the ledger's prefix was proven for the appends to come

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield BoardHeader(id="header")
            yield PromotionsPanel(id="promotions")
        yield ScenarioPanel(id="scenario")
        yield Static(id="notes")
        yield ProblemsPanel(id="problems")
        yield DealsTable(id="deals")
        yield Input(placeholder="filter: a piece of a name, account, owner or stage; enter keeps it, esc clears",
                    id="search", compact=True)
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search").display = False
        self.query_one("#problems").display = False
        self.query_one("#promotions").display = False
        self.query_one("#notes").display = False
        self.query_one("#scenario").display = False
        self.query_one(DealsTable).focus()
        self.say(LOADING)
        if self.data.progress is None:  # told from the thread that loads: handled here as a message
            self.data.progress = from_the_first_piece(lambda done, total: self.post_message(self.Reading(done, total)))
        self.reload()
        if self.watch:
            self.set_interval(TABLE_POLL_SECONDS if is_url(self.data.path) else POLL_SECONDS, self.poll)

    # -- loading ---------------------------------------------------------------------------------

    @property
    def table(self) -> DealsTable:
        return self.query_one(DealsTable)

    def reload(self) -> None:
        self.load_view(self.period, self.owner, self.scenario_events())

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_view(self, period: str | None, owner: str | None, scenario: tuple | None = None) -> None:
        view = self.data.load(period, owner) if scenario is None else self.data.load(period, owner, scenario)
        self.post_message(self.Loaded(view))
        if not self.proven:
            self.proven = True
            self.data.ready_to_write()  # once painted: the first key's append then reads only the lines since

    def confirm_soon(self) -> None:
        """A carried view is on screen: reload from the engine once the keys pause (a run of keys is not
        held up by reloads; the engine's view, which agrees, replaces it a moment later)."""
        self.confirming += 1
        expected = self.confirming

        def confirm() -> None:
            if self.confirming == expected:
                self.confirming = 0
                self.reload()

        self.set_timer(CONFIRM_SECONDS, confirm)

    def poll(self) -> None:
        """Another process appended? Reload; cheap enough (one stat) to run every half second."""
        if self.view is None or self.writing:
            return
        signature = self.data.signature()
        if signature != self.view.signature and signature != self.requested:
            self.requested = signature  # asked once per change, however long the read takes
            if self.scenario_events() is None:
                self.catch_up(self.period, self.owner)
            else:
                self.reload()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def catch_up(self, period: str | None, owner: str | None) -> None:
        """Another laptop's rows painted at once, carried over the view shown (a table's board), then the
        engine's view."""
        quick = self.data.caught_up(period, owner)
        if quick is not None:
            self.post_message(self.Loaded(quick))
        self.post_message(self.Loaded(self.data.load(period, owner)))

    def on_board_screen_reading(self, message: BoardScreen.Reading) -> None:
        share, size = message.done * 100 // message.total, f"{message.total / 2**20:,.0f} MB"
        if self.view is None:
            self.say(f"{LOADING} {share}% of {size} (the first open on this machine builds the ledger's cache "
                     "beside it; the next ones take a second)")
        else:
            self.say(f"{READING} {share}% of {size}")

    def on_board_screen_loaded(self, message: BoardScreen.Loaded) -> None:
        first = self.view is None
        self.show(message.view)
        if first:
            # What exists once the board is up (Textual's widgets, the modules, the engine) lives as long
            # as the app: out of the collector's sight, a full collection no longer walks it mid-keystroke.
            gc.freeze()
        if self.status_text.startswith((LOADING, READING)):
            self.say("")

    def show(self, view: BoardView) -> None:
        if self.view is not None and view.generation < self.view.generation:
            return  # an older read finished late
        if self.period is not None and (view.period, view.owner) != (self.period, self.owner):
            return  # a view asked for before the period or owner changed
        if view.scenario != self.scenario_events():
            return  # a view of another scenario (or of the ledger alone) than the one now tried
        if self.period is None:
            self.period = view.period
            self.fallback = (view.period, view.fallback) if view.fallback else None
        self.view = view
        self.query_one(BoardHeader).show(view)
        self.query_one(ProblemsPanel).show(view.problems, view.cut_off)
        self.query_one(PromotionsPanel).show(view.forecast, None if view.read_only else self.key_of("promote"))
        self.show_scenario(view)
        self._show_notes(view)
        self._show_table()
        if view.odds_pending and not view.provisional:
            self.set_timer(ODDS_SECONDS, lambda: self._fill_odds(view))

    def _fill_odds(self, view: BoardView) -> None:
        if self.view is view and not self.writing:  # else a newer view (or a key's) came meanwhile
            self.fill_odds(view)

    @work(thread=True, exclusive=True, group="odds", exit_on_error=False)
    def fill_odds(self, view: BoardView) -> None:
        self.post_message(self.Loaded(self.data.odds_filled(view)))

    def _show_notes(self, view: BoardView) -> None:
        notes = list(view.notes)
        if self.fallback and self.fallback[0] == self.period:
            notes.insert(0, self.fallback[1])
        notes += list(self.startup_notes)
        if view.forecast is not None and not view.forecast.deals and not view.read_only and view.scenario is None:
            notes.append(first_steps(view.forecast.target is not None, bool(view.settings.get("tz")), self.key_of))
        if view.error:
            notes.append(view.error)
        widget = self.query_one("#notes", Static)
        self.notes_text = "\n".join(notes)
        update_if_changed(widget, Text(self.notes_text))
        widget.display = bool(notes)

    def _show_table(self) -> None:
        view = self.view
        if view is None:
            return
        stage_rank = {name: stage.position for name, stage in view.stages.items()}
        promotions = [d.deal for d in proposed(view.forecast)]
        table = self.table
        table.show(view.forecast, view.as_of.date(), self.needle, self.sort, stage_rank, promotions,
                   self.sort_reverse)
        total = len(view.forecast.deals) if view.forecast else 0
        title = f"Deals · {table.shown_count} of {total} · sorted by {sort_words(self.sort, self.sort_reverse)}"
        if self.needle:
            title += f" · filter: {plain(self.needle, 30)}"
        late = slipped_count(view.forecast.deals, view.as_of.date()) if view.forecast else 0
        if late:
            title += f" · {late} slipped ({self.key_of('to-update')}: what to update)"
        table.border_title = Text(title)

    # -- the filter (LookingKeys opens and clears it; @on handlers stay on the screen, where Textual finds them)

    @on(Input.Changed, "#search")
    def _filter(self, event: Input.Changed) -> None:
        self.needle = event.value
        self._show_table()

    @on(Input.Submitted, "#search")
    def _keep_filter(self) -> None:
        self.table.focus()
        if not self.needle:
            self.query_one("#search").display = False

    # -- saying things ---------------------------------------------------------------------------

    status_text = ""  # the status line, as plain text
    notes_text = ""  # the notes under the header, as plain text

    def say(self, message: str, error: bool = False) -> None:
        """One line at the bottom: what just happened, or why a key did nothing."""
        self.status_text = message
        status = self.query_one("#status", Static)
        update_if_changed(status, Text(message))
        status.set_class(error, "-error")

    def key_of(self, binding_id: str) -> str:
        keymap = getattr(self.app, "keymap", {})
        default = next(k.keys for k in BOARD_KEYS if k.id == binding_id)
        return display_keys(keymap.get(binding_id, default)).split(" ")[0]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.writing = False
            error = event.worker.error
            self.say(f"{event.worker.name} failed: {plain(error, 300)}", error=True)
            self.app.notify(plain(error, 300), title="Dealbook: something went wrong", severity="error",
                            markup=False)

    # -- writing ---------------------------------------------------------------------------------

    @work(thread=True, group="write", exit_on_error=False)
    def write(self, changes: list, undo: bool, period: str | None, owner: str | None) -> None:
        result = self.data.apply(changes)
        carried = self.data.carried(result, period, owner)
        if carried is None:
            self.post_message(self.Written(result, self.data.load(period, owner), undo))
            return
        self.post_message(self.Written(result, carried, undo))  # painted now; the engine's view follows

    def today(self) -> dt.date:
        return self.view.as_of.date() if self.view else dt.date.today()
