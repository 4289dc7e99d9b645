"""Quarters and years on the board: `y` cycles month, quarter, year; `[` and `]` step by the size shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from queries.moments import resize_period, shift_period
from tests.test_board_app import SIZE, SMALL, event, header, make_app, settle


@pytest.mark.parametrize(("period", "step", "expected"), [
    ("2026-11", 1, "2026-12"), ("2026-12", 1, "2027-01"), ("2026-01", -1, "2025-12"),
    ("2026-Q4", 1, "2027-Q1"), ("2026-Q1", -1, "2025-Q4"), ("2026", -1, "2025"), ("2026-Q2", 0, "2026-Q2"),
])
def test_a_period_steps_by_its_own_size(period, step, expected):
    assert shift_period(period, step) == expected


def test_the_size_cycles_month_quarter_year_around_today():
    today = dt.date(2026, 11, 10)
    assert [resize_period(p, today) for p in ("2026-11", "2026-Q4", "2026")] == ["2026-Q4", "2026", "2026-11"]
    assert resize_period("2025", today) == "2025-01"  # a year without today: its first month


async def test_y_shows_the_quarter_and_the_year_with_targets_rolled_up(tmp_path: Path):
    path = tmp_path / "ledger.jsonl"
    lines = [*SMALL, event("target_set", 50, day=4, period="2026-10", amount=25000),
             event("target_set", 51, day=4, period="2026-12", amount=35000)]
    path.write_text("".join(line + "\n" for line in lines))
    app = make_app(path)  # now: 10 November 2026
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "2026-11" in header(app) and "Target 40,000" in header(app)
        await pilot.press("y")
        await settle(pilot)
        assert "2026-Q4" in header(app) and "Target 100,000" in header(app)  # 25k + 40k + 35k
        assert "51 days left" in header(app)  # to 31 December
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "2027-Q1" in header(app) and "Target not set" in header(app)
        await pilot.press("y")
        await settle(pilot)
        assert "2027 " in header(app) or "2027\n" in header(app)
        await pilot.press("y")
        await settle(pilot)
        assert "2027-01" in header(app)
