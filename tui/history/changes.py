"""What changed a period's progress between two moments: the waterfall as a table and bars, and each cause's deals."""

from __future__ import annotations

from decimal import Decimal

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from queries.model import Changes
from tui.board.keys import binding
from queries.moments import period_bounds, shift_period
from tui.history.data import HistoryData
from tui.history.keys import CHANGES_KEYS
from tui.text import cell, money, plain

BAR_WIDTH = 30


def cause_name(cause: str) -> str:
    return cause.replace("_", " ")


def bar(amount: Decimal, largest: Decimal, width: int = BAR_WIDTH) -> Text:
    """A horizontal bar of blocks: its length the share of the largest change, green up, red down."""
    cells = round(width * abs(amount) / largest) if largest else 0
    if amount and not cells:
        cells = 1
    return Text("█" * cells, style="green" if amount > 0 else "red")


def waterfall_rows(result: Changes) -> list[tuple[str, Decimal]]:
    """start, every cause that moved progress (in CAUSES order), end: the lines the table shows."""
    moved = [(cause, amount) for cause, amount in result.buckets.items() if amount]
    return [("start", result.start), *moved, ("end", result.end)]


def period_moments(period: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The default pair: the start of the period to its end, or to now if it has not ended."""
    first, last = period_bounds(period)
    tz = now.tzinfo
    start = dt.datetime.combine(first, dt.time.min, tz)
    end = min(dt.datetime.combine(last, dt.time.max, tz), now)
    return start, max(start, end)


class ChangesScreen(Screen[None], inherit_bindings=False):
    """The waterfall of one period between two moments; the cause under the cursor lists its deals."""

    BINDINGS: ClassVar[list[Binding]] = [binding(k) for k in CHANGES_KEYS]

    class Loaded(Message):
        def __init__(self, result: Changes | None, error: str | None) -> None:
            super().__init__()
            self.result, self.error = result, error

    def __init__(self, data: HistoryData, period: str, now: dt.datetime, start: dt.datetime | None = None,
                 end: dt.datetime | None = None, owner: str | None = None) -> None:
        super().__init__()
        self.data, self.period, self.now, self.owner = data, period, now, owner
        default_start, default_end = period_moments(period, now)
        self.start, self.end = start or default_start, end or default_end
        self.result: Changes | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="changes-title")
        with Horizontal(id="changes-moments"):
            yield Input(placeholder="from: YYYY-MM-DD or RFC 3339", id="changes-from", compact=True)
            yield Input(placeholder="to: YYYY-MM-DD or RFC 3339 (enter runs it, esc cancels)", id="changes-to",
                        compact=True)
        with Horizontal(id="changes-body"):
            yield DataTable(id="changes-causes", cursor_type="row")
            yield DataTable(id="changes-deals", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#changes-moments").display = False
        causes = self.query_one("#changes-causes", DataTable)
        causes.add_columns("Cause", "Change", "")
        self.query_one("#changes-deals", DataTable).add_columns("Deal", "Name", "Owner", "Change")
        causes.focus()
        self.run()

    def title_line(self, note: str = "") -> None:
        who = f"owner {plain(self.owner)}" if self.owner else "team"
        text = Text()
        text.append(" WHAT CHANGED ", style="bold reverse")
        text.append(f"  progress of {self.period} ({who}) from {self.start:%a %d %b %H:%M} "
                    f"to {self.end:%a %d %b %H:%M}  ·  m choose the moments  ·  [ ] month")
        if note:
            text.append(f"  ·  {plain(note, 200)}")
        self.query_one("#changes-title", Static).update(text)

    def run(self) -> None:
        self.title_line("loading…")
        self.load(self.start, self.end, self.period)

    @work(thread=True, exclusive=True, group="changes", exit_on_error=False)
    def load(self, start: dt.datetime, end: dt.datetime, period: str) -> None:
        try:
            self.post_message(self.Loaded(self.data.changes(start, end, period, self.owner), None))
        except Exception as err:  # a wrong pair of moments, or the engine: said, the screen stays up
            self.post_message(self.Loaded(None, plain(err)))

    def on_changes_screen_loaded(self, message: Loaded) -> None:
        self.title_line(message.error or "")
        if message.result is None:
            return
        self.result = result = message.result
        causes = self.query_one("#changes-causes", DataTable)
        causes.clear()
        rows = waterfall_rows(result)
        largest = max((abs(amount) for name, amount in rows if name not in ("start", "end")), default=Decimal(0))
        for name, amount in rows:
            ends = name in ("start", "end")
            causes.add_row(Text(cause_name(name), style="bold" if ends else ""),
                           Text(money(amount), justify="right"),
                           Text("") if ends else bar(amount, largest), key=name)
        causes.move_cursor(row=1 if len(rows) > 2 else 0)
        self.list_deals(self.selected_cause)

    @property
    def selected_cause(self) -> str | None:
        causes = self.query_one("#changes-causes", DataTable)
        if causes.row_count == 0:
            return None
        key = causes.coordinate_to_cell_key(causes.cursor_coordinate).row_key.value
        return None if key in ("start", "end") else key

    @on(DataTable.RowHighlighted, "#changes-causes")
    def cause_chosen(self) -> None:
        self.list_deals(self.selected_cause)

    def list_deals(self, cause: str | None) -> None:
        deals = self.query_one("#changes-deals", DataTable)
        deals.clear()
        if self.result is None or cause is None:
            return
        for d in self.result.deals:
            if d.cause == cause:
                deals.add_row(cell(d.deal, 12), cell(d.name, 40), cell(d.owner, 10),
                              Text(money(d.amount), justify="right"))

    @property
    def listed_deals(self) -> list[str]:
        table = self.query_one("#changes-deals", DataTable)
        return [table.get_row_at(i)[0].plain for i in range(table.row_count)]

    # -- keys ------------------------------------------------------------------------------------

    def action_period(self, step: int) -> None:
        self.period = shift_period(self.period, step)
        self.start, self.end = period_moments(self.period, self.now)
        self.run()

    def action_type_moments(self) -> None:
        self.query_one("#changes-moments").display = True
        self.query_one("#changes-from", Input).value = self.start.isoformat()
        self.query_one("#changes-to", Input).value = self.end.isoformat()
        self.query_one("#changes-from", Input).focus()

    @on(Input.Submitted)
    def moments_typed(self) -> None:
        try:
            start = self.moment(self.query_one("#changes-from", Input).value)
            end = self.moment(self.query_one("#changes-to", Input).value)
        except ValueError as err:
            self.title_line(str(err))
            return
        self.start, self.end = start, end
        self.hide_moments()
        self.run()

    def moment(self, text: str) -> dt.datetime:
        """A typed moment: a bare date is the end of that day, in the offset of the moments shown."""
        text = text.strip()
        try:
            if len(text) == 10:
                return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.max, self.now.tzinfo)
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a date (YYYY-MM-DD) or an RFC 3339 time") from None
        return when if when.tzinfo else when.replace(tzinfo=self.now.tzinfo)

    def hide_moments(self) -> None:
        self.query_one("#changes-moments").display = False
        self.query_one("#changes-causes", DataTable).focus()

    def action_close(self) -> None:
        if self.query_one("#changes-moments").display:
            self.hide_moments()
        else:
            self.dismiss()
