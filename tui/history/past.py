"""Time travel: the pipeline and the forecast as they stood at a past moment, read-only and marked as the past."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from queries.model import Forecast
from tui.board.deals_table import DealsTable
from tui.board.header import BoardHeader
from tui.board.keys import binding
from tui.history.data import HistoryData, past_view
from tui.history.keys import PAST_KEYS
from tui.text import plain


class PastScreen(Screen[None], inherit_bindings=False):
    """The board at the end of a past day (or a given moment): nothing here writes to the ledger."""

    BINDINGS: ClassVar[list[Binding]] = [binding(k) for k in PAST_KEYS]

    class Loaded(Message):
        """The forecast as of the moment, built in a worker (or why it could not be)."""

        def __init__(self, forecast: Forecast | None, as_of: dt.datetime, error: str | None) -> None:
            super().__init__()
            self.forecast, self.as_of, self.error = forecast, as_of, error

    def __init__(self, data: HistoryData, moment: dt.datetime, owner: str | None = None,
                 period: str | None = None) -> None:
        super().__init__()
        self.data = data
        self.moment = moment
        self.owner = owner
        self.period = period  # None: the month of the moment
        self.forecast: Forecast | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="past-banner")
        yield BoardHeader(id="past-header")
        yield DealsTable(id="past-deals")
        yield Input(placeholder="a date, YYYY-MM-DD (the end of that day); enter goes there, esc cancels",
                    id="past-date", compact=True)
        yield Static(id="past-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#past-date").display = False
        self.query_one(DealsTable).focus()
        self.banner()
        self.load(self.moment)

    def banner(self, note: str = "") -> None:
        text = Text()
        text.append(" THE PAST ", style="bold reverse")
        text.append(f"  the board as it stood on {self.moment:%a %d %b %Y %H:%M}, read-only  ·  "
                    "[ ] a day back / forward  ·  d a date  ·  esc back")
        if note:
            text.append(f"  ·  {plain(note, 600)}")  # wrapped by the banner, not cut
        self.query_one("#past-banner", Static).update(text)

    @work(thread=True, exclusive=True, group="past", exit_on_error=False)
    def load(self, moment: dt.datetime) -> None:
        try:
            forecast = self.data.forecast(self.period, moment, self.owner)
            self.post_message(self.Loaded(forecast, moment, None))
        except Exception as err:  # the engine's failure is shown, the screen stays up
            self.post_message(self.Loaded(None, moment, f"the forecast could not be computed: {plain(err)}"))

    def on_past_screen_loaded(self, message: Loaded) -> None:
        self.moment, self.forecast = message.as_of, message.forecast
        self.banner(message.error or "")
        if message.forecast is None:
            return
        forecast = message.forecast
        self.query_one(BoardHeader).show(past_view(forecast, forecast.period, self.owner, message.as_of))
        self.query_one(DealsTable).show(forecast, message.as_of.date(), "", 0, {}, forecast.promotions)
        self.query_one("#past-status", Static).update(
            f"{len(forecast.deals)} deals  ·  period {forecast.period}  ·  as of {message.as_of.isoformat()}")

    # -- keys ------------------------------------------------------------------------------------

    def action_step(self, days: int) -> None:
        """The end of the day before (or after) the one shown."""
        self.load(self.data_end_of(self.moment.date() + dt.timedelta(days=days)))

    def data_end_of(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.max, self.moment.tzinfo)

    def action_type_date(self) -> None:
        field = self.query_one("#past-date", Input)
        field.display = True
        field.focus()

    @on(Input.Submitted, "#past-date")
    def go_to_date(self, event: Input.Submitted) -> None:
        try:
            day = dt.date.fromisoformat(event.value.strip())
        except ValueError:
            self.banner(f"{event.value!r} is not a date: type YYYY-MM-DD")
            return
        self.hide_date()
        self.load(self.data_end_of(day))

    def hide_date(self) -> None:
        field = self.query_one("#past-date", Input)
        field.value, field.display = "", False
        self.query_one(DealsTable).focus()

    def action_close(self) -> None:
        if self.query_one("#past-date", Input).display:
            self.hide_date()
        else:
            self.dismiss()

    @property
    def selected_deal(self) -> str | None:
        deal = self.query_one(DealsTable).selected
        return deal.deal if deal else None
