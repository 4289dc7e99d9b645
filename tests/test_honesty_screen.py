"""The app's "are the odds honest?" screen (A): the figures of `dealbook accuracy` and `dealbook backtest --team`."""

from __future__ import annotations

from pathlib import Path

import pytest

from queries import Store
from queries.accuracy import accuracy, ledger_backtest
from test_history_screens import NOW, SAMPLE, SIZE, app_for, sample, settled
from tui.history.honesty import HonestyScreen, month_cells
from tui.text import money

__all__ = ["sample"]

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="the sample ledger is not generated yet")


async def test_honesty_screen_shows_accuracy_and_the_backtest(sample: Path):
    with Store.open(sample) as store:
        expected = accuracy(store, now=NOW)
        team = ledger_backtest(store, now=NOW, owners=False)
    async with app_for(sample).run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("A")
        await settled(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HonestyScreen)
        table = screen.query_one("#honesty-months")
        shown = [tuple(cell.plain for cell in table.get_row_at(i)) for i in range(table.row_count)]
        summary = str(screen.query_one("#honesty-summary").render())
        await pilot.press("escape")
        await settled(pilot)
        assert not isinstance(pilot.app.screen, HonestyScreen)
    assert [row[0] for row in shown] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert shown == month_cells(expected)
    october = shown[2]
    assert october[1:] == ("130,000", "121,900", "no", money(56_960), money(4_100), money(-8_800), "day 14")
    assert f"Brier score {team.reliability.brier:.3f}" in summary
    assert f"{team.reliability.count} day-predictions over 4 months" in summary  # the team's 4 x 30-31 days
    assert team.reliability.count == 31 + 30 + 31 + 30
