"""The history keys: app-level keys that open each screen, and the keys within them, each with a binding id."""

from __future__ import annotations

from tui.board.keys import BoardKey

# App-level (any screen); uppercase letters the board leaves free (C and D are the what-if's). Kept out of
# the footer so that the board's footer (and its snapshots) stay as they are; the README lists them.
OPEN_KEYS = (
    BoardKey("history-replay", "H", "app.history_replay", "Replay of a period, day by day", "app"),
    BoardKey("history-time-travel", "T", "app.history_time_travel", "Time travel: the board at a past moment",
             "app"),
    BoardKey("history-changes", "Y", "app.history_changes", "Why: what changed between two moments", "app"),
    BoardKey("history-timeline", "E", "app.history_timeline", "The selected deal's timeline", "app"),
    BoardKey("history-honesty", "A", "app.history_honesty",
             "Are the odds honest? Back-test and accuracy of past months", "app"),
)
CLOSE = BoardKey("history-close", "escape", "close", "Back", "history", "Back")
REPLAY_KEYS = (
    BoardKey("replay-previous-period", "left_square_bracket", "period(-1)", "Previous month", "history", "Month"),
    BoardKey("replay-next-period", "right_square_bracket", "period(1)", "Next month", "history", "Month"),
    BoardKey("replay-open-day", "enter", "open_day", "That day's board", "history", "Day's board"),
    CLOSE,
)
PAST_KEYS = (
    BoardKey("past-day-back", "left_square_bracket", "step(-1)", "A day back", "history", "Day back"),
    BoardKey("past-day-forward", "right_square_bracket", "step(1)", "A day forward", "history", "Day fwd"),
    BoardKey("past-type-date", "d", "type_date", "Type a date (YYYY-MM-DD)", "history", "Date"),
    CLOSE,
)
CHANGES_KEYS = (
    BoardKey("changes-moments", "m", "type_moments", "Choose the two moments", "history", "Moments"),
    BoardKey("changes-previous-period", "left_square_bracket", "period(-1)", "Previous month", "history",
             "Month"),
    BoardKey("changes-next-period", "right_square_bracket", "period(1)", "Next month", "history", "Month"),
    CLOSE,
)
TIMELINE_KEYS = (CLOSE,)
HONESTY_KEYS = (CLOSE,)
HISTORY_KEYS = OPEN_KEYS + REPLAY_KEYS + PAST_KEYS + CHANGES_KEYS
