"""The fold of a block at once (LedgerState.take_all, the reader's path) equals the fold event by event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ledger.reader
from ledger import read_ledger
from ledger.events import (
    AmountChanged, CloseDateChanged, DealOpened, DealSplit, NoteAdded, OwnerChanged, PriorityChanged,
    SettingsChanged, SplitPart, StageChanged, StageDefined, TargetSet, encode_event,
)
from ledger.state import LedgerState

START = dt.datetime(2026, 10, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=7)))
DEALS = ("D-1", "D-2", "D-3", "D-4", "D-5")  # few, so that deals are opened twice, split, never opened...
STAGES = ("lead", "quote", "won", "lost", "demo", "nope")  # demo once defined; nope never
IDS = st.sampled_from([f"e{i}" for i in range(6)]) | st.uuids().map(str)  # a few ids that repeat


@st.composite
def events(draw):
    """A list of events with every fault the state checks: ids used twice, ts going back, unknown deals and
    stages, events after a split, deals opened twice, split parts that are not new; and valid ones."""
    out, ts = [], START
    for _ in range(draw(st.integers(0, 40))):
        ts += dt.timedelta(minutes=draw(st.sampled_from((0, 5, 60, -30))))  # -30: a ts that goes back
        shown = ts if draw(st.booleans()) else ts.astimezone(dt.UTC)  # the same instant, another offset
        common = {"id": draw(IDS), "ts": shown, "by": "lan"}
        deal = draw(st.sampled_from(DEALS))
        kind = draw(st.sampled_from(("open", "open", "stage", "stage", "stage", "amount", "priority", "close",
                                     "owner", "note", "split", "define", "target", "settings")))
        if kind == "open":
            out.append(DealOpened(**common, deal=deal, name=f"Deal {deal}", owner=draw(st.sampled_from("ab")),
                                  stage=draw(st.sampled_from(STAGES)), amount=Decimal(100), priority="must"))
        elif kind == "stage":
            out.append(StageChanged(**common, deal=deal, stage=draw(st.sampled_from(STAGES))))
        elif kind == "amount":
            out.append(AmountChanged(**common, deal=deal, amount=Decimal(draw(st.integers(0, 900)))))
        elif kind == "priority":
            out.append(PriorityChanged(**common, deal=deal, priority=draw(st.sampled_from(("must", "could")))))
        elif kind == "close":
            out.append(CloseDateChanged(**common, deal=deal, close_date=draw(st.none() | st.just(dt.date(2026, 11, 2)))))
        elif kind == "owner":
            out.append(OwnerChanged(**common, deal=deal, owner=draw(st.sampled_from("abc"))))
        elif kind == "note":
            out.append(NoteAdded(**common, deal=deal, text="call", due=draw(st.none() | st.just(dt.date(2026, 11, 3)))))
        elif kind == "split":
            parts = draw(st.lists(st.sampled_from(DEALS + ("P-1", "P-2")), min_size=1, max_size=3))
            out.append(DealSplit(**common, deal=deal, parts=[
                SplitPart(deal=p, amount=Decimal(50), priority="should") for p in parts]))
        elif kind == "define":
            out.append(StageDefined(**common, stage=draw(st.sampled_from(("demo", "won"))), rate=Decimal("0.5"),
                                    lead_days=3, position=4, kind=draw(st.sampled_from(("open", "won")))))
        elif kind == "target":
            out.append(TargetSet(**common, period="2026-10", amount=Decimal(draw(st.integers(1, 9)))))
        else:
            out.append(SettingsChanged(**common, currency=draw(st.sampled_from(("VND", "USD", None)))))
    return out


def one_by_one(evs: list, first_line: int = 1) -> tuple[LedgerState, dict[int, str]]:
    state = LedgerState()
    refused = {i: reason for i, event in enumerate(evs) if (reason := state.take(event, first_line + i)) is not None}
    return state, refused


def as_tuple(state: LedgerState) -> tuple:
    shown = [t and t.isoformat() for t in (state.last_ts, state.first_ts)]  # the offsets too, as messages show them
    return (state.ids, list(state.ids), shown, state.events, state.stages, state.deals,
            list(state.deals), state.targets, state.settings, state.key_results)


@settings(max_examples=400, deadline=None)
@given(evs=events(), cuts=st.lists(st.integers(0, 40), max_size=4))
def test_blocks_fold_as_events_one_by_one(evs, cuts):
    expected_state, expected = one_by_one(evs, 7)
    state, refused, at = LedgerState(), {}, 0
    for cut in sorted({c for c in cuts if c <= len(evs)} | {len(evs)}):  # blocks of any size, one after another
        refused.update({at + i: reason for i, reason in state.take_all(evs[at:cut], 7 + at).items()})
        at = cut
    assert refused == expected
    assert as_tuple(state) == as_tuple(expected_state)


def test_the_block_path_is_the_one_taken_and_it_still_refuses(monkeypatch):
    """A fault that only the deal's rules see (not the ids or the ts) takes the block path and is reported."""
    evs = [DealOpened(id="e1", ts=START, deal="D-1", name="A", owner="lan", stage="quote", amount=Decimal(1),
                      priority="must"),
           StageChanged(id="e2", ts=START, deal="D-9", stage="won"),
           StageChanged(id="e3", ts=START, deal="D-1", stage="nope"),
           DealSplit(id="e4", ts=START, deal="D-1", parts=[SplitPart(deal="D-2", amount=Decimal(1), priority="must")]),
           NoteAdded(id="e5", ts=START, deal="D-1", text="late")]
    state = LedgerState()
    taken: list = []
    monkeypatch.setattr(LedgerState, "take", lambda *a: taken.append(a))  # the one-by-one path calls this
    assert state.take_all(evs, 1) == {
        1: "deal 'D-9' was never opened",
        2: "unknown stage 'nope' (known: lead, qualified, proposal, quote, negotiation, won, lost, inactive); "
           "define it first with a stage_defined event",
        4: "deal 'D-1' was split on line 4 and takes no more events",
    }
    assert not taken and state.events == 2 and set(state.deals) == {"D-1", "D-2"} and list(state.ids) == ["e1", "e4"]


@pytest.mark.parametrize("fault", ["none", "dup_id", "back_ts", "quoted", "twice", "spaced", "leap"])
def test_a_ledger_as_written_reads_as_the_line_by_line_reader_reads_it(tmp_path, monkeypatch, fault):
    """The reader's shortcut for lines written as they re-encode gives what the older path gives, faults included."""
    lines = [encode_event(e) for e in [
        DealOpened(id="e1", ts=START, deal="D-1", name="A", owner="lan", stage="quote", amount=Decimal(1),
                   priority="must"),
        StageChanged(id="e2", ts=START, deal="D-9", stage="won"),
        AmountChanged(id="e3", ts=START + dt.timedelta(hours=1), deal="D-1", amount=Decimal("2.5")),
        StageChanged(id="e4", ts=START + dt.timedelta(hours=2), deal="D-1", stage="won"),
    ]]
    if fault == "dup_id":
        lines[3] = lines[3].replace(b'"e4"', b'"e1"')
    elif fault == "back_ts":
        lines[3] = lines[3].replace(b"T10:", b"T07:")
    elif fault == "quoted":
        lines[2] = lines[2].replace(b'"amount":2.5', b'"amount":"2.5"')
    elif fault == "twice":
        lines[2] = lines[2].replace(b'"amount":2.5', b'"amount":3,"amount":2.5')
    elif fault == "spaced":
        lines[2] = lines[2].replace(b'"amount":2.5', b'"amount": 2.5')
    elif fault == "leap":
        lines[3] = lines[3].replace(b"T10:00:00", b"T10:59:60")
    path = tmp_path / "l.jsonl"
    path.write_bytes(b"".join(lines))
    fast = read_ledger(path)
    monkeypatch.setattr(ledger.reader, "_decode_as_written", lambda complete: None)  # the older path alone
    older = read_ledger(path)
    assert fast.problems == older.problems and fast.events == older.events and fast.lines == older.lines
    assert as_tuple(fast.state) == as_tuple(older.state)
    assert [p.line for p in fast.problems] == {"none": [2], "dup_id": [2, 4], "back_ts": [2, 4], "quoted": [2, 3],
                                                "twice": [2, 3], "spaced": [2], "leap": [2]}[fault]


def test_check_leaves_the_collector_as_it_found_it(tmp_path, capsys, no_config):
    """`check` reads without the cyclic collector; a process that goes on (a test, a script) gets it back."""
    import gc

    from tests.conftest import cli

    path = tmp_path / "l.jsonl"
    path.write_bytes(encode_event(DealOpened(id="e1", ts=START, deal="D-1", name="A", owner="lan", stage="quote",
                                             amount=Decimal(1), priority="must")))
    assert gc.isenabled()
    code, out, _ = cli(capsys, "check", "--ledger", str(path))
    assert (code, gc.isenabled()) == (0, True) and out.startswith("ok: 1 event, 1 deal, 1 owner")
    assert gc.get_freeze_count() == 0  # nothing left out of the collector's reach (a script's cycles would leak)
    gc.disable()
    try:
        cli(capsys, "check", "--ledger", str(path))
        assert not gc.isenabled()
    finally:
        gc.enable()
