"""queries/instant.py carries a forecast over the board's own changes; the engine must agree, field for field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import (
    AmountChanged,
    CloseDateChanged,
    DealSplit,
    NoteAdded,
    OwnerChanged,
    PriorityChanged,
    SplitPart,
    StageChanged,
    append_event,
    stamp,
)
from ledger.problems import Unchanged
from queries.instant import advance
from queries.model import Forecast
from queries.store import Store

SAMPLE = Path(__file__).resolve().parent.parent / "sample_events.jsonl"
CUT = dt.date(2026, 10, 9)  # the sample up to this day: October still open, the Mekong tranche still must-have
PERIOD = "2026-10"


def _as_builtins(forecast: Forecast) -> dict:
    return msgspec.to_builtins(forecast, builtin_types=(Decimal,))  # money stays exact


def assert_same(carried: Forecast | None, engine: Forecast) -> None:
    assert carried is not None
    a, b = _as_builtins(carried), _as_builtins(engine)
    for key in ("chance", "coverage"):  # shares, as floats: the same to rounding
        assert a.pop(key) == pytest.approx(b.pop(key), abs=1e-12), key
    deals_a, deals_b = a.pop("deals"), b.pop("deals")
    assert [d["deal"] for d in deals_a] == [d["deal"] for d in deals_b]
    for da, db in zip(deals_a, deals_b):
        assert da == db  # money exactly (Decimal 5400.00000 == 5400.0000000000)
    assert a == b


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """The sample as it stood at the end of CUT (its lines are in time order)."""
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    kept = [raw for raw in lines if dt.date.fromisoformat(msgspec.json.decode(raw)["ts"][:10]) <= CUT]
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(b"".join(kept))
    return path


class Board:
    """A Store on the ledger, and the forecast the board would be showing."""

    def __init__(self, path: Path, owner: str | None = None) -> None:
        self.path, self.owner = path, owner
        self.store = Store.open(path, cache=False)
        self.forecast = self._engine()

    def close(self) -> None:
        self.store.close()

    def _engine(self, as_of: dt.datetime | None = None) -> Forecast:
        moment = as_of or self.store.facts().last_ts
        return self.store.forecast(PERIOD, moment, self.owner)

    def change(self, event_type, **fields) -> tuple[Forecast | None, Forecast]:
        """Append one change at the board's moment: (the carried forecast, the engine's)."""
        event = stamp(event_type, ts=self.forecast.as_of, **fields)
        try:
            appended = append_event(self.path, event)
        except Unchanged:  # a change that changes nothing is not written: the board stays as it is
            return self.forecast, self._engine(self.forecast.as_of)
        carried = advance(self.forecast, [(appended.event, appended.deal_version)], self.store.facts().stages)
        self.store.refresh()
        self.forecast = self._engine(appended.event.ts)
        return carried, self.forecast

    def first(self, **want) -> str:
        return next(d.deal for d in self.forecast.deals if all(getattr(d, k) == v for k, v in want.items()))


def test_each_change_a_key_makes_is_carried_as_the_engine_computes_it(ledger: Path):
    board = Board(ledger)
    must = board.first(priority="must", counts=True)
    should = board.first(priority="should", stage_kind="open")
    assert board.forecast.needed != 0  # promotions and the totals are in play
    for event_type, fields in [
        (StageChanged, {"deal": should, "stage": "negotiation"}),  # counts now: a promotion
        (PriorityChanged, {"deal": must, "priority": "should"}),
        (PriorityChanged, {"deal": must, "priority": "must"}),
        (PriorityChanged, {"deal": should, "priority": "must"}),
        (StageChanged, {"deal": must, "stage": "negotiation"}),
        (StageChanged, {"deal": must, "stage": "lead"}),  # too slow for the month now
        (AmountChanged, {"deal": must, "amount": 90_000}),  # big now
        (CloseDateChanged, {"deal": should, "close_date": dt.date(2026, 11, 15)}),  # beyond the period
        (CloseDateChanged, {"deal": should, "close_date": None}),
        (NoteAdded, {"deal": must, "text": "call [b]them[/b]", "due": dt.date(2026, 10, 12)}),
        (StageChanged, {"deal": must, "stage": "inactive"}),
        (StageChanged, {"deal": must, "stage": "quote"}),
        (StageChanged, {"deal": must, "stage": "won"}),
        (StageChanged, {"deal": must, "stage": "won"}),  # won again: changes nothing, so nothing is written
        (StageChanged, {"deal": must, "stage": "negotiation"}),  # reopened: no longer won
        (OwnerChanged, {"deal": must, "owner": "someone-new"}),
        (StageChanged, {"deal": should, "stage": "lost"}),  # leaves the board
    ]:
        carried, engine = board.change(event_type, **fields)
        assert_same(carried, engine)
    board.close()


def test_an_owners_board_drops_a_deal_handed_to_someone_else(ledger: Path):
    team = Board(ledger)
    owner = team.forecast.deals[0].owner
    team.close()
    board = Board(ledger, owner=owner)
    deal = board.forecast.deals[0].deal
    carried, engine = board.change(OwnerChanged, deal=deal, owner="someone-new")
    assert_same(carried, engine)
    assert deal not in {d.deal for d in carried.deals}
    board.close()


def test_what_only_the_engine_knows_is_left_to_it(ledger: Path):
    board = Board(ledger)
    deal = board.first(priority="must")
    split = stamp(DealSplit, deal=deal, ts=board.forecast.as_of,
                  parts=[SplitPart(deal=deal + "-a", amount=Decimal("1.0"), priority="must")])
    assert advance(board.forecast, [(split, None)], board.store.facts().stages) is None
    tomorrow = stamp(PriorityChanged, deal=deal, priority="could", ts=board.forecast.as_of + dt.timedelta(days=1))
    assert advance(board.forecast, [(tomorrow, 5)], board.store.facts().stages) is None
    unknown = stamp(PriorityChanged, deal="D-not-listed", priority="could", ts=board.forecast.as_of)
    assert advance(board.forecast, [(unknown, 2)], board.store.facts().stages) is None
    board.close()


CHANGES = st.sampled_from(["up", "down", "must", "should", "could", "won", "lost", "inactive", "amount", "close"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.integers(0, 10_000), CHANGES), min_size=1, max_size=6))
def test_any_run_of_board_changes_is_carried_as_the_engine_computes_it(tmp_path_factory, steps):
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    path = tmp_path_factory.mktemp("instant") / "ledger.jsonl"
    path.write_bytes(b"".join(raw for raw in lines
                              if dt.date.fromisoformat(msgspec.json.decode(raw)["ts"][:10]) <= CUT))
    board = Board(path)
    try:
        _run(board, steps)
    finally:
        board.close()


def _run(board: Board, steps: list[tuple[int, str]]) -> None:
    order = ["lead", "qualified", "proposal", "quote", "negotiation"]
    for pick, change in steps:
        open_deals = [d for d in board.forecast.deals if d.stage_kind in ("open", "inactive")]
        if not open_deals:
            return
        deal = open_deals[pick % len(open_deals)]
        if change in ("up", "down"):
            if deal.stage not in order:
                continue
            index = min(max(order.index(deal.stage) + (1 if change == "up" else -1), 0), len(order) - 1)
            event_type, fields = StageChanged, {"stage": order[index]}
        elif change in ("must", "should", "could"):
            event_type, fields = PriorityChanged, {"priority": change}
        elif change in ("won", "lost", "inactive"):
            event_type, fields = StageChanged, {"stage": change}
        elif change == "amount":
            event_type, fields = AmountChanged, {"amount": float(pick * 7 % 80_000)}
        else:
            event_type, fields = CloseDateChanged, {"close_date": CUT + dt.timedelta(days=pick % 40)}
        carried, engine = board.change(event_type, deal=deal.deal, **fields)
        assert_same(carried, engine)
