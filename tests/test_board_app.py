"""The board driven by keys (Textual Pilot): each change appends one event and the numbers follow at once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from textual.widgets import Input

from ledger import read_ledger
from tui.app import DealbookApp
from tui.board.deals_table import DealsTable
from tui.board.header import BoardHeader
from tui.board.screen import BoardScreen

TZ = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 10, 12, 0, tzinfo=TZ)
SIZE = (160, 45)


def event(type_: str, n: int, day: int = 2, **fields: object) -> str:
    ts = dt.datetime(2026, 11, day, 9, 0, n % 60, tzinfo=TZ).isoformat()
    return json.dumps({"id": f"E{n:04d}", "ts": ts, "type": type_, **fields})


def deal(n: int, deal_id: str, name: str, owner: str, stage: str, amount: float, priority: str,
         **extra: object) -> str:
    return event("deal_opened", n, deal=deal_id, name=name, owner=owner, stage=stage, amount=amount,
                 priority=priority, **extra)


# As of NOW (10 Nov), target 40k, big from 10k:
#   D-1 must quote 5k: counts (10 Nov + 14 days <= 30 Nov), worth 3,000: progress 3,000, needed 37,000
#   D-2 should negotiation 9k, worth 7,200, counts: the one promotion
#   D-6 should proposal 60k (big), D-3 could proposal 4k, D-4 could qualified 2k: cannot close in November
#   D-5 parked (inactive) from quote
SMALL = [
    event("target_set", 1, period="2026-11", amount=40000),
    deal(2, "D-1", "Acme renewal", "lan", "quote", 5000, "must", account="Acme Corp"),
    deal(3, "D-2", "Globex rollout", "marco", "negotiation", 9000, "should", account="Globex"),
    deal(4, "D-3", "[b]x[/b]", "lan", "proposal", 4000, "could"),
    deal(5, "D-4", "Evil\x1b[31mred", "marco", "qualified", 2000, "could", close_date="2026-12-15"),
    deal(6, "D-5", "Parked deal", "lan", "quote", 3000, "should"),
    event("stage_changed", 7, deal="D-5", stage="inactive"),
    deal(8, "D-6", "Mega platform", "marco", "proposal", 60000, "should"),
    event("note_added", 9, day=3, deal="D-1", text="send the quote", due="2026-11-05"),
]


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.jsonl"
    path.write_text("".join(line + "\n" for line in SMALL))
    return path


def make_app(path: Path, tmp_path: Path | None = None, watch: bool = False, **kwargs: object) -> DealbookApp:
    keymap = (tmp_path or path.parent) / "no-keymap.toml"
    return DealbookApp(path, by="tester", now=NOW, watch=watch, keymap_file=keymap, **kwargs)


async def settle(pilot) -> None:
    """Wait for the workers, then for the messages they posted to be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def board(app: DealbookApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


def header(app: DealbookApp) -> str:
    return board(app).query_one(BoardHeader).text


def select(app: DealbookApp, deal_id: str) -> None:
    table = board(app).query_one(DealsTable)
    table.move_cursor(table.row_index(deal_id))


def events(path: Path) -> list:
    return read_ledger(path).events


def last(path: Path):
    return events(path)[-1]


async def test_opens_on_the_current_period_with_its_numbers(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = header(app)
        assert "2026-11" in text and "team" in text and "20 days left" in text
        assert "Target 40,000" in text and "Progress 3,000" in text and "Needed 37,000" in text
        assert "Chance 8%" in text and "NOT ON TRACK" in text
        assert "Must-have coverage 12%  ⚠ under 100%" in text
        table = board(app).query_one(DealsTable)
        assert [d.deal for d in table.shown] == ["D-1", "D-6", "D-2", "D-5", "D-3", "D-4"]
        assert table.selected.deal == "D-1"


async def test_stage_forward_and_back_append_one_event_each_with_the_shown_version(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(events(ledger))
        await pilot.press(">")
        await settle(pilot)
        assert len(events(ledger)) == before + 1
        moved = last(ledger)
        assert (moved.__struct_config__.tag, moved.deal, moved.stage, moved.by) == (
            "stage_changed", "D-1", "negotiation", "tester")
        assert "Progress 4,000" in header(app)  # 5,000 x 80%
        await pilot.press("<")
        await settle(pilot)
        assert last(ledger).stage == "quote" and len(events(ledger)) == before + 2
        assert "Progress 3,000" in header(app)


async def test_last_open_stage_refuses_to_go_further_and_writes_nothing(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        select(app, "D-2")
        before = ledger.read_bytes()
        await pilot.press(">")
        await settle(pilot)
        assert ledger.read_bytes() == before
        assert "last open stage" in board(app).status_text


async def test_priority_up_and_down(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        select(app, "D-2")
        await pilot.press("+")
        await settle(pilot)
        assert (last(ledger).deal, last(ledger).priority) == ("D-2", "must")
        assert "Progress 10,200" in header(app)
        await pilot.press("-")
        await settle(pilot)
        assert (last(ledger).deal, last(ledger).priority) == ("D-2", "should")
        assert "Progress 3,000" in header(app)


async def test_won_lost_inactive_and_back(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(events(ledger))
        await pilot.press("w")  # asked first: w and l sit beside j and k
        await settle(pilot)
        assert "Mark as WON: D-1" in app.screen.text
        await pilot.press("n")
        await settle(pilot)
        assert len(events(ledger)) == before and "not marked won" in board(app).status_text
        await pilot.press("w", "y")
        await settle(pilot)
        assert (last(ledger).deal, last(ledger).stage) == ("D-1", "won")
        assert "Won 5,000" in header(app) and "Progress 5,000" in header(app)
        select(app, "D-2")
        await pilot.press("l", "enter")
        await settle(pilot)
        assert (last(ledger).deal, last(ledger).stage) == ("D-2", "lost")
        assert "D-2" not in board(app).query_one(DealsTable).deals
        select(app, "D-5")
        await pilot.press("i")
        await settle(pilot)
        assert (last(ledger).deal, last(ledger).stage) == ("D-5", "quote")  # back where it was parked from
        await pilot.press("i")
        await settle(pilot)
        assert (last(ledger).deal, last(ledger).stage) == ("D-5", "inactive")


async def test_amount_close_date_owner_and_target_through_forms(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#value", Input).value = "7.5k"
        await pilot.press("enter")
        await settle(pilot)
        assert (last(ledger).deal, last(ledger).amount) == ("D-1", 7500)
        assert "Progress 4,500" in header(app)

        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#value", Input).value = "2026-12-04"
        await pilot.press("enter")
        await settle(pilot)
        assert last(ledger).close_date == dt.date(2026, 12, 4)
        assert "Progress 0" in header(app)  # it no longer closes in November

        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#value", Input).value = "priya"
        await pilot.press("enter")
        await settle(pilot)
        assert (last(ledger).__struct_config__.tag, last(ledger).owner) == ("owner_changed", "priya")

        await pilot.press("t")
        await pilot.pause()
        assert app.screen.query_one("#value", Input).value == "40,000"
        app.screen.query_one("#value", Input).value = "30k"
        await pilot.press("enter")
        await settle(pilot)
        target = last(ledger)
        assert (target.period, target.amount, target.owner) == ("2026-11", 30000, None)
        assert "Target 30,000" in header(app)


async def test_a_wrong_value_is_said_in_the_form_and_nothing_is_written(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = ledger.read_bytes()
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#value", Input).value = "lots"
        await pilot.press("enter")
        await pilot.pause()
        assert "amount must be a number" in app.screen.error_text
        await pilot.press("escape")
        await settle(pilot)
        assert ledger.read_bytes() == before
        assert board(app).status_text.startswith("cancelled")


async def test_next_action_with_due_date(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one("#text", Input).value == "send the quote"
        app.screen.query_one("#text", Input).value = "call [b]Bob[/b]"
        app.screen.query_one("#due", Input).value = "2026-11-12"
        await pilot.press("ctrl+s")
        await settle(pilot)
        note = last(ledger)
        assert (note.deal, note.text, note.due) == ("D-1", "call [b]Bob[/b]", dt.date(2026, 11, 12))
        assert board(app).query_one(DealsTable).deals["D-1"].next_action == "call [b]Bob[/b]"


async def new_deal_form(pilot):
    """The board settled, then `n`: the new deal form, its id minted (D-7 on SMALL)."""
    await settle(pilot)
    await pilot.press("n")
    await pilot.pause()
    form = pilot.app.screen
    assert form.query_one("#deal", Input).value == "D-7"
    return form


async def test_new_deal_form(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        form = await new_deal_form(pilot)
        form.query_one("#name", Input).value = "Initech upgrade"
        form.query_one("#owner", Input).value = "lan"
        form.query_one("#amount", Input).value = "10k"
        form.query_one("#stage").value = "negotiation"
        form.query_one("#priority").value = "must"
        await pilot.press("ctrl+s")
        await settle(pilot)
        opened = last(ledger)
        assert (opened.deal, opened.name, opened.stage, opened.amount, opened.priority) == (
            "D-7", "Initech upgrade", "negotiation", 10000, "must")
        assert "Progress 11,000" in header(app)


async def test_split_into_tranches_cannot_be_undone(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        select(app, "D-6")
        await pilot.press("x")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#id-0", Input).value == "D-6-1"
        form.query_one("#amount-0", Input).value = "20k"
        form.query_one("#amount-1", Input).value = "40k"
        form.query_one("#close-1", Input).value = "2027-01-15"
        await pilot.press("ctrl+s")
        await settle(pilot)
        split = last(ledger)
        # the first tranche keeps the should-have's priority (progress does not jump), the rest one lower
        assert split.deal == "D-6" and [(p.deal, p.amount, p.priority) for p in split.parts] == [
            ("D-6-1", 20000, "should"), ("D-6-2", 40000, "could")]
        deals = board(app).query_one(DealsTable).deals
        assert "D-6" not in deals and {"D-6-1", "D-6-2"} <= set(deals)
        assert "coverage 12%" in header(app)  # 5,000 / 40,000, as before the split
        before = ledger.read_bytes()
        await pilot.press("u")
        await settle(pilot)
        assert ledger.read_bytes() == before
        assert "cannot be undone" in board(app).status_text


async def test_undo_appends_the_reverse_event(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(">")
        await settle(pilot)
        lines = len(ledger.read_text().splitlines())
        await pilot.press("u")
        await settle(pilot)
        assert len(ledger.read_text().splitlines()) == lines + 1  # nothing deleted, one line added
        undo = last(ledger)
        assert (undo.deal, undo.stage) == ("D-1", "quote")
        assert "Progress 3,000" in header(app)
        assert board(app).status_text.startswith("undone")
        await pilot.press("u")
        await settle(pilot)
        assert "nothing to undo" in board(app).status_text


async def test_promotions_stand_beside_the_board_and_one_key_applies_them(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = board(app).query_one("#promotions")
        assert panel.display and "D-2" in panel.text and "Needed 37,000" in panel.text
        before = len(events(ledger))
        await pilot.press("p")
        await settle(pilot)
        added = events(ledger)[before:]
        assert [(e.__struct_config__.tag, e.deal, e.priority) for e in added] == [("priority_changed", "D-2", "must")]
        assert "Progress 10,200" in header(app)



async def test_the_cursor_steps_over_group_headings_and_follows_a_click(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = board(app).query_one(DealsTable)
        seen = [table.selected.deal]
        for _ in range(6):
            await pilot.press("j")
            seen.append(table.selected.deal)
        assert seen == ["D-1", "D-6", "D-2", "D-5", "D-3", "D-4", "D-4"]
        await pilot.press("k", "k", "k", "k", "k")
        assert table.selected.deal == "D-1"
        await pilot.click(DealsTable, offset=(20, 1 + 1 + 4))  # border, header row, then rows: D-2 is the 5th
        assert table.selected.deal == "D-2"


async def test_the_amount_form_says_what_the_amount_reads_as_before_saving(ledger: Path, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("DEALBOOK_CONFIG", str(tmp_path / "no-config.toml"))  # no decimal mark configured
    before = ledger.read_bytes()
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        reading = app.screen.query_one("#form-reading")
        app.screen.query_one("#value", Input).value = "4,5k"  # a decimal comma, or a loose thousands comma
        await pilot.pause()
        shown = str(reading.render())
        assert "reads two ways" in shown and "45,000" in shown and "4,500" in shown
        app.screen.query_one("#value", Input).value = "12,500"
        await pilot.pause()
        shown = str(reading.render())
        assert "reads two ways" in shown and "12,500" in shown and "12.5" in shown
        await pilot.press("enter")  # refused: nothing written
        await pilot.pause()
        assert ledger.read_bytes() == before
        app.screen.query_one("#value", Input).value = "4.5k"
        await pilot.pause()
        assert "reads as 4,500" in str(reading.render())
        await pilot.press("enter")
        await settle(pilot)
    assert (last(ledger).deal, last(ledger).amount) == ("D-1", 4500)


async def test_what_one_types_after_n_is_the_new_deals_name(ledger: Path):
    """The name field has the focus (the id, minted already, keeps its value), and a missing field is named."""
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        form = await new_deal_form(pilot)
        await pilot.press(*"Globex", "enter")
        await pilot.pause()
        assert form.query_one("#name", Input).value == "Globex" and form.query_one("#deal", Input).value == "D-7"
        form.query_one("#owner", Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert form.error_text == "a deal needs an owner"
        assert len(events(ledger)) == len(SMALL)  # nothing written
