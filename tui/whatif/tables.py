"""Baseline and scenarios side by side as Rich tables (for `dealbook whatif` and the board); user text never markup."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.table import Table
from rich.text import Text

from ledger import Event
from queries.model import Forecast
from queries.scenarios import ChangedDeal, Contribution
from tui.describe import describe
from tui.odds_text import chance_of
from tui.text import cell, money, percent, plain


def signed(amount: Decimal) -> str:
    """+1,200 or -40,500; empty when nothing changed (money is exact: only a change of 0 is none)."""
    if amount == 0:
        return ""
    return ("+" if amount > 0 else "-") + money(abs(amount))


def _delta(before: Decimal | None, after: Decimal | None) -> str:
    if before is None and after is None:
        return ""
    if before is None or after is None:
        return "set" if before is None else "cleared"
    return signed(after - before)


def points(before: float | None, after: float | None) -> str:
    """A change of share in percentage points: +12 pts."""
    if before is None or after is None or abs(after - before) < 0.00005:
        return ""
    return f"{100 * (after - before):+.0f} pts"


def _needed(forecast: Forecast) -> str:
    if forecast.needed is None:
        return "-"
    return money(forecast.needed) if forecast.needed > 0 else f"ahead {money(-forecast.needed)}"


def _odds(forecast: Forecast) -> str:
    odds = forecast.odds
    if odds is None or odds.probability is None:
        return "-"
    error = f" ±{odds.error:.1%}" if odds.method == "simulated" else ""
    return chance_of(odds.probability) + error


def _probability(forecast: Forecast) -> float | None:
    return forecast.odds.probability if forecast.odds is not None else None


def _median(forecast: Forecast) -> str:
    return "-" if forecast.odds is None else money(forecast.odds.p50)


def _p50_change(a: Forecast, b: Forecast) -> str:
    return "" if a.odds is None or b.odds is None else signed(b.odds.p50 - a.odds.p50)


FIGURES = (
    ("Target", lambda f: money(f.target, none="no target"), lambda a, b: _delta(a.target, b.target)),
    ("Won", lambda f: money(f.won), lambda a, b: signed(b.won - a.won)),
    ("Progress", lambda f: money(f.progress), lambda a, b: signed(b.progress - a.progress)),
    ("Needed", _needed, lambda a, b: _delta(a.needed, b.needed)),
    ("Chance", lambda f: percent(f.chance) or "-", lambda a, b: points(a.chance, b.chance)),
    ("Odds", _odds, lambda a, b: points(_probability(a), _probability(b))),
    ("Won, p50", _median, _p50_change),  # the median of what will be won (--json: p10 and p90 too)
    ("Coverage", lambda f: percent(f.coverage) or "-", lambda a, b: points(a.coverage, b.coverage)),
    ("On track", lambda f: "no target" if f.on_track is None else ("yes" if f.on_track else "no"), lambda a, b: ""),
    ("Promotions", lambda f: ", ".join(plain(d) for d in f.promotions) or "-", lambda a, b: ""),
)


def figures_table(baseline: Forecast, scenarios: Sequence[tuple[str, Forecast]], changes: bool = True) -> Table:
    """One row per figure: the baseline, then each scenario (with its change from the baseline)."""
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("", min_width=10)
    table.add_column("Baseline", justify="right", min_width=9)
    for name, _ in scenarios:
        table.add_column(cell(name, 24), justify="right", min_width=9)
        if changes:
            table.add_column("change", justify="right", style="dim", min_width=8)
    for label, show, change in FIGURES:
        row: list[Text] = [Text(label, style="bold"), cell(show(baseline), 60)]
        for _, forecast in scenarios:
            row += [cell(show(forecast), 60)] + ([cell(change(baseline, forecast))] if changes else [])
        table.add_row(*row)
    return table


# The figures a folded panel shows, across: what the scenario does to the month, in five columns.
FOLDED = ("Progress", "Needed", "Chance", "Odds", "Coverage")


def figures_across(baseline: Forecast, scenario: Forecast) -> Table:
    """The few figures that matter, one column each, baseline over scenario over change: four lines, not eleven."""
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("", min_width=8)
    shown = [figure for figure in FIGURES if figure[0] in FOLDED]
    for label, _, _ in shown:
        table.add_column(label, justify="right", min_width=8)
    table.add_row(Text("Baseline", style="bold"), *(cell(show(baseline), 24) for _, show, _ in shown))
    table.add_row(Text("Scenario", style="bold"), *(cell(show(scenario), 24) for _, show, _ in shown))
    table.add_row(Text("change", style="dim"), *(cell(change(baseline, scenario), 24, style="dim")
                                                 for _, _, change in shown))
    return table


def _pair(before: object, after: object) -> str:
    """`a → b` when they differ, else the one value; `-` for a side where the deal is not listed."""
    shown = ["-" if v is None else str(v) for v in (before, after)]
    return shown[0] if shown[0] == shown[1] else f"{shown[0]} → {shown[1]}"


def _field(c: Contribution | None, name: str) -> object:
    if c is None:
        return None
    value = getattr(c, name)
    if name == "counts":
        return "✓" if value else "·"
    if name == "promotion":
        return "★" if value else ""
    return money(value) if name == "counted" else value


def changed_table(changed: Sequence[ChangedDeal], limit: int | None = None) -> Table:
    """Each deal whose contribution changed: priority, stage, counts and its part of progress, before → after."""
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False, collapse_padding=True,
                  header_style="bold")
    for name, justify, width in (("Deal", "left", 8), ("Name", "left", 6), ("Priority", "left", 8),
                                 ("Stage", "left", 8), ("In", "left", 2), ("Promote", "left", 3),
                                 ("Counted", "right", 8), ("Change", "right", 7)):
        table.add_column(name, justify=justify, min_width=width)  # type: ignore[arg-type]
    for item in changed[:limit]:
        pair = [_pair(_field(item.before, f), _field(item.after, f))
                for f in ("priority", "stage", "counts", "promotion", "counted")]
        table.add_row(cell(item.deal, 14), cell(f"{item.name} ({item.owner})", 48),
                      *(cell(p, 40) for p in pair), cell(signed(item.change), style="bold"))
    return table


def events_text(events: Sequence[Event]) -> Text:
    """The scenario's events, numbered, one a line."""
    text = Text()
    for n, event in enumerate(events, start=1):
        subject = f"{plain(event.deal_id)}: " if event.deal_id else ""
        text.append(f"{n:>3}. {subject}{describe(event)}\n")
    return text
