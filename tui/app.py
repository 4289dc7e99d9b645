"""The Dealbook app: the live board for one ledger, keys remappable from a keymap file."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding

from ledger.writer import now as system_now
from tui.board.commands import BoardCommands
from tui.board.data import BoardData, Clock
from tui.board.help import HelpScreen
from tui.board.keys import APP_KEYS, binding, keymap_path, load_keymap
from tui.board.screen import BoardScreen


def as_clock(now: Clock | dt.datetime | None) -> Clock:
    """A clock from what the caller gave: a fixed moment (tests, snapshots), a function, or the system's."""
    if now is None:
        return system_now
    if isinstance(now, dt.datetime):
        return lambda: now
    return now


class DealbookApp(App[int], inherit_bindings=False):
    """Opens the board on a ledger; the app itself only holds the keymap, help and the palette."""

    CSS_PATH = "board/board.tcss"
    TITLE = "Dealbook"
    COMMANDS: ClassVar = App.COMMANDS | {BoardCommands}
    BINDINGS: ClassVar[list[Binding]] = [
        binding(replace(k, action=k.action.removeprefix("app.")), priority=k.id == "command-palette")
        for k in APP_KEYS
    ]

    def __init__(self, path: str | os.PathLike[str], by: str | None = None,
                 now: Clock | dt.datetime | None = None, watch: bool = True,
                 keymap_file: Path | None = None) -> None:
        super().__init__()
        self.data = BoardData(Path(path), as_clock(now), by)
        self.watch = watch
        self.keymap_file = keymap_file or keymap_path()
        self.keymap, self.keymap_problems = load_keymap(self.keymap_file)

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        self.push_screen(BoardScreen(self.data, self.watch, tuple(self.keymap_problems)))

    @property
    def keymap_note(self) -> str:
        state = "applied" if self.keymap else "none found"
        return (f"Keymap file: {self.keymap_file} ({state}); one line per key to remap: "
                'binding-id = "keys", such as stage-forward = "ctrl+right,>"')

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.keymap, self.keymap_note))


def run_app(path: str | os.PathLike[str], by: str | None = None, now: Clock | dt.datetime | None = None) -> int:
    """Run the board until the user quits; the exit code for the command line."""
    app = DealbookApp(path, by=by, now=now)
    result = app.run()
    return result if isinstance(result, int) else app.return_code or 0
