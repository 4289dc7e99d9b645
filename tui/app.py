"""The Dealbook app: the live board for one ledger, keys remappable from a keymap file."""

from __future__ import annotations

import datetime as dt
import gc
import os
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

from ledger.writer import now as system_now
from ledger.home import place
from tui.board.commands import BoardCommands
from tui.board.data import BoardData
from tui.board.view import Clock
from tui.board.help import HelpScreen
from tui.board.keys import APP_KEYS, binding, keymap_path, load_keymap
from tui.board.screen import BoardScreen
from queries.moments import shift_period
from tui.history.data import HistoryData
from tui.history.keys import HISTORY_KEYS, OPEN_KEYS
from tui.plan.keys import ALL_PLAN_KEYS, OPEN_PLAN


def as_clock(now: Clock | dt.datetime | None) -> Clock:
    """A clock from what the caller gave: a fixed moment (tests, snapshots), a function, or the system's."""
    if now is None:
        return system_now
    if isinstance(now, dt.datetime):
        return lambda: now
    return now


class DealbookApp(App[int], inherit_bindings=False):
    """Opens the board on a ledger; the app itself only holds the keymap, help and the palette."""

    CSS_PATH: ClassVar = ["board/board.tcss", "history/history.tcss", "plan/plan.tcss"]
    TITLE = "Dealbook"
    COMMANDS: ClassVar = App.COMMANDS | {BoardCommands}
    BINDINGS: ClassVar[list[Binding]] = [
        binding(replace(k, action=k.action.removeprefix("app.")), priority=k.id == "command-palette")
        for k in APP_KEYS
    ] + [binding(replace(k, action=k.action.removeprefix("app."))) for k in (*OPEN_KEYS, OPEN_PLAN)]

    def __init__(self, path: str | os.PathLike[str], by: str | None = None,
                 now: Clock | dt.datetime | None = None, watch: bool = True,
                 keymap_file: Path | None = None, notes: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.notes = notes  # said under the board's header, such as where a sample's working copy is
        self.data = BoardData(place(path), as_clock(now), by)
        self.history = HistoryData(place(path), shared=self.data.engine)  # one Store for the board and history
        self.watch = watch
        self.keymap_file = keymap_file or keymap_path()
        self.keymap, self.keymap_problems = load_keymap(self.keymap_file, frozenset(k.id for k in (*HISTORY_KEYS, *ALL_PLAN_KEYS)))

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        self._restore_theme()
        self.push_screen(BoardScreen(self.data, self.watch, (*self.notes, *self.keymap_problems)))

    def _restore_theme(self) -> None:
        """The theme chosen last time (the config's `theme`), and from now on each one chosen is kept there."""
        from tui import config

        try:
            chosen = config.load().theme
        except config.ConfigError:
            chosen = None  # said by the commands that read the config; the app opens in its default theme
        if chosen in self.available_themes:
            self.theme = chosen
        DOMNode.watch(self, self, "theme", self._keep_theme, init=False)  # (self.watch is the file-watch flag)

    def _keep_theme(self, theme: str) -> None:
        from tui import config

        try:
            if config.load().theme != theme:
                config.save(theme=theme)
        except (config.ConfigError, OSError) as err:
            self.notify(f"the theme could not be kept: {err}", severity="warning", markup=False)

    @property
    def keymap_note(self) -> str:
        state = "applied" if self.keymap else "none found"
        return (f"Keymap file: {self.keymap_file} ({state}); one line per key to remap: "
                'binding-id = "keys", such as stage-forward = "ctrl+right,>"')

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            more = {"History": HISTORY_KEYS, "Plan": ALL_PLAN_KEYS}
            self.push_screen(HelpScreen(self.keymap, self.keymap_note, more))


    # -- history (tui/history/): each screen reads the Store in its own workers -------------------------

    def _moment_and_period(self) -> tuple[dt.datetime, str | None, str | None]:
        """The moment the screen in front shows (the board's now, or a past moment), its period and owner."""
        from tui.history.past import PastScreen

        screen = self.screen
        if isinstance(screen, PastScreen):
            return screen.moment, screen.period or (screen.forecast.period if screen.forecast else None), screen.owner
        view = getattr(screen, "view", None)
        if view is not None:
            return view.as_of, view.period, view.owner
        for below in reversed(self.screen_stack):
            view = getattr(below, "view", None)
            if view is not None:
                return view.as_of, view.period, view.owner
        return self.data.clock(), None, None

    def action_history_replay(self) -> None:
        """The month before the board's (the latest month with data), replayed day by day."""
        from tui.history.replay import ReplayScreen

        moment, period, owner = self._moment_and_period()
        period = shift_period(period or f"{moment:%Y-%m}", -1)
        self.push_screen(ReplayScreen(self.history, period, moment, owner))

    def action_history_time_travel(self) -> None:
        """The board at the end of the day before the moment shown; [ and ] step from there."""
        from tui.history.past import PastScreen

        moment, _, owner = self._moment_and_period()
        day_before = dt.datetime.combine(moment.date() - dt.timedelta(days=1), dt.time.max, moment.tzinfo)
        self.push_screen(PastScreen(self.history, day_before, owner))

    def action_history_changes(self) -> None:
        """What changed: on a replay, over the selected day; else over the period shown, start to now."""
        from tui.history.changes import ChangesScreen
        from tui.history.replay import ReplayScreen

        screen = self.screen
        if isinstance(screen, ReplayScreen) and screen.selected_day and screen.replay and screen.replay.as_of:
            tz = screen.replay.as_of.tzinfo
            chosen = screen.selected_day
            start = dt.datetime.combine(chosen - dt.timedelta(days=1), dt.time.max, tz)
            end = dt.datetime.combine(chosen, dt.time.max, tz)
            self.push_screen(ChangesScreen(self.history, screen.period, end, start, end, screen.owner))
            return
        moment, period, owner = self._moment_and_period()
        self.push_screen(ChangesScreen(self.history, period or f"{moment:%Y-%m}", moment, owner=owner))

    def action_history_honesty(self) -> None:
        """Are the odds honest? The back-test of the last 12 ended months, and each month's forecast error."""
        from tui.history.honesty import HonestyScreen

        moment, _, owner = self._moment_and_period()
        self.push_screen(HonestyScreen(self.history, moment, owner))

    def action_history_timeline(self) -> None:
        """The timeline of the deal under the cursor (on the board or a past board)."""
        from tui.board.deals_table import DealsTable
        from tui.history.timeline import TimelineScreen

        tables = self.screen.query(DealsTable)
        deal = tables.first().selected if tables else None
        if deal is None:
            self.notify("Put the cursor on a deal first (on the board or a past board).", severity="warning")
            return
        moment, _, _ = self._moment_and_period()
        self.push_screen(TimelineScreen(self.history, deal.deal, moment))

    def action_plan_screen(self) -> None:
        """The plan of the year shown (tui/plan/): months' targets against won, the day's work, live flags."""
        from tui.plan.screen import PlanScreen

        moment, period, owner = self._moment_and_period()
        self.push_screen(PlanScreen(self.history, period or f"{moment:%Y-%m}", moment, owner))

    def on_unmount(self) -> None:
        self.history.close()
        self.data.close()
        gc.unfreeze()  # the board froze what startup made (BoardScreen): hand it back for the exit


def run_app(path: str | os.PathLike[str], by: str | None = None, now: Clock | dt.datetime | None = None,
            notes: tuple[str, ...] = ()) -> int:
    """Run the board until the user quits; the exit code for the command line."""
    app = DealbookApp(path, by=by, now=now, notes=notes)
    result = app.run()
    return result if isinstance(result, int) else app.return_code or 0
