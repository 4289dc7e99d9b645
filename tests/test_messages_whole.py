"""Messages are wrapped, never cut: the whole sentence is on screen at 80x24 and 160x45."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from screen_text import joined, screen_lines
from test_board_app import board, ledger, make_app, select, settle

__all__ = ["ledger"]
SIZES = [(80, 24), (160, 45)]


def on_screen(app, message: str) -> None:
    assert " ".join(message.split()) in joined(app), "\n".join(screen_lines(app))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_why_a_split_cannot_be_undone_is_on_the_status_line_whole(ledger: Path, size):
    app = make_app(ledger)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        select(app, "D-6")
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#amount-0", Input).value = "20k"
        app.screen.query_one("#amount-1", Input).value = "40k"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        message = board(app).status_text
        assert "cannot be undone" in message and len(message) > size[0]  # longer than a line: it must wrap
        on_screen(app, message)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_word_that_is_not_a_date_is_said_whole_in_the_past(ledger: Path, size):
    app = make_app(ledger)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        await pilot.press("d")
        await pilot.press(*"yesterday", "enter")
        await settle(pilot)
        on_screen(app, "'yesterday' is not a date: type YYYY-MM-DD")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_form_error_is_shown_whole(ledger: Path, size):
    app = make_app(ledger)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        select(app, "D-1")
        await pilot.press("c")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = "yesterday"
        await pilot.press("enter")
        await pilot.pause()
        message = app.screen.error_text
        assert "yesterday" in message
        assert app.screen.query_one("#form").region.right <= size[0]  # the form itself fits: nothing cut at its edge
        on_screen(app, message)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_notification_is_shown_whole(ledger: Path, size):
    app = make_app(ledger)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        message = ("the ledger changed under the board while a change was written: " * 3).strip()
        app.notify(message, title="Changed by someone else", severity="warning", markup=False)
        await pilot.pause()  # the Notify message is handled
        await pilot.pause()  # then the rack mounts the toast (call_later)
        await pilot.pause()  # and lays it out
        (toast,) = app.screen.query("Toast")
        region = toast.region
        lines = screen_lines(app)[region.y:region.bottom]
        inside = " ".join(line[region.x:region.right].strip(" ▌▐") for line in lines)
        assert " ".join(message.split()) in " ".join(inside.split()), "\n".join(lines)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_moment_that_is_not_one_is_said_whole_on_the_changes_screen(ledger: Path, size):
    app = make_app(ledger)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("Y")
        await settle(pilot)
        await pilot.press("m")
        app.screen.query_one("#changes-from", Input).value = "yesterday"
        await pilot.press("enter")
        await settle(pilot)
        on_screen(app, "'yesterday' is not a date (YYYY-MM-DD) or an RFC 3339 time")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_note_on_the_plan_title_wraps(ledger: Path, size):
    app = make_app(ledger)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        note = "the plan could not be read: the ledger's cache is held by another program; close it, then press r"
        app.screen.title_line(note)  # as the screen says a failed load
        await pilot.pause()
        on_screen(app, note)
