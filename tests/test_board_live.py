"""The board against the world: other writers, stale views, broken ledgers, hostile text, keymaps."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path

from textual.widgets import Input

from ledger import StageChanged, append_event, stamp
from test_board_app import NOW, SIZE, SMALL, board, event, events, header, last, ledger, make_app, select, settle
from tui.app import DealbookApp
from tui.board.deals_table import DealsTable
from tui.board.screen import BoardScreen

__all__ = ["ledger"]  # the fixture, shared
ROOT = Path(__file__).resolve().parents[1]


async def test_another_process_appending_shows_without_a_keystroke(ledger: Path):
    loaded = asyncio.Event()

    def hook(message) -> None:
        if isinstance(message, BoardScreen.Loaded) and "D-2" in {
                d.deal for d in message.view.forecast.deals if d.priority == "must"}:
            loaded.set()

    app = make_app(ledger, watch=True)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        other = await asyncio.create_subprocess_exec(  # another process, through the command line
            sys.executable, "-m", "tui.cli", "priority", "D-2", "must", "--ledger", str(ledger),
            "--ts", (NOW + dt.timedelta(minutes=1)).isoformat(), cwd=ROOT)
        assert await other.wait() == 0
        # Polled every 0.5 s, reloaded in a worker. The bound only keeps a broken watch from hanging the
        # run: it asserts that the change shows, not how fast (a busy machine may take seconds).
        await asyncio.wait_for(loaded.wait(), timeout=60)
        await pilot.pause()
        assert "Progress 10,200" in header(app)


async def test_a_stale_view_is_refused_and_the_board_reloads(ledger: Path):
    app = make_app(ledger)  # not watching: the board keeps showing D-1 at version 2
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        append_event(ledger, stamp(StageChanged, deal="D-1", stage="negotiation", ts=NOW))  # someone else
        before = ledger.read_bytes()
        await pilot.press("<")  # from quote, as the board still shows it
        await settle(pilot)
        assert ledger.read_bytes() == before
        status = board(app).status_text
        assert "Refused" in status and "conflict" in status and "reloaded" in status
        assert board(app).query_one(DealsTable).deals["D-1"].stage == "negotiation"
        assert "Progress 4,000" in header(app)
        await pilot.press("<")  # now against the version shown after the reload
        await settle(pilot)
        assert (last(ledger).stage, len(events(ledger))) == ("quote", len(SMALL) + 2)


async def test_keys_pressed_while_a_change_is_saved_wait_their_turn(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("+", "+")  # D-1 is must already: select a should-have
        select(app, "D-6")
        await pilot.press("-", "-")
        await settle(pilot)
        await settle(pilot)
        added = events(ledger)[len(SMALL):]
        assert [(e.deal, e.priority) for e in added] == [("D-6", "could")]  # the second one is refused
        assert "already could-have" in board(app).status_text


async def test_a_broken_ledger_opens_read_only_with_its_problems(tmp_path: Path):
    path = tmp_path / "broken.jsonl"
    path.write_text("".join(line + "\n" for line in SMALL) + "{not json\n"
                    + event("stage_changed", 99, day=4, deal="D-404", stage="won") + "\n")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        problems = board(app).query_one("#problems").text
        assert "READ-ONLY" in problems
        assert f"{path}:10: not valid JSON" in problems
        assert f"{path}:11: deal 'D-404' was never opened" in problems
        assert "Target 40,000" in header(app)  # the lines that could be read are still shown
        before = path.read_bytes()
        for key in (">", "w", "+", "p", "n", "a", "t"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, BoardScreen), f"{key} opened a form on a read-only board"
            assert board(app).status_text.startswith("read-only: the ledger has 2 problem(s), first")
        assert path.read_bytes() == before


async def test_user_text_is_shown_literally_never_as_markup_or_terminal_codes(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = board(app).query_one(DealsTable)
        assert table.cells_of("D-3")[1].plain == "[b]x[/b]"
        assert table.cells_of("D-4")[1].plain == "Evil\\x1b[31mred"
        screen = app.export_screenshot()
        assert "[b]x[/b]" in screen and "Evil\\x1b[31mred" in screen and "\x1b" not in screen
        select(app, "D-3")
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.title_text.plain.endswith("[b]x[/b]")


async def test_a_keymap_file_remaps_keys_by_binding_id(ledger: Path, tmp_path: Path):
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('stage-forward = "f"\nno-such-key = "z"\n')
    app = DealbookApp(ledger, now=NOW, watch=False, keymap_file=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "unknown binding id 'no-such-key'" in board(app).notes_text
        await pilot.press(">")
        await settle(pilot)
        assert len(events(ledger)) == len(SMALL)
        await pilot.press("f")
        await settle(pilot)
        assert (last(ledger).deal, last(ledger).stage) == ("D-1", "negotiation")


async def test_help_lists_every_key_and_every_binding_has_an_id(ledger: Path):
    from tui.board.forms import Form, SplitForm
    from tui.board.help import HelpScreen
    from tui.board.keys import ALL_KEYS

    for owner in (DealbookApp, BoardScreen, DealsTable, Form, SplitForm, HelpScreen):
        for binding in owner.BINDINGS:
            assert binding.id, f"{owner.__name__}: {binding.key} has no id"
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text
        for key in ALL_KEYS:
            assert key.id in text and key.description in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_the_command_palette_runs_board_actions(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Stage forward")
        await pilot.pause(0.3)  # the palette searches in the background
        await pilot.press("enter")
        await settle(pilot)
        assert (last(ledger).deal, last(ledger).stage) == ("D-1", "negotiation")


async def test_filter_sort_owner_and_period(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = board(app).query_one(DealsTable)
        await pilot.press("slash", *"glob")
        assert [d.deal for d in table.shown] == ["D-2"]
        await pilot.press("enter")
        assert table.has_focus and board(app).needle == "glob"
        await pilot.press("escape")
        assert len(table.shown) == 6 and not board(app).query_one("#search", Input).display
        await pilot.press("s")  # amount, largest first, within each priority
        assert [d.deal for d in table.shown] == ["D-1", "D-6", "D-2", "D-5", "D-3", "D-4"]
        await pilot.press("s")  # close date, earliest first, none last
        assert [d.deal for d in table.shown][-2:] == ["D-4", "D-3"]
        await pilot.press("v")
        await settle(pilot)
        assert "owner lan" in header(app) and "Target not set" in header(app)
        assert {d.owner for d in table.shown} == {"lan"}
        await pilot.press("v", "v")
        await settle(pilot)
        assert " team " in header(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert header(app).startswith("Dealbook  2026-12")


async def test_an_empty_current_month_opens_the_latest_month_with_data(ledger: Path):
    app = DealbookApp(ledger, now=dt.datetime(2027, 1, 5, 9, tzinfo=NOW.tzinfo), watch=False,
                      keymap_file=ledger.parent / "none.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert header(app).startswith("Dealbook  2026-11")
        notes = board(app).notes_text
        assert "Nothing recorded in 2027-01 yet: showing 2026-11, the latest month with data" in notes


async def test_an_engine_failure_is_said_not_crashed(ledger: Path, monkeypatch):
    from tui.board import data

    def broken(path, progress=None):
        raise RuntimeError("duckdb exploded")

    monkeypatch.setattr(data, "open_engine", broken)
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "duckdb exploded" in board(app).notes_text
        await pilot.press(">")
        await settle(pilot)
        assert "no forecast" in board(app).status_text


async def test_a_worker_that_fails_is_reported_and_the_app_keeps_running(ledger: Path, monkeypatch):
    from tui.board.data import BoardData

    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def unreadable(self, period, owner):
            raise PermissionError(13, "Permission denied", str(ledger))

        monkeypatch.setattr(BoardData, "load", unreadable)
        await pilot.press("r")
        await settle(pilot)
        assert "failed" in board(app).status_text and "Permission denied" in board(app).status_text
        assert app.is_running and "Target 40,000" in header(app)  # the last good view stays


async def test_a_large_load_says_how_far_it_has_read_then_clears(tmp_path: Path, monkeypatch):
    """A load in many pieces (a large ledger's first open) says its share read on the status line, and
    the line clears once the board is up; a load in one piece says only that it is loading."""
    import shutil

    import queries.store

    path = tmp_path / "sample.jsonl"
    shutil.copy(ROOT / "sample_events.jsonl", path)
    said: list[str] = []
    real = BoardScreen.say

    def say(self, message: str, error: bool = False) -> None:
        said.append(message)
        real(self, message, error)

    monkeypatch.setattr(BoardScreen, "say", say)
    monkeypatch.setattr(queries.store, "LOAD_PIECE_BYTES", 40_000)  # the sample in about ten pieces
    app = make_app(path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shares = [m for m in said if m.startswith("loading the ledger… ") and "% of " in m]
        assert len(shares) >= 5 and "builds the ledger's cache" in shares[0]
        numbers = [int(m.split("… ")[1].split("%")[0]) for m in shares]
        assert numbers == sorted(numbers) and numbers[0] < 100 == numbers[-1]
        assert board(app).status_text == ""
    said.clear()
    app = make_app(path, tmp_path)  # the cache is there now: nothing to read
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not [m for m in said if "% of " in m] and board(app).status_text == ""
