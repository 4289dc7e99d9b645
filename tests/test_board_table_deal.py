"""DealsTable.deal: the deal of the forecast shown by id, the one under the cursor found without the index."""

from __future__ import annotations

from pathlib import Path

from test_board_app import SIZE, board, ledger, make_app, select, settle

from tui.board.deals_table import DealsTable

__all__ = ["ledger"]


async def test_a_deal_is_found_under_the_cursor_or_in_the_index(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = board(app).query_one(DealsTable)
        everyone = {d.deal: d for d in board(app).view.forecast.deals}
        select(app, "D-2")
        assert table.deal("D-2") is table.selected and table.selected.deal == "D-2"
        assert all(table.deal(deal_id) == deal for deal_id, deal in everyone.items())
        assert table.deal("D-none") is None
