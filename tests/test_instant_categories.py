"""The carried forecast's categories (commit, best case, pipeline) and odds equal the engine's, each category in play."""

from __future__ import annotations

from ledger import PriorityChanged, StageChanged
from tests.test_instant import Board, assert_same, ledger  # noqa: F401  (the fixture)


def test_should_and_could_haves_move_best_case_and_pipeline_as_the_engine_does(ledger):  # noqa: F811
    board = Board(ledger)
    musts = [d.deal for d in board.forecast.deals if d.priority == "must" and d.counts]
    seen = []
    for event_type, fields in [
        (PriorityChanged, {"deal": musts[0], "priority": "could"}),
        (PriorityChanged, {"deal": musts[1], "priority": "should"}),
        (StageChanged, {"deal": musts[0], "stage": "negotiation"}),
        (PriorityChanged, {"deal": musts[0], "priority": "should"}),
        (PriorityChanged, {"deal": musts[1], "priority": "must"}),
    ]:
        carried, engine = board.change(event_type, **fields)
        seen.append(engine.categories)
        assert_same(carried, engine)  # categories and odds included
        assert carried.odds == engine.odds and carried.odds is not None  # a small pipeline: exact odds at once
    assert any(c.best_case > c.commit for c in seen) and any(c.pipeline > c.best_case for c in seen)
    board.close()
