"""What a terminal would show of a running app, as plain text: one string per screen line."""

from __future__ import annotations

import io
import re

from rich.console import Console

DEAL_ROW = re.compile(r"^│ D-\d")


def screen_lines(app) -> list[str]:
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, color_system=None,
                      legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))  # noqa: SLF001
    return console.export_text().splitlines()


def deal_rows(app) -> list[str]:
    """The deals table's lines that show a deal (not its header, a group line or a border)."""
    return [line for line in screen_lines(app) if DEAL_ROW.match(line)]


def joined(app) -> str:
    """The screen's text with each line's trailing blanks and edge borders dropped and lines joined by a space,
    so that a message wrapped over lines reads as one (a word cut at a line end would not)."""
    lines = [line.strip(" │▏▕╭╮╰╯").strip() for line in screen_lines(app)]
    return " ".join(line for line in lines if line)
