"""The plan screen: the months' targets against what was won (bars), the period's activity breakdown, live flags."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

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
from tui.plan.data import PlanOverview, plan_overview
from tui.plan.keys import PLAN_KEYS
from tui.text import money, needed, percent, plain


def activity_text(overview: PlanOverview, period: str) -> Text:
    """The period's breakdown in the words of `dealbook activity`."""
    a = overview.activity
    first, last = a.lookback
    none = "none"
    text = Text()
    text.append(f"{period}: target {money(overview.target) if overview.target is not None else none}  ·  "
                f"needed {needed(a.needed)}\n")
    text.append(f"average deal size {money(a.average_deal_size) or none}  ·  win rate {percent(a.win_rate) or none} "
                f"({a.deals_won} won of {a.deals_won + a.deals_lost} closed, {first} to {last})\n")
    text.append(f"deals needed {none if a.deals_needed is None else a.deals_needed}  ·  opportunities needed "
                f"{none if a.opportunities_needed is None else a.opportunities_needed}  ·  "
                f"{a.working_days_left} working days left (weekends off)  ·  ")
    if a.per_working_day is None:  # the notes below say why
        text.append(f"opportunities a day: {none}", style="bold")
    else:
        text.append(f"{a.per_working_day:.1f} opportunities a day", style="bold")
    for why in a.missing:
        text.append(f"\nnote: {plain(why, 200)}", style="dim")
    if overview.key_results:
        text.append(f"\nkey results of {overview.quarter}: ", style="bold")
        text.append("  ·  ".join(f"{plain(r.key, 12)} {r.score:.2f} ({plain(r.objective, 40)})"
                                 for r in overview.key_results))
    elif overview.quarter:
        text.append(f"\nno key result for {overview.quarter} (`dealbook key-result`)", style="dim")
    return text


class PlanScreen(Screen[None], inherit_bindings=False):
    """The year of the board's period for its view; [ and ] change year, escape goes back."""

    BINDINGS: ClassVar[list[Binding]] = [binding(k) for k in PLAN_KEYS]

    class Loaded(Message):
        """An overview built in a worker (or why it could not be)."""

        def __init__(self, overview: PlanOverview | None, error: str | None) -> None:
            super().__init__()
            self.overview, self.error = overview, error

    def __init__(self, data, period: str, now: dt.datetime, owner: str | None = None) -> None:
        super().__init__()
        self.data, self.period, self.now, self.owner = data, period, now, owner
        self.overview: PlanOverview | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="plan-title")
        yield PlotextPlot(id="plan-chart")
        yield Static(id="plan-activity")
        with Horizontal(id="plan-body"):
            yield DataTable(id="plan-people", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="plan-no-action", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        people = self.query_one("#plan-people", DataTable)
        people.add_columns("Owner", "Open deals", "Flag")
        self.query_one("#plan-no-action", DataTable).add_columns("No next action", "Name", "Owner")
        people.focus()
        self.title_line("loading…")
        self.load()

    def title_line(self, note: str = "") -> None:
        who = f"owner {plain(self.owner)}" if self.owner else "team"
        text = Text()
        text.append(" PLAN ", style="bold reverse")
        text.append(f"  {self.period[:4]}  ·  {who}  ·  each month's target against what was won")
        if note:
            text.append(f"  ·  {plain(note, 600)}")  # the title wraps: a note is never cut short
        self.query_one("#plan-title", Static).update(text)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def load(self) -> None:
        try:
            overview = plan_overview(self.data.store(), self.period, self.owner, self.now)
            self.post_message(self.Loaded(overview, None))
        except Exception as err:  # the engine's failure is shown, the screen stays up
            self.post_message(self.Loaded(None, f"the plan could not be computed: {plain(err)}"))

    def on_plan_screen_loaded(self, message: Loaded) -> None:
        self.overview = message.overview
        self.title_line(message.error or "")
        if message.overview is None:
            return
        overview = message.overview
        self.query_one("#plan-activity", Static).update(activity_text(overview, self.period))
        people = self.query_one("#plan-people", DataTable)
        people.clear()
        for p in overview.live.people:
            people.add_row(Text(plain(p.owner, 20)), Text(str(p.open_deals), justify="right"),
                           Text(f"{p.flag}: keep 6-8" if p.flag else "", style="bold" if p.flag else ""))
        deals = self.query_one("#plan-no-action", DataTable)
        deals.clear()
        for d in overview.live.no_next_action:
            deals.add_row(Text(plain(d.deal, 16)), Text(plain(d.name, 40)), Text(plain(d.owner, 14)))
        self.draw(overview)

    def draw(self, overview: PlanOverview) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [m.period[5:] for m in overview.months]
        # floats only to draw bars: every figure shown as a number comes from the Decimal amounts
        targets = [float(m.target or 0) for m in overview.months]
        won = [float(m.won) for m in overview.months]
        plt.multiple_bar(labels, [targets, won], labels=["target", "won"])
        plt.xlabel(f"month of {overview.year}")
        high = max(targets + won) or 1.0
        ticks = [high * i / 4 for i in range(5)]
        plt.yticks(ticks, [money(round(t)) for t in ticks])
        plot.refresh()

    def action_year(self, step: int) -> None:
        self.period = f"{int(self.period[:4]) + step:04d}{self.period[4:]}"
        self.title_line("loading…")
        self.load()

    def action_close(self) -> None:
        self.dismiss()
