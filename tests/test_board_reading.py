"""Reading the board: a group's subtotal says what it sums; the sort says its column and way, reverses, and a
click on a header sorts."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tui.board.deals_table import DealsTable, column_at, header_label
from tui.board.rows import COLUMNS, PADDING, line_of, sort_of_column, sort_words, widths_for

from test_board_app import SIZE, board, ledger, make_app, settle

__all__ = ["ledger"]


def amounts(table: DealsTable, priority: str) -> list[str]:
    return [d.deal for d in table.shown if d.priority == priority]


def test_sort_words_say_the_column_and_the_way():
    assert sort_words(0, False) == "estimated value, largest first"
    assert sort_words(2, True) == "close date, latest first"
    assert sort_words(5, False) == "name, A to Z"
    assert sort_of_column("amount") == 1 and sort_of_column("deal") is None


def test_a_header_names_the_sorted_column_within_its_width():
    assert header_label("amount", "Amount", 8, ("amount", False)) == "Amount▼"
    assert header_label("value", "Est.value", 9, ("value", True)) == "Est.valu▲"
    assert header_label("owner", "Owner", 6, ("value", True)) == "Owner"


def test_a_click_finds_its_column_padding_included():
    widths = widths_for(158)
    starts, left = {}, 0
    for (key, _, _, _), width in zip(COLUMNS, widths):
        starts[key] = left
        left += width + 2 * PADDING
    assert column_at(starts["amount"], widths) == "amount"
    assert column_at(starts["amount"] - 1, widths) == "name"
    assert column_at(left + 3, widths) is None


def test_a_heading_runs_on_over_empty_cells_only():
    from rich.text import Text

    widths = widths_for(120)
    cells = [Text() for _ in COLUMNS]
    name = [k for k, _, _, _ in COLUMNS].index("name")
    cells[name] = Text("MUST-HAVE · 3 deal(s) · counting or won: 3,000 of 9,000 est.value")
    assert "3,000 of 9,000 est.value" in line_of(cells, widths, spill=True).plain  # over amount, value, ...
    assert "3,000 of 9,000" not in line_of(cells, widths).plain  # a deal's line keeps to its column


async def test_the_subtotal_says_what_it_sums(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = board(app).query_one(DealsTable)
        heading = " ".join(t.plain for t in table.rows[0].cells)
        # D-1 (must, quote, 5,000 x 60%) counts: 3,000 of the group's 3,000
        assert "MUST-HAVE · 1" in heading and "← Est.value counting or won: 3,000 of 3,000" in heading
        should = next(r for r in table.rows if r.key == "group:should")
        # D-2 counts (7,200); D-6 (60k proposal, 24,000) and D-5 (parked, 0) do not
        assert "counting or won: 7,200 of 31,200" in " ".join(t.plain for t in should.cells)


async def test_sort_reverses_and_a_header_click_sorts(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = board(app)
        table = screen.query_one(DealsTable)
        assert amounts(table, "should") == ["D-6", "D-2", "D-5"]  # estimated value, largest first
        await pilot.press("I")
        assert amounts(table, "should") == ["D-5", "D-2", "D-6"]
        assert "sorted by estimated value, smallest first" in str(table.border_title)
        x = 0
        for (key, _, _, _), width in zip(COLUMNS, table._widths):
            if key == "owner":
                break
            x += width + 2 * PADDING
        await pilot.click(DealsTable, offset=(x + 2, 1))  # the border, then the header row
        await settle(pilot)
        assert "sorted by owner, A to Z" in str(table.border_title)
        assert [table.deals[d].owner for d in amounts(table, "should")] == ["lan", "marco", "marco"]
        await pilot.click(DealsTable, offset=(x + 2, 1))
        await settle(pilot)
        assert "sorted by owner, Z to A" in str(table.border_title)
        assert [table.deals[d].owner for d in amounts(table, "should")] == ["marco", "marco", "lan"]


async def test_a_split_keeps_the_parents_priority_close_date_and_next_action(ledger: Path):
    from textual.widgets import Input, Select

    from ledger import read_ledger
    from test_board_app import select

    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(read_ledger(ledger).events)
        select(app, "D-1")  # must, quote 5k, next action "send the quote" due 5 Nov, no close date
        await pilot.press("x")
        await pilot.pause()
        form = app.screen
        assert [form.query_one(f"#priority-{n}", Select).value for n in (0, 1)] == ["must", "should"]
        assert any("each tranche keeps the next action: send the quote" in str(s.render()) for s in form.query(Static))
        form.query_one("#close-1", Input).value = "2026-11-20"
        await pilot.press("ctrl+s")
        await settle(pilot)
        written = read_ledger(ledger).events[before:]
        assert [type(e).__name__ for e in written] == ["DealSplit", "NoteAdded", "NoteAdded"]
        assert [(e.deal, e.text, str(e.due)) for e in written[1:]] == [
            ("D-1-1", "send the quote", "2026-11-05"), ("D-1-2", "send the quote", "2026-11-05")]
        deals = board(app).query_one(DealsTable).deals
        assert deals["D-1-1"].next_action == "send the quote" and deals["D-1-2"].close_date.isoformat() == "2026-11-20"
        assert deals["D-1-1"].close_date is None  # the parent had none; the field was left empty
        assert "Progress 1,500" in board(app).query_one("#header").text  # 2,500 x 60%: the must tranche


async def test_a_split_prefills_the_parents_close_date(tmp_path: Path):
    from textual.widgets import Input

    from test_board_app import deal, select

    path = tmp_path / "ledger.jsonl"
    path.write_text(deal(1, "D-9", "Nine", "lan", "quote", 8000, "could", close_date="2026-11-25") + "\n")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        select(app, "D-9")
        await pilot.press("x")
        await pilot.pause()
        form = app.screen
        assert [form.query_one(f"#close-{n}", Input).value for n in (0, 1)] == ["2026-11-25", "2026-11-25"]
        assert str(form.query_one("#priority-1").value) == "could"  # could stays could


def test_scrolling_right_keeps_the_id_column_in_place():
    from rich.segment import Segment
    from textual.strip import Strip

    from tui.board.deals_table import frozen_id

    line = Strip([Segment("D-1 |name|amount|account")])
    assert frozen_id(line, 0, 12, 5).text == "D-1 |name|am"
    assert frozen_id(line, 5, 12, 5).text == "D-1 |amount|"  # 5 columns scrolled past, the id kept
    assert frozen_id(line, 5, 4, 5).text == "name"  # narrower than the id column: a plain crop
