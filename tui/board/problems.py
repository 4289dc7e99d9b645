"""The ledger's problems, each as file:line and reason: why the board is read-only."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from ledger.problems import Problem
from tui.text import plain

SHOWN = 50


class ProblemsPanel(Static):
    """Shown only when the ledger has lines its rules refuse (or a cut-off last line)."""

    text = ""  # what it says, as plain text

    def show(self, problems: Sequence[Problem], cut_off: Problem | None) -> None:
        self.display = bool(problems) or cut_off is not None
        text = Text()
        if problems:
            text.append(f"READ-ONLY: the ledger has {len(problems)} problem{'s' if len(problems) > 1 else ''}; "
                        "no change can be recorded until they are fixed by hand "
                        "(`dealbook check` lists them too), then press r.\n", style="bold")
        for problem in problems[:SHOWN]:
            text.append(f"{plain(problem.path)}:{problem.line}: ", style="bold")
            text.append(f"{plain(problem.reason)}\n")
            if problem.text:
                text.append(f"    {plain(problem.text)}\n", style="dim")
        if len(problems) > SHOWN:
            text.append(f"... and {len(problems) - SHOWN} more\n", style="dim")
        if cut_off is not None:
            text.append(f"{plain(cut_off.path)}:{cut_off.line}: ", style="bold")
            text.append(f"{plain(cut_off.reason)}\n")
        self.text = text.plain
        self.update(text)
