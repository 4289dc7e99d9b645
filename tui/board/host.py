"""The board screen as its key mixins see it: what ChangeKeys, ScenarioKeys and LookingKeys may use of the
screen that hosts them.

The mixins type `self` against BoardHost (for the type checker only) instead of naming BoardScreen, which
mixes them in: so screen.py imports changes.py and whatif/keys.py, and neither imports it back.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable

from textual.screen import Screen

from ledger import Event
from tui.board.actions import Change
from tui.board.data import BoardData
from tui.board.view import Applied, BoardView
from tui.board.deals_table import DealsTable

Build = Callable[[], "Change | list[Change]"]


class BoardHost(Screen[None]):
    """A board screen: its state, and the methods the mixins call on it or on each other."""

    data: BoardData
    view: BoardView | None
    period: str | None
    owner: str | None
    needle: str
    sort: int  # the board's order: its place in rows.SORTS
    sort_reverse: bool
    writing: bool  # a write is in flight: further changes wait in `pending`
    pending: deque[Callable[[], None]]
    undo_stack: list[Applied]

    # -- given by the screen ------------------------------------------------------------------

    @property
    def table(self) -> DealsTable: ...

    def say(self, message: str, error: bool = False) -> None: ...

    def key_of(self, binding_id: str) -> str: ...

    def reload(self) -> None: ...

    def show(self, view: BoardView) -> None: ...

    def write(self, changes: list[Change], undo: bool, period: str | None, owner: str | None) -> None: ...

    def today(self) -> dt.date: ...

    def confirm_soon(self) -> None: ...

    def _show_table(self) -> None: ...

    # -- given by one mixin to the other ------------------------------------------------------

    def scenario_events(self) -> tuple[Event, ...] | None: ...  # ScenarioKeys

    def why_not(self) -> str | None: ...  # ChangeKeys

    def submit(self, build: Build, undo: bool = False) -> None: ...  # ChangeKeys

    def take(self, changes: list[Change], undo: bool) -> None: ...  # ChangeKeys, redirected by ScenarioKeys

    def action_undo(self) -> None: ...  # ChangeKeys, redirected by ScenarioKeys
