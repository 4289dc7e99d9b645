"""The board's header shows the probability of making the target and the categories, and follows each change."""

from __future__ import annotations

from pathlib import Path

from test_board_app import SIZE, header, ledger, make_app, settle

__all__ = ["ledger"]


# SMALL as of 10 Nov: won 0, target 40,000; can close: D-1 quote 5,000 at 60% (must), D-2 negotiation
# 9,000 at 80% (should). Totals: 0 (0.4 x 0.2 = 8%), 5,000 (12%), 9,000 (32%), 14,000 (48%):
# cumulative 8%, 20%, 52%, 100%, so p10 5,000, p50 9,000, p90 14,000; 14,000 < 40,000: odds 0%.
# Best case 3,000 + 7,200 = 10,200, and pipeline too (no could-have can close).
async def test_header_has_odds_beside_the_chance_and_the_categories(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = header(app).splitlines()
        assert len(lines) == 4
        assert lines[2].startswith("Chance 8%") and lines[2].endswith(
            "NOT ON TRACK   odds 0% (p10 5,000 · p50 9,000 · p90 14,000)")
        assert "best case 10,200 · pipeline 10,200" in lines[3]
        # D-1 to negotiation (80%): 0 (4%), 5,000 (16%), 9,000 (16%), 14,000 (64%): cumulative 4%,
        # 20%, 36%, 100%: p10 5,000, p50 14,000, p90 14,000; best case 4,000 + 7,200 = 11,200
        await pilot.press(">")
        await settle(pilot)
        text = header(app)
        assert "odds 0% (p10 5,000 · p50 14,000 · p90 14,000)" in text
        assert "best case 11,200 · pipeline 11,200" in text


async def test_header_without_target_says_so(ledger: Path):
    ledger.write_text("".join(line + "\n" for line in ledger.read_text().splitlines()[1:]))  # no target_set
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "odds - (no target; p10 5,000 · p50 9,000 · p90 14,000)" in header(app)


async def test_header_says_odds_are_coming_when_a_carried_forecast_has_none(ledger: Path):
    from dataclasses import replace

    import msgspec

    from test_board_app import board
    from tui.board.header import BoardHeader

    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = board(app)
        view = screen.view
        pending = replace(view, forecast=msgspec.structs.replace(view.forecast, odds=None))
        screen.query_one(BoardHeader).show(pending)
        assert header(app).splitlines()[2].endswith("NOT ON TRACK   odds …")
