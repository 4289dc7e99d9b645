"""Is the forecast honest? The back-test's reliability chart and the accuracy of each past month, in the app."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual_plotext import PlotextPlot

from tui.board.keys import binding
from tui.history.data import HistoryData
from tui.history.keys import HONESTY_KEYS
from tui.text import money, plain

if TYPE_CHECKING:  # importing the screen loads no engine
    from queries.accuracy import Accuracy, LedgerBacktest

COLUMNS = ("Month", "Target", "Won", "Made", "Error day 7", "Day 14", "Day 21", "Visible")


def month_cells(accuracy: Accuracy) -> list[tuple[str, ...]]:
    """Each month as the table (and `dealbook accuracy`) shows it."""
    rows = []
    for m in accuracy.months:
        errors = {c.day: money(c.error) for c in m.checkpoints}
        made = "" if m.made is None else ("yes" if m.made else "no")
        seen = f"day {m.first_visible_day}" if m.first_visible else ("no target" if m.made is None else "never")
        rows.append((m.period, money(m.target, none="-"), money(m.actual), made,
                     *(errors.get(n, "") for n in (7, 14, 21)), seen))
    return rows


def summary(backtest: LedgerBacktest) -> Text:
    """The Brier score and what it rests on."""
    r = backtest.reliability
    text = Text()
    if r.brier is None:
        text.append("no ended month with a target yet: nothing to check the odds against", style="dim")
        return text
    text.append(f"Brier score {r.brier:.3f}", style="bold")
    verdict = "better" if r.brier < 0.25 else "no better"
    text.append(f"  (0 is perfect; {verdict} than always saying 50%, 0.25)  ·  {r.count} day-predictions over "
                f"{len(backtest.months)} months (the team's)")
    return text


class HonestyScreen(Screen[None], inherit_bindings=False):
    """The odds against what came true (reliability), and each month's forecast error (accuracy)."""

    BINDINGS: ClassVar[list[Binding]] = [binding(k) for k in HONESTY_KEYS]

    class Loaded(Message):
        def __init__(self, accuracy: Accuracy | None, backtest: LedgerBacktest | None, error: str | None) -> None:
            super().__init__()
            self.accuracy, self.backtest, self.error = accuracy, backtest, error

    def __init__(self, data: HistoryData, now: dt.datetime, owner: str | None = None) -> None:
        super().__init__()
        self.data, self.now, self.owner = data, now, owner
        self.accuracy: Accuracy | None = None
        self.backtest: LedgerBacktest | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="honesty-title")
        with Horizontal(id="honesty-charts"):
            yield PlotextPlot(id="honesty-reliability")
            yield PlotextPlot(id="honesty-errors")
        yield Static(id="honesty-summary")
        yield DataTable(id="honesty-months", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in COLUMNS:
            table.add_column(name, key=name)
        table.focus()
        self.title_line("computing (a replay per month)…")
        self.load()

    def title_line(self, note: str = "") -> None:
        who = f"owner {plain(self.owner)}" if self.owner else "team"
        text = Text()
        text.append(" HONEST? ", style="bold reverse")
        text.append(f"  the last 12 ended months  ·  {who}  ·  the odds against what came true, and the forecast's errors")
        if note:
            text.append(f"  ·  {plain(note, 200)}")
        self.query_one("#honesty-title", Static).update(text)

    @work(thread=True, exclusive=True, group="honesty", exit_on_error=False)
    def load(self) -> None:
        try:
            accuracy, backtest = self.data.honesty(self.owner, self.now)
            self.post_message(self.Loaded(accuracy, backtest, None))
        except Exception as err:  # the engine's failure is shown, the screen stays up
            self.post_message(self.Loaded(None, None, f"could not be computed: {plain(err)}"))

    def on_honesty_screen_loaded(self, message: Loaded) -> None:
        self.accuracy, self.backtest = message.accuracy, message.backtest
        self.title_line(message.error or "")
        table = self.query_one(DataTable)
        table.clear()
        if message.accuracy is None or message.backtest is None:
            return
        for cells in month_cells(message.accuracy):
            table.add_row(*(Text(v, justify="left" if i in (0, 3) else "right") for i, v in enumerate(cells)))
        self.query_one("#honesty-summary", Static).update(summary(message.backtest))
        self.draw()

    def draw(self) -> None:
        assert self.backtest is not None and self.accuracy is not None
        # the charts are only pictures: floats are fine here, every figure shown as text stays exact
        plot = self.query_one("#honesty-reliability", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        bands = [b for b in self.backtest.reliability.bands if b.count]
        plt.plot([0, 1], [0, 1], label="honest", marker="braille")
        if bands:
            plt.scatter([b.mean_predicted for b in bands], [b.observed for b in bands], label="came true",
                        marker="●")
        plt.title("odds given (x) against the share that came true (y)")
        plt.xlim(0, 1)
        plt.ylim(0, 1)
        plot.refresh()
        plot = self.query_one("#honesty-errors", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        months = self.accuracy.months
        xs = list(range(1, len(months) + 1))
        for day in (7, 14, 21):
            shares = [next((100 * c.share for c in m.checkpoints if c.day == day and c.share is not None), 0.0)
                      for m in months]
            if xs:
                plt.plot(xs, shares, label=f"day {day}", marker="braille")
        if xs:
            plt.xticks(xs, [m.period[2:] for m in months])
        plt.title("error as % of what was won, by month")
        plot.refresh()

    def action_close(self) -> None:
        self.dismiss()


