"""The promotions the method proposes when the target is not covered: which backups to make must-haves."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.widgets import Static

from queries.model import Forecast, ForecastDeal
from tui.board.updates import update_if_changed
from tui.text import money, plain


def proposed(forecast: Forecast | None) -> list[ForecastDeal]:
    """The deals to promote, in the method's order; none when on track."""
    if forecast is None or forecast.needed is None or forecast.needed <= 0:
        return []
    wanted = set(forecast.promotions)  # a few deals of thousands: found in one pass, no index of them all
    by_id = {d.deal: d for d in forecast.deals if d.deal in wanted}
    return [by_id[deal] for deal in forecast.promotions if deal in by_id]


class PromotionsPanel(Static):
    """Beside the board while needed > 0: the fewest promotions that cover the gap, and the key that applies them."""

    text = ""  # what it says, as plain text

    def show(self, forecast: Forecast | None, apply_key: str | None) -> None:
        deals = proposed(forecast)
        self.display = forecast is not None and forecast.needed is not None and forecast.needed > 0
        if forecast is None or not self.display:
            self._say(Text())
            return
        if not deals:
            self._say(Text(f"Needed {money(forecast.needed)}, but no should- or could-have deal can still "
                           f"close in {forecast.period}: nothing to promote. Open deals or move them faster."))
            return
        text = Text()
        text.append("Needed ", style="dim")
        text.append(money(forecast.needed), style="bold")
        how = f"{apply_key} applies" if apply_key else "read-only ledger"
        text.append(f": promote to must-have ({how})\n")
        covered = Decimal(0)
        for deal in deals:
            covered += deal.estimated_value
            text.append(f"{plain(deal.deal, 9):<9} ", style="bold")
            text.append(f"{deal.priority:<6} ", style="dim")
            text.append(f"{money(deal.estimated_value):>8}  ")
            text.append(f"{plain(deal.name, 34)}\n", style="dim")
        text.append("covers ", style="dim")
        text.append(money(covered), style="bold")
        if covered < forecast.needed:
            text.append(f"; still short {money(forecast.needed - covered)} (every backup that can close)",
                        style="bold")
        self._say(text)

    def _say(self, text: Text) -> None:
        self.text = text.plain
        update_if_changed(self, text)
