"""Odds that cost a simulation: the board is painted without them ("odds …"), then shows the engine's own."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from test_board_app import NOW, SIZE, board, header, ledger, make_app, settle

import ledger.writer as ledger_writer
import queries.odds_of as odds_of
from queries import Store
from tui.board.data import BoardData

__all__ = ["ledger"]


@pytest.fixture
def costly(monkeypatch):
    """Every pipeline's odds need a simulation, and none is kept from another test."""
    monkeypatch.setattr(odds_of, "QUICK_WORK", -1)
    monkeypatch.setattr(odds_of, "_kept", {})


def test_a_view_painted_without_odds_gets_the_engines_own(ledger: Path, costly):
    data = BoardData(ledger, clock=lambda: NOW)
    try:
        view = data.load(None, None)
        assert view.odds_pending and view.forecast.odds is None and view.forecast.categories is not None
        full = data.odds_filled(view)
        assert not full.odds_pending and full.generation == view.generation
        with Store.open(ledger) as store:
            engine = store.forecast(view.period, view.as_of)
        assert full.forecast == engine and full.forecast.odds is not None  # odds and categories included
        again = data.load(None, None)  # the same inputs: the odds kept, none pending
        assert not again.odds_pending and again.forecast.odds == engine.odds
    finally:
        data.close()


async def test_the_header_says_odds_are_coming_then_shows_them(ledger: Path, costly, monkeypatch):
    monkeypatch.setattr("tui.board.screen.ODDS_SECONDS", 0.05)
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if "Progress" in header(app):
                break
            await asyncio.sleep(0.005)
        first = header(app).splitlines()[2]
        for _ in range(200):
            await asyncio.sleep(0.01)
            if "odds …" not in header(app):
                break
        await settle(pilot)
        assert first.endswith("odds …")
        assert header(app).splitlines()[2].endswith("NOT ON TRACK   odds 0% (p10 5,000 · p50 9,000 · p90 14,000)")
        assert board(app).view.forecast.odds is not None


def test_a_painted_board_has_proven_the_prefix_for_its_first_append(ledger: Path, monkeypatch):
    from ledger import PriorityChanged, stamp

    hashed = []
    real = ledger_writer.hash_into
    monkeypatch.setattr(ledger_writer, "hash_into", lambda d, fd, at, end: (hashed.append((at, end)), real(d, fd, at, end)))
    monkeypatch.setattr(ledger_writer, "_writers", {})  # a process that has not appended yet
    data = BoardData(ledger, clock=lambda: NOW)
    try:
        data.load(None, None)
        size = ledger.stat().st_size
        data.ready_to_write()
        assert hashed == [(0, size)]
        event = stamp(PriorityChanged, deal="D-2", priority="must", ts=NOW)
        ledger_writer.append_event(ledger, event, source=data._engine, clock=lambda: NOW)
        assert hashed == [(0, size), (size, size)]  # the first append proved nothing again
    finally:
        data.close()
