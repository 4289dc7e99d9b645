"""The scenario banner and the baseline-vs-scenario figures the board shows in scenario mode."""

from __future__ import annotations

import io
from collections.abc import Mapping

from rich.console import Console, Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from tui.board.data import BoardView
from tui.whatif.tables import changed_table, figures_table

KEY_WORDS = (("whatif-big", "big deals → should-have"), ("whatif-save", "save"),
             ("whatif-load", "load"), ("whatif-commit", "commit"), ("whatif-discard", "discard"))


class ScenarioPanel(Vertical):
    """Says plainly that the board is a scenario, and sets its figures beside the ledger's."""

    text = ""  # what it says, as plain text (for tests)

    def compose(self) -> ComposeResult:
        yield Static(id="scenario-banner")
        with Horizontal(id="scenario-body"):
            yield Static(id="scenario-figures")
            yield Static(id="scenario-changed")

    def show(self, view: BoardView | None, changes: int, keys: Mapping[str, str]) -> None:
        banner = Text()
        banner.append(" WHAT-IF SCENARIO ", style="bold reverse")
        banner.append(f"  {changes} hypothetical change(s) · nothing is written to the ledger until you commit\n")
        banner.append("Change keys go to the scenario · ")
        banner.append(" · ".join(f"{keys[key_id]} {words}" for key_id, words in KEY_WORDS))
        banner.append(f" · {keys['undo']} takes the last change out · {keys['whatif']} leaves an empty scenario")
        error = view.scenario_error if view is not None else None
        if error:
            banner.append(f"\nThe ledger no longer accepts this scenario ({keys['whatif-discard']} discards it): "
                          f"{error}", style="bold")
        self.query_one("#scenario-banner", Static).update(banner)
        self.query_one("#scenario-banner").set_class(bool(error), "-error")
        whatif = view.whatif if view is not None else None
        figures = Text("computing the scenario…", style="dim") if whatif is None else figures_table(
            whatif.baseline, [("Scenario", whatif.scenario)])
        self.query_one("#scenario-figures", Static).update(figures)
        changed: Text | Group = Text("")
        if whatif is not None:
            heading = Text(f"Deals whose contribution changed: {len(whatif.changed)}", style="bold")
            more = len(whatif.changed) - 5
            tail = Text(f"… and {more} more", style="dim") if more > 0 else Text("")
            changed = Group(heading, changed_table(whatif.changed, limit=5), tail) if whatif.changed else heading
        self.query_one("#scenario-changed", Static).update(changed)
        self.text = "\n".join([banner.plain, _plain(figures), _plain(changed)])


def _plain(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]
