"""The live board: one module per widget or screen, data access behind tui.board.data, the values it hands out in tui.board.view."""
