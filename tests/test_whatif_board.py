"""The board's scenario mode (Textual Pilot): keys go to the scenario, the ledger stays untouched until a commit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

from ledger import PriorityChanged, append_event, stamp
from test_board_app import NOW, SIZE, SMALL, board, events, header, ledger, make_app, select, settle
from test_board_snapshots import app_for, loaded, sample_until
from tui.whatif.confirm import ConfirmScreen
from tui.whatif.panel import ScenarioPanel

__all__ = ["ledger"]  # the fixture, shared
TZ = dt.timezone(dt.timedelta(hours=7))


def panel(app) -> str:
    return board(app).query_one(ScenarioPanel).text


async def enter_scenario(pilot) -> None:
    await settle(pilot)
    await pilot.press("W")
    await settle(pilot)


async def test_change_keys_go_to_the_scenario_and_the_ledger_is_untouched(ledger: Path):
    before = ledger.read_bytes()
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await enter_scenario(pilot)
        screen = board(app)
        assert screen.has_class("-scenario") and screen.query_one(ScenarioPanel).display
        assert "WHAT-IF" in header(app) and "WHAT-IF SCENARIO" in panel(app)
        assert "nothing is written to the ledger until you commit" in panel(app)
        select(app, "D-2")
        await pilot.press("plus")  # D-2 should -> must: 9,000 x 80% counts
        await settle(pilot)
        assert "in the scenario (not written): D-2: priority must-have" in screen.status_text
        assert "Progress 10,200" in header(app) and "Needed 29,800" in header(app)
        text = panel(app)
        assert "1 hypothetical change(s)" in text
        assert "Progress" in text and "3,000" in text and "10,200" in text and "+7,200" in text
        assert "D-2" in text and "Deals whose contribution changed: 1" in text
        select(app, "D-1")
        await pilot.press("greater_than_sign")  # quote -> negotiation: 4,000
        await settle(pilot)
        assert "Progress 11,200" in header(app)
        await pilot.press("u")  # takes the last change out of the scenario, writes nothing
        await settle(pilot)
        assert "taken out of the scenario: D-1: moved to negotiation" in screen.status_text
        assert "Progress 10,200" in header(app)
        await pilot.press("W")  # not left: it holds a change
        assert "holds 1 change(s)" in screen.status_text and screen.draft is not None
        await pilot.press("D")
        await settle(pilot)
        assert screen.draft is None and not screen.has_class("-scenario")
        assert not screen.query_one(ScenarioPanel).display and "WHAT-IF" not in header(app)
        assert "Progress 3,000" in header(app) and "nothing was written" in screen.status_text
    assert ledger.read_bytes() == before


async def test_commit_asks_then_appends_exactly_the_scenarios_events(ledger: Path):
    before = ledger.read_bytes()
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await enter_scenario(pilot)
        select(app, "D-2")
        await pilot.press("plus")
        await settle(pilot)
        select(app, "D-6")
        await pilot.press("plus")  # the 60k big deal to must (it cannot close in November)
        await settle(pilot)
        await pilot.press("B")  # the built-in move: big must-haves back to should
        await settle(pilot)
        assert "D-6: priority should-have" in board(app).status_text
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "Commit 3 change(s)" in app.screen.text
        await pilot.press("n")
        await pilot.pause()
        assert ledger.read_bytes() == before and "not committed" in board(app).status_text
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        screen = board(app)
        assert "committed 3 change(s)" in screen.status_text and screen.draft is None
        assert "Progress 10,200" in header(app) and "WHAT-IF" not in header(app)
    after = ledger.read_bytes()
    assert after.startswith(before)
    appended = events(ledger)[len(SMALL):]
    assert [(e.deal, e.priority, e.by) for e in appended] == [
        ("D-2", "must", "tester"), ("D-6", "must", "tester"), ("D-6", "should", "tester")]


async def test_a_conflict_stops_the_commit_and_keeps_what_was_not_written(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await enter_scenario(pilot)
        for deal_id in ("D-1", "D-2"):
            select(app, deal_id)
            await pilot.press("minus" if deal_id == "D-1" else "plus")
            await settle(pilot)
        append_event(ledger, stamp(PriorityChanged, deal="D-2", priority="could", ts=NOW))  # someone else
        before = ledger.read_bytes()
        await pilot.press("C")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        screen = board(app)
        status = screen.status_text
        assert "commit stopped: 1 change(s) written (line 11: D-1: priority should-have)" in status
        assert "conflict" in status and "The 1 change(s) not written stay in the scenario" in status
        assert [c.fields["deal"] for c in screen.draft] == ["D-2"]
        assert "WHAT-IF SCENARIO" in panel(app)
    assert len(ledger.read_bytes().splitlines()) == len(before.splitlines()) + 1


async def test_save_then_load_a_scenario_file(ledger: Path, tmp_path: Path):
    before = ledger.read_bytes()
    saved = tmp_path / "try.jsonl"
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await enter_scenario(pilot)
        select(app, "D-2")
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press("S")
        await pilot.pause()
        app.screen.query_one("#value", Input).value = str(saved)
        await pilot.press("enter")
        await pilot.pause()
        assert saved.read_text() == '{"type":"priority_changed","deal":"D-2","priority":"must"}\n'
        await pilot.press("D")
        await settle(pilot)
        await pilot.press("L")  # starts a scenario and adds the file's events
        await pilot.pause()
        assert app.screen.query_one("#value", Input).value == str(saved)  # the file last used
        await pilot.press("enter")
        await settle(pilot)
        assert "added the events of" in board(app).status_text
        assert "Progress 10,200" in header(app) and len(board(app).draft) == 1
        assert board(app).draft[0].expect_version == 1
        bad = tmp_path / "bad.jsonl"
        bad.write_text('{"type":"stage_changed","deal":"D-404","stage":"won"}\n')
        await pilot.press("L")
        await pilot.pause()
        app.screen.query_one("#value", Input).value = str(bad)
        await pilot.press("enter")
        await settle(pilot)
        status = board(app).status_text
        assert "not tried" in status and "scenario event 2 (stage_changed D-404): deal 'D-404' was never opened" in status
        assert len(board(app).draft) == 1 and "The scenario is unchanged" in status
    assert ledger.read_bytes() == before


async def test_big_deals_move_starts_a_scenario_and_says_when_none_is_big(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        screen = board(app)
        assert screen.draft == [] and "no open must-have deal is big (from 10,000)" in screen.status_text
        await pilot.press("W")  # an empty scenario is left at once
        await settle(pilot)
        assert screen.draft is None and "left the what-if" in screen.status_text


def test_scenario_mode_on_the_sample(snap_compare, tmp_path: Path):
    moment = dt.datetime(2026, 10, 6, 18, 0, tzinfo=TZ)
    app = app_for(sample_until(tmp_path, moment), moment)

    async def big_to_should(pilot) -> None:
        await loaded(pilot)
        await pilot.press("B")
        await loaded(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=big_to_should)
