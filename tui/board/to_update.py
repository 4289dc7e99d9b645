"""The list of what to update (`U`): slipped deals first, then overdue next actions, then idle deals."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from queries.model import ForecastDeal
from tui.board.keys import DETAIL_KEYS, binding
from tui.board.rows import STALE_DAYS
from tui.board.why import to_update
from tui.text import plain


def entry(deal: ForecastDeal, why: str) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{plain(deal.deal, 12):<12} ", style="bold")
    text.append(f"{why:<42} ", style="bold red" if why.startswith("slipped") else "")
    text.append(f"{plain(deal.owner, 8):<8} {plain(deal.name, 36)}")
    return text


class ToUpdate(ModalScreen[str | None]):
    """Each open deal that needs a look; enter takes the board's cursor to it, esc goes back."""

    DEFAULT_CSS = """
    ToUpdate { align: center middle; }
    ToUpdate #to-update { width: 110; max-width: 100%; height: auto; max-height: 100%;
                          border: round $warning; background: $panel; padding: 0 1; }
    ToUpdate OptionList { height: auto; max-height: 30; }
    """
    BINDINGS: ClassVar[list[Binding]] = [binding(k) for k in DETAIL_KEYS if k.id == "detail-close"]

    def __init__(self, deals: list[ForecastDeal], today: dt.date) -> None:
        super().__init__()
        self.items = to_update(deals, today, STALE_DAYS)

    def compose(self) -> ComposeResult:
        slipped = sum(1 for _, why in self.items if why.startswith("slipped"))
        with Vertical(id="to-update"):
            yield Static(Text(f"{len(self.items)} deal(s) to update, {slipped} slipped (open, close date passed). "
                              "enter: go to the deal; esc: back"))
            if self.items:
                yield OptionList(*(Option(entry(d, why), id=d.deal) for d, why in self.items))
            else:
                yield Static(Text("Nothing to update: no slipped deal, no overdue next action, no idle deal."))

    def on_mount(self) -> None:
        self.query_one("#to-update").border_title = "What to update"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
