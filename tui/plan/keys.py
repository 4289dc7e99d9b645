"""The plan screen's keys, each with a binding id: the app-level key that opens it, and those within it."""

from __future__ import annotations

from tui.board.keys import BoardKey

# App-level, kept out of the board's footer like the history keys (the README lists it); P is free on the board.
OPEN_PLAN = BoardKey("plan-open", "P", "app.plan_screen", "Plan: the year's months, the day's work", "app")
PLAN_KEYS = (
    BoardKey("plan-previous-year", "left_square_bracket", "year(-1)", "Previous year", "plan", "Year"),
    BoardKey("plan-next-year", "right_square_bracket", "year(1)", "Next year", "plan", "Year"),
    BoardKey("plan-close", "escape", "close", "Back", "plan", "Back"),
)
ALL_PLAN_KEYS = (OPEN_PLAN, *PLAN_KEYS)
