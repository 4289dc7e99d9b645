"""`enter` opens a deal's detail (why it counts, its events, the stages); slipped deals stand out and head `U`'s
list; an empty board says which key starts what."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ledger import read_ledger
from queries import Store
from tui.board.deals_table import DealsTable
from tui.board.detail import DealDetail
from tui.board.rows import COLUMNS
from tui.board.to_update import ToUpdate
from tui.board.why import counts_reason, deal_history, to_update

from test_board_app import SIZE, board, deal, event, make_app, select, settle

SAMPLE = Path(__file__).resolve().parents[1] / "sample_events.jsonl"
TZ = dt.timezone(dt.timedelta(hours=7))

# As of 10 Nov 2026 (20 days left in November):
LINES = [
    event("target_set", 1, period="2026-11", amount=40000),
    deal(2, "D-1", "Acme renewal, the whole second floor", "lan", "quote", 5000, "must", account="Acme Corp",
         close_date="2026-11-06"),  # slipped: open, its close date before today
    deal(3, "D-2", "Globex", "marco", "negotiation", 9000, "must", close_date="2026-12-15"),  # closes after November
    deal(4, "D-3", "Initech", "lan", "lead", 4000, "should"),  # 45 days of lead time > 20 days left
    deal(5, "D-4", "Won one", "lan", "quote", 3000, "must", close_date="2026-11-01"),
    event("stage_changed", 6, deal="D-4", stage="won"),  # won: its old close date is not slipped
    event("note_added", 7, day=3, deal="D-1", text="send the [b]quote[/b]", due="2026-11-05"),
    event("deal_split", 8, day=4, deal="D-2", parts=[{"deal": "D-2a", "amount": 4000, "priority": "must"},
                                                       {"deal": "D-2b", "amount": 5000, "priority": "could"}]),
    event("note_added", 9, day=5, deal="D-2a", text="first tranche call"),
]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.jsonl"
    path.write_text("".join(x + "\n" for x in LINES))
    return path


def forecast_of(path: Path, moment: dt.datetime, period: str | None = None):
    with Store.open(path, cache=False) as store:
        return store.forecast(period=period, as_of=moment), store.facts().stages


def test_each_reason_names_the_rule_that_decides(small: Path):
    forecast, stages = forecast_of(small, dt.datetime(2026, 11, 10, 12, tzinfo=TZ), "2026-11")
    deals = {d.deal: d for d in forecast.deals}
    why = {k: counts_reason(d, stages.get(d.stage), forecast) for k, d in deals.items()}
    assert why["D-3"] == (False, "counts: no, 45 days of lead time > 20 days left")
    assert why["D-1"][0] and why["D-1"][1].startswith("counts: yes, 14 days of lead time <= 20 days left")
    assert "in progress" in why["D-1"][1]
    assert why["D-2a"] == (False, "counts: no, its close date 15 Dec 2026 is after the period's end (30 Nov)")
    assert why["D-4"][1].startswith("counts: as won")


@pytest.mark.skipif(not SAMPLE.exists(), reason="no sample")
@pytest.mark.parametrize("moment,period", [("2026-10-14T18:00:00+07:00", "2026-10"),
                                           ("2026-11-20T09:00:00+07:00", "2026-11"),
                                           ("2026-11-20T09:00:00+07:00", "2026-12")])
def test_the_reason_agrees_with_the_engine_on_every_deal_of_the_sample(tmp_path: Path, moment: str, period: str):
    path = tmp_path / "sample.jsonl"
    shutil.copy(SAMPLE, path)
    forecast, stages = forecast_of(path, dt.datetime.fromisoformat(moment), period)
    assert len(forecast.deals) > 20
    for d in forecast.deals:
        counts, why = counts_reason(d, stages.get(d.stage), forecast)
        assert counts == d.counts, (d.deal, why)


def test_a_tranche_history_starts_with_its_parent_up_to_the_split(small: Path):
    history = deal_history(small, "D-2a")
    assert [type(e).__name__ for e in history] == ["DealOpened", "DealSplit", "NoteAdded"]
    assert history[0].deal == "D-2" and history[-1].deal == "D-2a"
    assert [type(e).__name__ for e in deal_history(small, "D-2b")] == ["DealOpened", "DealSplit"]
    until = dt.datetime(2026, 11, 2, 23, tzinfo=TZ)
    assert [e.id for e in deal_history(small, "D-1", until)] == ["E0002"]  # the note came after


def test_to_update_puts_slipped_deals_first_and_leaves_won_ones_out(small: Path):
    today = dt.date(2026, 11, 10)
    forecast, _ = forecast_of(small, dt.datetime(2026, 11, 10, 12, tzinfo=TZ), "2026-11")
    items = to_update(forecast.deals, today, stale_days=14)
    assert [d.deal for d, _ in items] == ["D-1"]
    assert items[0][1] == "slipped: close date 06 Nov was 4 day(s) ago"


async def test_enter_opens_the_detail_with_the_reason_and_events_and_esc_goes_back(small: Path):
    app = make_app(small)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        select(app, "D-1")
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DealDetail)
        text = detail.text
        assert "D-1 · Acme renewal, the whole second floor" in text  # the full name, not cut
        assert "Account   Acme Corp" in text
        assert "quote (open): rate 60%, lead time 14 days" in text
        assert "counts: yes, 14 days of lead time <= 20 days left" in text
        assert "06 Nov 2026: SLIPPED 4 day(s) ago" in text
        assert "send the [b]quote[/b] · due 05 Nov 2026 (overdue)" in text  # user text as written
        assert "next action: send the [b]quote[/b]" in text  # the last events, read from the ledger
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is board(app)
        select(app, "D-3")
        await pilot.press("enter")
        await settle(pilot)
        assert "counts: no, 45 days of lead time > 20 days left" in app.screen.text


async def test_slipped_close_dates_stand_out_and_u_takes_the_cursor_to_one(small: Path):
    app = make_app(small)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = board(app).query_one(DealsTable)
        close = [key for key, _, _, _ in COLUMNS].index("close")
        assert table.cells_of("D-1")[close].plain == "06 Nov!"
        assert table.cells_of("D-4")[close].plain == "01 Nov"  # won: its old date is history, not slipped
        assert "1 slipped (U: what to update)" in str(table.border_title)
        select(app, "D-3")
        await pilot.press("U")
        await settle(pilot)
        assert isinstance(app.screen, ToUpdate)
        await pilot.press("enter")
        await settle(pilot)
        assert table.selected.deal == "D-1"


async def test_an_empty_board_says_which_key_starts_what(tmp_path: Path):
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notes = board(app).notes_text
        assert "No deals yet: n opens the first deal, t sets this month's target" in notes
    assert read_ledger(path).events == []


def test_a_tranche_timeline_starts_with_its_parents_events(small: Path):
    from tui.history.data import HistoryData

    data = HistoryData(small)
    try:
        timeline = data.timeline("D-2a", dt.datetime(2026, 11, 10, 12, tzinfo=TZ))
    finally:
        data.close()
    whats = [entry.what for entry in timeline.entries]
    assert len(whats) == 3 and whats[-1] == "next action: first tranche call"
    assert timeline.entries[0].estimated_value == 7200  # the parent's, 9,000 x 80%, before the split
    assert timeline.entries[1].estimated_value == 3200  # the tranche's, 4,000 x 80%, after it
