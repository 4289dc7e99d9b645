"""The live board: one module per widget or screen, data access behind tui.board.data."""
