"""A yes-or-no question over the board, asked before a scenario is committed to the ledger."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.board.keys import FORM_KEYS, binding


class ConfirmScreen(ModalScreen[bool]):
    """y or enter: yes; n or esc: no."""

    BINDINGS: ClassVar[list[Binding]] = [binding(k) for k in FORM_KEYS if k.id in ("confirm-yes", "confirm-no")]

    def __init__(self, question: Text) -> None:
        super().__init__()
        self.question = question

    @property
    def text(self) -> str:
        return self.question.plain

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.question, id="form-title")
            yield Static(Text("y or enter: yes   n or esc: no", style="dim"), id="form-hint")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)
