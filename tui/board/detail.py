"""A deal's detail (`enter` on the board): who, the stage with its rate and lead days, why it counts or not, its
last events, and the stage table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from ledger import Event
from ledger.stages import Stage
from queries.model import Forecast, ForecastDeal
from tui.board.keys import DETAIL_KEYS, binding
from tui.board.why import counts_reason, deal_history, settled, slipped, stage_rows
from tui.describe import describe
from tui.text import money, plain, rate_text

LAST_EVENTS = 8


def facts(deal: ForecastDeal, stage: Stage | None, forecast: Forecast, today: dt.date,
          open_stages: list[str]) -> Text:
    """The deal's lines, as plain text with a few styles (user text never read as markup)."""
    text = Text()

    def line(label: str, value: str | Text, style: str = "") -> None:
        text.append(f"{label:<10}", style="bold")
        text.append_text(value if isinstance(value, Text) else Text(value, style=style))
        text.append("\n")

    line("Deal", f"{plain(deal.deal)} · {plain(deal.name)}")
    line("Account", plain(deal.account) or "none")
    line("Owner", f"{plain(deal.owner)} · {deal.priority}-have · version {deal.version}")
    if stage is not None:
        where = (f", {open_stages.index(deal.stage) + 1} of {len(open_stages)} open stages"
                 if deal.stage in open_stages else "")
        line("Stage", f"{plain(deal.stage)} ({stage.kind}): rate {rate_text(stage.rate)}, "
                      f"lead time {stage.lead_days} days{where}")
    else:
        line("Stage", f"{plain(deal.stage)} ({deal.stage_kind})")
    line("Amount", f"{money(deal.amount)} · estimated value {money(deal.estimated_value)}"
                   + (" · big deal" if deal.big else ""))
    counts, why = counts_reason(deal, stage, forecast)
    line("In period", f"{forecast.period}: {why}", style="bold green" if counts else "")
    if deal.close_date is None:
        line("Close", "none set")
    elif slipped(deal, today):
        days = (today - deal.close_date).days
        line("Close", f"{deal.close_date:%d %b %Y}: SLIPPED {days} day(s) ago, update it (c)", style="bold red")
    elif settled(deal):
        line("Close", f"{deal.close_date:%d %b %Y} (it was the expected date; the deal is {deal.stage_kind})",
             style="dim")
    else:
        line("Close", f"{deal.close_date:%d %b %Y}")
    action = plain(deal.next_action) or "none"
    if deal.due is not None:
        overdue = deal.due < today and deal.stage_kind == "open"
        action += f" · due {deal.due:%d %b %Y}" + (" (overdue)" if overdue else "")
    line("Next", action, style="dim" if settled(deal) else "")
    line("Idle", f"{deal.days_since_change} day(s) since the last change")
    return text


def events_table(events: list[Event], deal: str) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, title_justify="left",
                  title=f"Last events (newest first, {min(len(events), LAST_EVENTS)} of {len(events)})")
    table.add_column("When", no_wrap=True)
    table.add_column("By", no_wrap=True, max_width=12)
    table.add_column("What")
    for event in list(reversed(events))[:LAST_EVENTS]:
        subject = "" if event.deal_id == deal else f"{plain(event.deal_id)}: "
        table.add_row(f"{event.ts:%d %b %Y %H:%M}", Text(plain(event.by or "", 12)), Text(subject + describe(event)))
    return table


def stages_table(stages: Mapping[str, Stage], current: str) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, title="Stage table", title_justify="left")
    for name, justify in (("Stage", "left"), ("Kind", "left"), ("Rate", "right"), ("Lead days", "right")):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for name, stage in stage_rows(stages):
        mark = "bold reverse" if name == current else ""
        table.add_row(Text(("▸ " if name == current else "  ") + plain(name), style=mark), stage.kind,
                      rate_text(stage.rate), str(stage.lead_days))
    return table


class DealDetail(ModalScreen[None]):
    """One deal's detail over the board; its events are read in a worker."""

    DEFAULT_CSS = """
    DealDetail { align: center middle; }
    DealDetail #detail { width: 100; max-width: 100%; height: auto; max-height: 100%;
                         border: round $primary; background: $panel; padding: 0 1; }
    DealDetail #detail-events, DealDetail #detail-stages { margin: 1 0 0 0; }
    """
    BINDINGS: ClassVar[list[Binding]] = [binding(k) for k in DETAIL_KEYS]

    class Loaded(Message):
        def __init__(self, events: list[Event] | None, error: str | None) -> None:
            super().__init__()
            self.events, self.error = events, error

    def __init__(self, deal: ForecastDeal, forecast: Forecast, stages: Mapping[str, Stage], today: dt.date,
                 ledger: Path, until: dt.datetime) -> None:
        super().__init__()
        self.deal, self.forecast, self.stages, self.today = deal, forecast, dict(stages), today
        self.ledger, self.until = ledger, until
        self.events: list[Event] | None = None

    def compose(self) -> ComposeResult:
        open_stages = [name for name, s in stage_rows(self.stages) if s.kind == "open"]
        with VerticalScroll(id="detail"):
            yield Static(facts(self.deal, self.stages.get(self.deal.stage), self.forecast, self.today, open_stages),
                         id="detail-facts")
            yield Static(Text("Last events: reading the ledger…"), id="detail-events")
            yield Static(stages_table(self.stages, self.deal.stage), id="detail-stages")
            yield Static(Text("esc, enter or q: back to the board", style="dim"), id="detail-keys")

    def on_mount(self) -> None:
        self.query_one("#detail").border_title = Text(f"Deal {plain(self.deal.deal, 40)}")
        self.load()

    @property
    def text(self) -> str:
        """What the detail says, as plain text: the facts, then the events shown (for tests and for reading)."""
        open_stages = [name for name, s in stage_rows(self.stages) if s.kind == "open"]
        lines = [facts(self.deal, self.stages.get(self.deal.stage), self.forecast, self.today, open_stages).plain]
        lines += [describe(e) for e in reversed(self.events or [])][:LAST_EVENTS]
        return "\n".join(lines)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load(self) -> None:
        try:
            events = deal_history(self.ledger, self.deal.deal, self.until)
        except OSError as err:
            self.post_message(self.Loaded(None, f"the ledger could not be read: {plain(err, 200)}"))
            return
        self.post_message(self.Loaded(events, None))

    def on_deal_detail_loaded(self, message: DealDetail.Loaded) -> None:
        self.events = message.events
        widget = self.query_one("#detail-events", Static)
        if message.error or message.events is None:
            widget.update(Text(message.error or "no events"))
        else:
            widget.update(events_table(message.events, self.deal.deal))

    def action_scroll_down(self) -> None:
        self.query_one("#detail", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#detail", VerticalScroll).scroll_up(animate=False)
