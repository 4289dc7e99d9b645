"""A deal's timeline: every event with who and when, and its estimated value over time as a sparkline."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Sparkline, Static

from tui.board.keys import binding
from tui.history.data import HistoryData, Timeline
from tui.history.keys import TIMELINE_KEYS
from tui.text import cell, money, plain


class TimelineScreen(Screen[None], inherit_bindings=False):
    """One deal's events, oldest first, up to a moment (now, or the past moment shown)."""

    BINDINGS: ClassVar[list[Binding]] = [binding(k) for k in TIMELINE_KEYS]

    class Loaded(Message):
        def __init__(self, timeline: Timeline | None, error: str | None) -> None:
            super().__init__()
            self.timeline, self.error = timeline, error

    def __init__(self, data: HistoryData, deal: str, until: dt.datetime) -> None:
        super().__init__()
        self.data, self.deal, self.until = data, deal, until
        self.timeline: Timeline | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="timeline-title")
        yield Sparkline([], id="timeline-value")
        yield Static(id="timeline-range")
        yield DataTable(id="timeline-events", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("When", "By", "What", "Est. value after")
        table.focus()
        self.title_line("loading…")
        self.load()

    def title_line(self, note: str = "") -> None:
        text = Text()
        text.append(" TIMELINE ", style="bold reverse")
        text.append(f"  deal {plain(self.deal, 40)}  ·  up to {self.until:%a %d %b %Y %H:%M}  ·  esc back")
        if note:
            text.append(f"  ·  {plain(note, 200)}")
        self.query_one("#timeline-title", Static).update(text)

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def load(self) -> None:
        try:
            self.post_message(self.Loaded(self.data.timeline(self.deal, self.until), None))
        except Exception as err:  # shown; the screen stays up
            self.post_message(self.Loaded(None, f"the timeline could not be read: {plain(err)}"))

    def on_timeline_screen_loaded(self, message: Loaded) -> None:
        self.title_line(message.error or "")
        self.timeline = timeline = message.timeline
        if timeline is None:
            return
        table = self.query_one(DataTable)
        table.clear()
        for entry in timeline.entries:
            table.add_row(Text(f"{entry.when:%Y-%m-%d %H:%M}"), cell(entry.by, 12), cell(entry.what, 90),
                          Text(money(entry.estimated_value), justify="right"))
        values = [entry.estimated_value for entry in timeline.entries]
        self.query_one(Sparkline).data = values
        span = (f"estimated value after each event: from {money(values[0])} to {money(values[-1])}, "
                f"highest {money(max(values))}" if values else "no events for this deal")
        self.query_one("#timeline-range", Static).update(Text(span))

    def action_close(self) -> None:
        self.dismiss()
