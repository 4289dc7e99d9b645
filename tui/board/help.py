"""The `?` screen: every key of the board, as remapped by the user's keymap, with its binding id."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.board.keys import ALL_KEYS, FORM_KEYS, BoardKey, binding, display_keys

HEADINGS = {"change": "Changes (each appends one event)", "view": "Looking around",
            "whatif": "What-if (writes only on commit)", "move": "Moving", "app": "App"}


def keys_table(keymap: Mapping[str, str], more: Mapping[str, Sequence[BoardKey]] | None = None) -> Table:
    """Every key by group; `more` adds groups the app brings (heading -> keys), such as the history's."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", min_width=14)
    table.add_column()
    table.add_column(style="dim")
    for group, heading in HEADINGS.items():
        table.add_row(Text(heading, style="bold underline"), "", "")
        for key in (k for k in ALL_KEYS if k.group == group):
            table.add_row(Text(display_keys(keymap.get(key.id, key.keys))), Text(key.description), Text(key.id))
        table.add_row("", "", "")
    for heading, keys in (more or {}).items():
        table.add_row(Text(heading, style="bold underline"), "", "")
        for key in dict.fromkeys(keys):
            table.add_row(Text(display_keys(keymap.get(key.id, key.keys))), Text(key.description), Text(key.id))
        table.add_row("", "", "")
    table.add_row(Text("In a form", style="bold underline"), "", "")
    for key in FORM_KEYS[:3]:
        table.add_row(Text(display_keys(keymap.get(key.id, key.keys))), Text(key.description), Text(key.id))
    return table


class HelpScreen(ModalScreen[None]):
    """Every key; esc, ? or q closes it."""

    BINDINGS: ClassVar[list[Binding]] = [
        binding(k) for k in FORM_KEYS if k.id == "help-close"
    ]

    def __init__(self, keymap: Mapping[str, str], keymap_note: str,
                 more: Mapping[str, Sequence[BoardKey]] | None = None) -> None:
        super().__init__()
        self.keymap, self.keymap_note, self.more = keymap, keymap_note, more

    @property
    def text(self) -> str:
        """Every row of the keys table, as plain text."""
        table = keys_table(self.keymap, self.more)
        rows = zip(*([str(cell) for cell in column.cells] for column in table.columns))
        return "\n".join(["  ".join(row) for row in rows] + [self.keymap_note])

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("Keys  (esc closes)", style="bold"), id="help-title")
            yield Static(keys_table(self.keymap, self.more), id="help-keys")
            yield Static(Text(self.keymap_note, style="dim"), id="help-keymap")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
