"""The scenario banner and the baseline-vs-scenario figures the board shows in scenario mode."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from rich.console import Console, Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from tui.board.view import BoardView
from tui.whatif.tables import changed_table, figures_across, figures_table

KEY_WORDS = (("whatif-big", "big deals → should-have"), ("whatif-save", "save"),
             ("whatif-load", "load"), ("whatif-commit", "commit"), ("whatif-discard", "discard"))
FOLDED_WORDS = (("whatif-big", "big→should"), ("whatif-save", "save"), ("whatif-load", "load"),
                ("whatif-discard", "discard"), ("undo", "undo"), ("whatif", "leave"))
FULL_FROM_ROWS = 40  # below this terminal height the panel starts folded, so that deal rows still show
CHANGED_BESIDE_FROM = 120  # from this width the changed deals sit beside the folded figures
LISTED, LISTED_FOLDED = 5, 2  # changed deals listed: folded, about as tall as the figures across


class ScenarioPanel(Vertical):
    """Says plainly that the board is a scenario, and sets its figures beside the ledger's. Folded (all the
    figures, or the five that matter across four lines) by the terminal's height until the fold key says."""

    text = ""  # what it says, as plain text (for tests)
    folded_by_key: bool | None = None  # None: folded when the terminal is short
    _shown: tuple[Any, int, Mapping[str, str]] | None = None  # what show() was last given
    _drawn_for: tuple[bool, bool] | None = None  # the layout it was drawn for: (folded, changed deals beside)

    def compose(self) -> ComposeResult:
        yield Static(id="scenario-banner")
        with Horizontal(id="scenario-body"):
            yield Static(id="scenario-figures")
            yield Static(id="scenario-changed")

    @property
    def folded(self) -> bool:
        if self.folded_by_key is not None:
            return self.folded_by_key
        return self.app.size.height < FULL_FROM_ROWS

    def fold(self) -> bool:
        """Fold or unfold (the key); True when now folded."""
        self.folded_by_key = not self.folded
        self._draw()
        return self.folded

    def fit(self) -> None:
        """After a resize: draw again if the terminal's size changes the fold or where the changed deals go."""
        if self._drawn_for != self._layout():
            self._draw()

    def show(self, view: BoardView | None, changes: int, keys: Mapping[str, str]) -> None:
        self._shown = (view, changes, keys)
        self._draw()

    def _layout(self) -> tuple[bool, bool]:
        return self.folded, self.app.size.width >= CHANGED_BESIDE_FROM

    def _draw(self) -> None:
        if self._shown is None:
            return
        view, changes, keys = self._shown
        folded, beside = self._drawn_for = self._layout()
        whatif = view.whatif if view is not None else None
        error = view.scenario_error if view is not None else None
        banner = _banner(changes, keys, folded, None if whatif is None else len(whatif.changed), error)
        self.query_one("#scenario-banner", Static).update(banner)
        self.query_one("#scenario-banner").set_class(bool(error), "-error")
        if whatif is None:
            figures: Any = Text("computing the scenario…", style="dim")
        elif folded:
            figures = figures_across(whatif.baseline, whatif.scenario)
        else:
            figures = figures_table(whatif.baseline, [("Scenario", whatif.scenario)])
        self.query_one("#scenario-figures", Static).update(figures)
        changed_shown = whatif is not None and (beside or not folded)
        changed_box = self.query_one("#scenario-changed", Static)
        changed_box.display = changed_shown
        changed: Text | Group = Text("")
        if changed_shown and whatif is not None:
            listed = LISTED_FOLDED if folded else LISTED
            heading = Text(f"Deals whose contribution changed: {len(whatif.changed)}", style="bold")
            more = len(whatif.changed) - listed
            tail = Text(f"… and {more} more", style="dim") if more > 0 else Text("")
            changed = Group(heading, changed_table(whatif.changed, limit=listed), tail) if whatif.changed else heading
        changed_box.update(changed)
        self.set_class(folded, "-folded")
        self.text = "\n".join([banner.plain, _plain(figures), _plain(changed) if changed_shown else ""])


def _banner(changes: int, keys: Mapping[str, str], folded: bool, changed: int | None, error: str | None) -> Text:
    banner = Text()
    if folded:  # two lines that fit 80 columns
        banner.append(" WHAT-IF ", style="bold reverse")
        deals = "" if changed is None else f" · {changed} deal(s) changed"
        banner.append(f" {changes} change(s){deals} · nothing written until {keys['whatif-commit']} commits\n")
        banner.append(" · ".join(f"{keys[key_id]} {words}" for key_id, words in FOLDED_WORDS))
        banner.append(f" · {keys['whatif-fold']} more")
    else:
        banner.append(" WHAT-IF SCENARIO ", style="bold reverse")
        banner.append(f"  {changes} hypothetical change(s) · nothing is written to the ledger until you commit\n")
        banner.append("Change keys go to the scenario · ")
        banner.append(" · ".join(f"{keys[key_id]} {words}" for key_id, words in KEY_WORDS))
        banner.append(f" · {keys['undo']} takes the last change out · {keys['whatif']} leaves"
                      f" · {keys['whatif-fold']} folds")
    if error:
        banner.append(f"\nThe ledger no longer accepts this scenario ({keys['whatif-discard']} discards it): "
                      f"{error}", style="bold")
    return banner


def _plain(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]
