"""The board's header: period, days left, target, won, progress, needed, chance gauge and odds, coverage, categories."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import ProgressBar, Static

from queries.categories import ForecastCategories
from tui.board.view import BoardView
from tui.board.updates import update_if_changed
from tui.odds_text import odds_line
from tui.text import money, needed, orders, percent, plain


def _figure(text: Text, label: str, value: str, style: str = "bold") -> None:
    text.append(f"{label} ", style="dim")
    text.append(value, style=style)
    text.append("   ")


class BoardHeader(Vertical):
    """Where the period stands, for the team or one owner."""

    text = ""  # what the header says, as plain text (for tests and screen readers)

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield Static(id="numbers")
        with Horizontal(id="gauge"):
            yield Static(id="chance-label")
            yield ProgressBar(total=100, show_eta=False, show_percentage=False, id="chance")
            yield Static(id="verdict")
            yield Static(id="odds")
        yield Static(id="coverage")

    in_orders = False  # the board's toggle: figures counted in orders of the ledger's order_value

    def show(self, view: BoardView) -> None:
        forecast = view.forecast
        order_value = view.settings.get("order_value") if self.in_orders else None
        figure = partial(orders, order_value=order_value) if order_value else money
        who = f"owner {plain(view.owner)}" if view.owner else "team"
        title = Text()
        title.append(f"Dealbook  {view.period}", style="bold")
        if view.scenario is not None:
            title.append("  WHAT-IF", style="bold reverse")
        title.append(f"  ·  {who}  ·  ")
        if forecast is not None:
            title.append(f"{forecast.days_left} days left", style="bold")
            title.append("  ·  ")
        title.append(f"as of {view.as_of:%a %d %b %Y %H:%M}", style="dim")
        if order_value:
            title.append(f"  ·  in orders of {money(order_value)}", style="bold")
        elif self.in_orders:
            title.append("  ·  no order value set (Z sets one)", style="dim")
        update_if_changed(self.query_one("#title", Static), title)

        numbers, chance, verdict, odds, coverage = Text(), Text(), Text(), Text(), Text()
        bar = self.query_one("#chance", ProgressBar)
        if forecast is None:
            numbers.append("no forecast", style="dim")
            bar.update(progress=0)
        else:
            _figure(numbers, "Target", figure(forecast.target, none="not set"))
            _figure(numbers, "Won", figure(forecast.won))
            _figure(numbers, "Progress", figure(forecast.progress))
            _figure(numbers, "Needed", needed(forecast.needed, figure, none="-"))
            chance.append("Chance ", style="dim")
            chance.append(f"{percent(forecast.chance) or '-'} ", style="bold")
            bar.update(progress=min(100.0, 100 * (forecast.chance or 0.0)))
            if forecast.needed is None:
                verdict.append("no target: press t to set one", style="dim")
            elif forecast.on_track:
                verdict.append(" ON TRACK ", style="bold")
            else:
                verdict.append(" NOT ON TRACK ", style="bold")
            if forecast.odds is not None:
                odds.append(f"  {odds_line(forecast.odds)}")
            else:  # carried over a change on a large pipeline: the engine's reload brings them
                odds.append("  odds …", style="dim")
            _coverage(coverage, forecast.coverage, forecast.big_at, forecast.categories)
        update_if_changed(self.query_one("#numbers", Static), numbers)
        update_if_changed(self.query_one("#chance-label", Static), chance)
        update_if_changed(self.query_one("#odds", Static), odds)
        verdict_widget = self.query_one("#verdict", Static)
        update_if_changed(verdict_widget, verdict)
        verdict_widget.set_class(bool(forecast and forecast.target and forecast.on_track), "-on-track")
        verdict_widget.set_class(bool(forecast and forecast.target and not forecast.on_track), "-off-track")
        coverage_widget = self.query_one("#coverage", Static)
        update_if_changed(coverage_widget, coverage)
        low = forecast is not None and forecast.coverage is not None and forecast.coverage < 1
        coverage_widget.set_class(low, "-warn")
        self.text = "\n".join([title.plain, numbers.plain, chance.plain + verdict.plain + odds.plain,
                               coverage.plain])


def _coverage(text: Text, coverage: float | None, big_at: Decimal | None,
              categories: ForecastCategories | None) -> None:
    if coverage is None:
        text.append("Must-have coverage: no target", style="dim")
    else:
        text.append("Must-have coverage ", style="dim")
        text.append(percent(coverage), style="bold")
        if coverage < 1:
            text.append("  ⚠ under 100%: add must-haves")
    if categories is not None:  # commit is progress, shown above
        text.append(" · best case ", style="dim")
        text.append(money(categories.best_case))
        text.append(" · pipeline ", style="dim")
        text.append(money(categories.pipeline))
    if big_at is not None:
        text.append(f" · big ★ from {money(big_at)}", style="dim")
