"""The history screens (Pilot): replay, a day's board marked as the past, time travel, what changed, a timeline."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from tui.app import DealbookApp
from tui.board.deals_table import DealsTable
from tui.board.header import BoardHeader
from tui.cli import main
from tui.history.changes import ChangesScreen, waterfall_rows
from tui.history.past import PastScreen
from tui.history.replay import ReplayScreen, day_cells
from tui.history.timeline import TimelineScreen
from tui.odds_text import chance_of
from tui.text import money, percent

SAMPLE = Path(__file__).resolve().parents[1] / "sample_events.jsonl"
TZ = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
SIZE = (160, 45)

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="the sample ledger is not generated yet")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.jsonl"
    shutil.copy(SAMPLE, path)
    return path


def app_for(path: Path) -> DealbookApp:
    return DealbookApp(path, now=NOW, watch=False, keymap_file=path.parent / "no-keymap.toml")


async def settled(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_replay(pilot) -> ReplayScreen:
    await settled(pilot)
    await pilot.press("H")
    await settled(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReplayScreen)
    return screen


def cli_json(capsys, *argv: str) -> dict:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


async def test_replay_opens_last_month_and_steps_days_and_months(sample: Path):
    async with app_for(sample).run_test(size=SIZE) as pilot:
        screen = await open_replay(pilot)
        assert screen.period == "2026-10" and screen.replay is not None
        assert len(screen.replay.days) == 31 and screen.selected_day == dt.date(2026, 10, 31)
        await pilot.press("up", "up")
        assert screen.selected_day == dt.date(2026, 10, 29)
        await pilot.press("left_square_bracket")
        await settled(pilot)
        assert screen.period == "2026-09" and screen.replay.period == "2026-09"
        await pilot.press("right_square_bracket")
        await settled(pilot)
        assert screen.replay.period == "2026-10"
        assert screen.replay.first_visible == dt.date(2026, 10, 14)


async def test_enter_opens_that_days_board_marked_as_the_past(sample: Path):
    async with app_for(sample).run_test(size=SIZE) as pilot:
        screen = await open_replay(pilot)
        await pilot.press(*["up"] * 17)  # from the 31st to the 14th
        assert screen.selected_day == dt.date(2026, 10, 14)
        await pilot.press("enter")
        await settled(pilot)
        past = pilot.app.screen
        assert isinstance(past, PastScreen)
        assert past.moment == dt.datetime(2026, 10, 14, 23, 59, 59, 999999, tzinfo=TZ)
        banner = str(past.query_one("#past-banner").render())
        assert "THE PAST" in banner and "read-only" in banner
        header = past.query_one(BoardHeader).text
        assert "as of Wed 14 Oct 2026 23:59" in header and "Progress 126,000" in header
        day = screen.replay.days[13]
        assert past.forecast is not None and past.forecast.progress == day.progress
        await pilot.press("w")  # a change key of the board: nothing happens in the past
        await pilot.press("escape")
        assert pilot.app.screen is screen


async def test_time_travel_steps_days_and_takes_a_typed_date(sample: Path):
    async with app_for(sample).run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("T")
        await settled(pilot)
        past = pilot.app.screen
        assert isinstance(past, PastScreen)
        first = past.moment.date()
        await pilot.press("left_square_bracket")
        await settled(pilot)
        assert past.moment.date() == first - dt.timedelta(days=1)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settled(pilot)
        assert past.moment.date() == first + dt.timedelta(days=1)
        await pilot.press("d", *"2026-10-14", "enter")
        await settled(pilot)
        assert past.moment.date() == dt.date(2026, 10, 14)
        assert past.forecast is not None and past.forecast.period == "2026-10"
        assert past.forecast.progress == 126_000


async def test_what_changed_over_a_replayed_day_lists_the_lost_deals(sample: Path):
    async with app_for(sample).run_test(size=SIZE) as pilot:
        screen = await open_replay(pilot)
        await pilot.press(*["up"] * 17)
        await pilot.press("Y")
        await settled(pilot)
        changes = pilot.app.screen
        assert isinstance(changes, ChangesScreen) and changes.result is not None
        assert changes.result.start == screen.replay.days[12].progress
        assert changes.result.end == screen.replay.days[13].progress
        while changes.selected_cause != "lost":
            await pilot.press("down")
        lost = [d for d in changes.result.deals if d.cause == "lost"]
        assert lost and changes.listed_deals == [d.deal for d in lost]
        assert any("Mekong" in d.name for d in lost)


async def test_timeline_shows_the_selected_deals_events(sample: Path):
    async with app_for(sample).run_test(size=SIZE) as pilot:
        await settled(pilot)
        deal = pilot.app.screen.query_one(DealsTable).selected
        assert deal is not None
        await pilot.press("E")
        await settled(pilot)
        timeline = pilot.app.screen
        assert isinstance(timeline, TimelineScreen) and timeline.timeline is not None
        assert timeline.deal == deal.deal and timeline.timeline.entries
        assert any(e.what.startswith(("opened", "split")) for e in timeline.timeline.entries)
        assert timeline.query_one("#timeline-events").row_count == len(timeline.timeline.entries)


async def test_replay_screen_shows_the_figures_of_dealbook_replay(sample: Path, capsys):
    expected = cli_json(capsys, "--ledger", str(sample), "replay", "--period", "2026-10", "--json")
    async with app_for(sample).run_test(size=SIZE) as pilot:
        screen = await open_replay(pilot)
        table = screen.query_one("#replay-days")
        shown = [tuple(cell.plain for cell in table.get_row_at(i)[:8]) for i in range(table.row_count)]
        summary = str(screen.query_one("#replay-summary").render())
    assert shown == [(d["date"], money(d["progress"]), money(d["target"]), money(d["needed"]),
                      percent(d["chance"]), chance_of(d["odds"]["probability"]), money(d["odds"]["p50"]),
                      money(d["error"])) for d in expected["days"]]
    assert "odds turned most on Sun 18 Oct: 80% -> 0%" in summary  # from the 18th no open deal can close in October
    assert [day_cells(d) for d in screen.replay.days] == shown
    assert [(c["day"], c["error"], c["verdict"]) for c in expected["checkpoints"]] == [
        (c.day, c.error, c.verdict) for c in screen.replay.checkpoints]
    assert expected["first_visible"] == screen.replay.first_visible.isoformat()
    assert expected["actual"] == screen.replay.actual and expected["target"] == screen.replay.target


async def test_changes_screen_shows_the_figures_of_dealbook_changes(sample: Path, capsys):
    async with app_for(sample).run_test(size=SIZE) as pilot:
        screen = await open_replay(pilot)
        await pilot.press(*["up"] * 17, "Y")
        await settled(pilot)
        changes = pilot.app.screen
        start, end = changes.start.isoformat(), changes.end.isoformat()
        table = changes.query_one("#changes-causes")
        shown = [(table.get_row_at(i)[0].plain, table.get_row_at(i)[1].plain) for i in range(table.row_count)]
    expected = cli_json(capsys, "--ledger", str(sample), "changes", "--from", start, "--to", end,
                        "--period", "2026-10", "--json")
    rows = [("start", expected["start"])] + [(c, a) for c, a in expected["buckets"].items() if a]
    rows.append(("end", expected["end"]))
    assert shown == [(name.replace("_", " "), money(amount)) for name, amount in rows]
    assert [(n, a) for n, a in waterfall_rows(changes.result)] == rows
    assert screen.period == "2026-10"


async def test_help_lists_the_history_keys_and_a_keymap_may_remap_them(sample: Path):
    from tui.board.help import HelpScreen

    keymap = sample.parent / "keymap.toml"
    keymap.write_text('history-replay = "ctrl+r"\n')
    app = DealbookApp(sample, now=NOW, watch=False, keymap_file=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert app.keymap_problems == []
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = app.screen.text if isinstance(app.screen, HelpScreen) else ""
        assert "history-replay" in help_text and "ctrl+r" in help_text and "history-timeline" in help_text
