"""The plan screen (Pilot): P on the board opens the year's months against won, the activity and the live flags."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from tui.app import DealbookApp
from tui.cli import main
from tui.plan.screen import PlanScreen

SAMPLE = Path(__file__).resolve().parents[1] / "sample_events.jsonl"
TZ = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
SIZE = (160, 45)

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="the sample ledger is not generated yet")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.jsonl"
    shutil.copy(SAMPLE, path)
    return path


async def settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_plan_screen_shows_what_the_command_line_computes(sample: Path, capsys):
    app = DealbookApp(sample, now=NOW, watch=False, keymap_file=sample.parent / "no-keymap.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("P")
        await settled(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PlanScreen) and screen.overview is not None
        overview, moment, period = screen.overview, screen.now, screen.period
        rows = (screen.query_one("#plan-people").row_count, screen.query_one("#plan-no-action").row_count)
        await pilot.press("left_square_bracket")
        await settled(pilot)
        assert screen.overview.year == 2025 and all(m.target is None and m.won == 0 for m in screen.overview.months)
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, PlanScreen)
    # the board's moment: the ledger's last line, since the clock given is behind it
    assert period == "2026-11" and overview.year == 2026 and [m.period for m in overview.months][0] == "2026-01"
    for month in (8, 11):
        forecast = _cli(capsys, "forecast", "--ledger", str(sample), "--period", f"2026-{month:02d}", "--as-of",
                        moment.isoformat(), "--json")
        figures = overview.months[month - 1]
        assert (figures.target, figures.won) == (forecast["target"], forecast["won"])
    assert overview.months[11].target is None
    activity = _cli(capsys, "activity", "--ledger", str(sample), "--as-of", moment.isoformat(), "--json")
    assert overview.activity.opportunities_needed == activity["activity"]["opportunities_needed"]
    assert overview.activity.working_days_left == activity["activity"]["working_days_left"]
    assert rows == (len(activity["live"]["people"]), len(activity["live"]["no_next_action"]))


def _cli(capsys, *argv: str) -> dict:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_the_activity_says_none_a_day_in_words_when_no_working_day_is_left(sample: Path):
    from queries import Store
    from tui.plan.data import plan_overview
    from tui.plan.screen import activity_text

    saturday = dt.datetime(2026, 10, 31, 20, 0, tzinfo=TZ)  # the month's last day, a Saturday
    with Store.open(sample, cache=False) as store:
        overview = plan_overview(store, "2026-10", None, saturday)
    shown = activity_text(overview, "2026-10").plain
    assert overview.activity.working_days_left == 0 and overview.activity.per_working_day is None
    assert "0 working days left (weekends off)  ·  opportunities a day: none" in shown
    assert "none opportunities" not in shown and "no working day left in 2026-10" in shown
