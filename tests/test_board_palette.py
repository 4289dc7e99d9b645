"""The command palette (Pilot): every action of the screen in front, the history screens' included, by words or id."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette

from test_board_app import SIZE, board, last, ledger, make_app, select, settle  # noqa: F401 (ledger: a fixture)
from tui.app import DealbookApp
from tui.board.commands import BoardCommands
from tui.board.keys import ALL_KEYS, MOVES
from tui.history.keys import OPEN_KEYS, REPLAY_KEYS
from tui.history.past import PastScreen
from tui.history.replay import ReplayScreen
from tui.history.timeline import TimelineScreen


async def run_from_palette(pilot, query: str) -> None:
    """ctrl+p, type the query, take the first hit."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    await pilot.pause(0.3)  # the palette searches in the background
    await pilot.press("enter")
    await settle(pilot)


async def found(app: DealbookApp, query: str) -> list[str]:
    """The binding ids the palette's board provider offers for a query, from the screen in front, best first."""
    provider = BoardCommands(app.screen)
    hits = [hit async for hit in provider.search(query)]
    hits.sort(key=lambda hit: -hit.score)
    return [str(hit.help).rsplit("id: ", 1)[1] for hit in hits]


@pytest.mark.parametrize(("query", "screen"), [
    ("replay", ReplayScreen), ("history-replay", ReplayScreen),
    ("timeline", TimelineScreen), ("history-timeline", TimelineScreen),
    ("time travel", PastScreen), ("history-time-travel", PastScreen),
])
async def test_the_history_screens_open_from_the_palette_by_name_or_id(ledger: Path, query: str, screen: type):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_from_palette(pilot, query)
        assert isinstance(app.screen, screen)


async def test_promote_by_its_id_applies_the_proposed_promotion(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "promote" in await found(app, "promote")
        await run_from_palette(pilot, "promote")
        assert (last(ledger).deal, last(ledger).priority) == ("D-2", "must")  # the one promotion proposed


async def test_a_move_key_from_the_palette_moves_the_tables_cursor(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        select(app, "D-2")
        await run_from_palette(pilot, "last-deal")
        assert board(app).table.selected.deal == "D-4"


async def test_every_key_of_the_board_and_the_history_is_found_by_its_id(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        expected = {k.id for k in ALL_KEYS + OPEN_KEYS} - {"command-palette"}
        for key_id in sorted(expected):
            assert key_id in await found(app, key_id), f"the palette does not find {key_id} on the board"
        assert {k.id for k in MOVES} <= expected


async def test_on_a_replay_the_palette_offers_the_replays_keys_not_the_boards(ledger: Path):
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        for key in REPLAY_KEYS:
            assert key.id in await found(app, key.id)
        assert "new-deal" not in await found(app, "new-deal")  # a board key does nothing on a replay
        assert "history-timeline" in await found(app, "timeline")  # the app's keys are there everywhere
        period = replay.period
        await run_from_palette(pilot, "replay-previous-period")
        assert app.screen is replay and replay.period != period
