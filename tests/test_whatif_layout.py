"""What-if mode leaves room for the deals: the panel folds on a short terminal, and the fold key flips it."""

from __future__ import annotations

from pathlib import Path

import pytest

from screen_text import deal_rows, screen_lines
from test_board_app import board, select
from test_board_snapshots import SAMPLE, app_for, loaded
from test_layout_snapshots import MOMENT, sample_until
from tui.whatif.panel import ScenarioPanel

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="the sample ledger is not generated yet")


async def scenario_with_a_move(pilot) -> None:
    await loaded(pilot)
    await pilot.press("W")
    await loaded(pilot)
    select(pilot.app, "D-1215")
    await pilot.press("greater_than_sign")
    await loaded(pilot)


@pytest.mark.parametrize(("size", "rows", "folded"), [((80, 24), 4, True), ((160, 45), 8, False),
                                                      ((220, 60), 8, False)])
async def test_deal_rows_show_beside_the_scenario(tmp_path: Path, size, rows, folded):
    app = app_for(sample_until(tmp_path), MOMENT)
    async with app.run_test(size=size) as pilot:
        await scenario_with_a_move(pilot)
        panel = board(app).query_one(ScenarioPanel)
        assert panel.display and panel.folded is folded
        assert len(deal_rows(app)) >= rows, "\n".join(screen_lines(app))
        assert "D-1215" in "\n".join(deal_rows(app))  # the deal just moved stays in sight


async def test_the_fold_key_shows_every_figure_then_the_five(tmp_path: Path):
    app = app_for(sample_until(tmp_path), MOMENT)
    async with app.run_test(size=(80, 24)) as pilot:
        await scenario_with_a_move(pilot)
        panel = board(app).query_one(ScenarioPanel)
        assert "Won, p50" not in panel.text and "Coverage" in panel.text and "F more" in panel.text
        await pilot.press("F")
        await loaded(pilot)
        assert not panel.folded and "Won, p50" in panel.text and "Promotions" in panel.text
        assert "every figure" in board(app).status_text
        await pilot.press("F")
        await loaded(pilot)
        assert panel.folded and "Won, p50" not in panel.text and len(deal_rows(app)) >= 4


async def test_a_taller_terminal_unfolds_the_panel(tmp_path: Path):
    app = app_for(sample_until(tmp_path), MOMENT)
    async with app.run_test(size=(100, 24)) as pilot:
        await scenario_with_a_move(pilot)
        panel = board(app).query_one(ScenarioPanel)
        assert panel.folded
        await pilot.resize_terminal(100, 45)
        await loaded(pilot)
        assert not panel.folded and "Won, p50" in panel.text


async def test_the_fold_key_outside_a_scenario_says_how_to_start_one(tmp_path: Path):
    app = app_for(sample_until(tmp_path), MOMENT)
    async with app.run_test(size=(160, 45)) as pilot:
        await loaded(pilot)
        await pilot.press("F")
        assert "no scenario to fold: W starts one" in board(app).status_text
