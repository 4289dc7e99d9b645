"""A period replayed: each day's forecast against the target and what was won, its errors, when it showed."""

from __future__ import annotations

from decimal import Decimal

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual_plotext import PlotextPlot

from queries.model import Replay, ReplayDay
from tui.board.keys import binding
from queries.moments import shift_period
from tui.history.data import HistoryData
from tui.history.keys import REPLAY_KEYS
from queries.odds_of import odds_turned
from tui.odds_text import chance_of, checkpoint_line, turned_line
from tui.text import day, money, percent, plain

COLUMNS = ("Date", "Progress", "Target", "Needed", "Chance", "Odds", "p50", "Error", "")


def day_cells(d: ReplayDay) -> tuple[str, ...]:
    """A replayed day as the table (and `dealbook replay`) shows it."""
    return (day(d.date), money(d.progress), money(d.target), money(d.needed), percent(d.chance),
            chance_of(d.odds.probability) if d.odds else "", money(d.odds.p50) if d.odds else "", money(d.error))


def biggest_drop(days: list[ReplayDay]) -> tuple[ReplayDay, Decimal] | None:
    """The day progress fell the most from the day before (where the forecast went wrong, if it did)."""
    drops = [(b, b.progress - a.progress) for a, b in zip(days, days[1:]) if b.progress < a.progress]
    return min(drops, key=lambda pair: pair[1]) if drops else None


def summary(replay: Replay) -> Text:
    """The outcome, the checkpoints, the first day it showed, and the biggest fall."""
    text = Text()
    made = replay.target is not None and replay.actual >= replay.target
    text.append(f"Target {money(replay.target, none='no target')}  ·  won {money(replay.actual)}  ·  ")
    if replay.target is None:
        text.append("no target", style="dim")
    else:
        text.append(" MADE IT " if made else f" MISSED by {money(replay.target - replay.actual)} ",
                    style="bold reverse")
    seen = day(replay.first_visible) if replay.first_visible else "not by the last day replayed"
    text.append(f"  ·  outcome first visible: {seen}\n")
    for mark in replay.checkpoints:
        text.append(checkpoint_line(mark, f"{mark.date:%d %b}", "won") + "   ")
    turned = odds_turned(replay.days)
    if turned:
        text.append(f"\n{turned_line(*turned)}")
    drop = biggest_drop(replay.days)
    if drop:
        text.append(f"\nbiggest fall: {drop[0].date:%a %d %b}, progress {money(drop[1])}  "
                    "(Y on that day: what changed)")
    return text


class ReplayScreen(Screen[None], inherit_bindings=False):
    """One period, one line per day (arrows step, enter opens that day's board); [ and ] change month."""

    BINDINGS: ClassVar[list[Binding]] = [binding(k) for k in REPLAY_KEYS]

    class Loaded(Message):
        """A replay built in a worker (or why it could not be)."""

        def __init__(self, replay: Replay | None, period: str, error: str | None) -> None:
            super().__init__()
            self.replay, self.period, self.error = replay, period, error

    def __init__(self, data: HistoryData, period: str, now: dt.datetime, owner: str | None = None) -> None:
        super().__init__()
        self.data, self.period, self.now, self.owner = data, period, now, owner
        self.replay: Replay | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="replay-title")
        yield PlotextPlot(id="replay-chart")
        yield Static(id="replay-summary")
        yield DataTable(id="replay-days", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name in COLUMNS:
            table.add_column(name, key=name or "mark")
        table.focus()
        self.title_line("loading…")
        self.load(self.period)

    def title_line(self, note: str = "") -> None:
        who = f"owner {plain(self.owner)}" if self.owner else "team"
        text = Text()
        text.append(" REPLAY ", style="bold reverse")
        text.append(f"  {self.period}  ·  {who}  ·  each day's forecast at its end, against what was won")
        if note:
            text.append(f"  ·  {plain(note, 200)}")
        self.query_one("#replay-title", Static).update(text)

    @work(thread=True, exclusive=True, group="replay", exit_on_error=False)
    def load(self, period: str) -> None:
        try:
            self.post_message(self.Loaded(self.data.replay(period, self.owner, self.now), period, None))
        except Exception as err:  # the engine's failure is shown, the screen stays up
            self.post_message(self.Loaded(None, period, f"the replay could not be computed: {plain(err)}"))

    def on_replay_screen_loaded(self, message: Loaded) -> None:
        self.period, self.replay = message.period, message.replay
        self.title_line(message.error or "")
        table = self.query_one(DataTable)
        table.clear()
        replay = message.replay
        if replay is None:
            return
        marks = {mark.date: f"day {mark.day}" for mark in replay.checkpoints}
        for d in replay.days:
            mark = marks.get(d.date, "")
            if d.date == replay.first_visible:
                mark = (mark + " " if mark else "") + "◀ first visible"
            cells = [Text(value, justify="left" if i == 0 else "right") for i, value in enumerate(day_cells(d))]
            style = "bold" if d.date in marks else ""
            table.add_row(*cells, Text(mark, style=style), key=d.date.isoformat())
        self.query_one("#replay-summary", Static).update(summary(replay) if replay.days else
                                                         Text("nothing to replay: the period has not begun"))
        self.draw(replay)
        if replay.days:
            table.move_cursor(row=len(replay.days) - 1)

    def draw(self, replay: Replay) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        days = [d.date.day for d in replay.days]
        if days:
            # the chart is only a picture: floats are fine here, every figure shown as text stays exact
            progress = [float(d.progress) for d in replay.days]
            targets = [float(d.target) for d in replay.days if d.target is not None]
            plt.plot(days, progress, label="progress", marker="braille")
            if len(targets) == len(days):
                plt.plot(days, targets, label="target", marker="braille")
            plt.plot(days, [float(replay.actual)] * len(days), label="won in the end", marker="braille")
            plt.xlabel(f"day of {replay.period}")
            values = progress + targets + [float(replay.actual)]
            low, high = min(values), max(values)
            ticks = [low + (high - low) * i / 4 for i in range(5)]
            plt.yticks(ticks, [money(round(t)) for t in ticks])
        plot.refresh()

    # -- keys ------------------------------------------------------------------------------------

    @property
    def selected_day(self) -> dt.date | None:
        table = self.query_one(DataTable)
        if self.replay is None or not self.replay.days or table.row_count == 0:
            return None
        return self.replay.days[min(table.cursor_row, len(self.replay.days) - 1)].date

    def action_period(self, step: int) -> None:
        self.period = shift_period(self.period, step)
        self.title_line("loading…")
        self.load(self.period)

    @on(DataTable.RowSelected, "#replay-days")
    def row_selected(self) -> None:
        self.action_open_day()

    def action_open_day(self) -> None:
        """The time-travel board at the end of the selected day, for this period."""
        from tui.history.past import PastScreen

        chosen = self.selected_day
        if chosen is not None and self.replay is not None and self.replay.as_of is not None:
            moment = dt.datetime.combine(chosen, dt.time.max, self.replay.as_of.tzinfo)
            self.app.push_screen(PastScreen(self.data, moment, self.owner, self.period))

    def action_close(self) -> None:
        self.dismiss()
