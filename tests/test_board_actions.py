"""The board's pure parts, without Textual: events built from keys, their undo, the data adapter, the keymap."""

from __future__ import annotations

from decimal import Decimal

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from ledger import DEFAULT_STAGES, Conflict, PriorityChanged, SplitPart, StageChanged, append_event, stamp
from queries.model import ForecastDeal
from test_board_app import NOW, SMALL, ledger
from tui.board import actions
from tui.board.actions import Refusal
from tui.board.data import BoardData
from tui.board.keys import ALL_KEYS, DETAIL_KEYS, FORM_KEYS, KNOWN_IDS, keymap_path, load_keymap

__all__ = ["ledger"]


def deal(**fields: object) -> ForecastDeal:
    base = dict(deal="D-1", name="Acme", owner="lan", stage="quote", priority="should", amount=Decimal("5000.0"),
                estimated_value=3000, counts=True, big=False, version=4)
    return ForecastDeal(**{**base, **fields})


def test_stage_moves_along_the_open_stages_in_board_order():
    forward = actions.move_stage(deal(), DEFAULT_STAGES, 1)
    assert (forward.event_type, dict(forward.fields), forward.expect_version) == (
        StageChanged, {"deal": "D-1", "stage": "negotiation"}, 4)
    assert dict(forward.inverse.fields) == {"deal": "D-1", "stage": "quote"}
    assert actions.move_stage(deal(), DEFAULT_STAGES, -1).fields["stage"] == "proposal"
    with pytest.raises(Refusal, match="last open stage"):
        actions.move_stage(deal(stage="negotiation"), DEFAULT_STAGES, 1)
    with pytest.raises(Refusal, match="first open stage"):
        actions.move_stage(deal(stage="lead"), DEFAULT_STAGES, -1)
    with pytest.raises(Refusal, match="press i to bring it back"):
        actions.move_stage(deal(stage="inactive", stage_kind="inactive"), DEFAULT_STAGES, 1)


def test_inactive_goes_back_to_the_stage_it_was_parked_from():
    parked = deal(stage="inactive", stage_kind="inactive")
    assert actions.toggle_inactive(parked, DEFAULT_STAGES, "negotiation").fields["stage"] == "negotiation"
    assert actions.toggle_inactive(parked, DEFAULT_STAGES, None).fields["stage"] == "lead"
    assert actions.toggle_inactive(deal(), DEFAULT_STAGES, None).fields["stage"] == "inactive"
    with pytest.raises(Refusal, match="closed"):
        actions.toggle_inactive(deal(stage="won", stage_kind="won"), DEFAULT_STAGES, None)


def test_priorities_stop_at_must_and_could():
    assert actions.move_priority(deal(), -1).fields["priority"] == "must"
    assert actions.move_priority(deal(), 1).fields["priority"] == "could"
    with pytest.raises(Refusal, match="already must-have"):
        actions.move_priority(deal(priority="must"), -1)


def test_undo_of_a_change_checks_the_version_the_change_left():
    change = actions.set_amount(deal(), 7000)
    undo = actions.undo_change(change.inverse, 5)
    assert (undo.event_type, dict(undo.fields), undo.expect_version) == (
        change.event_type, {"deal": "D-1", "amount": 5000}, 5)
    note = actions.set_next_action(deal(), "call", dt.date(2026, 11, 3))
    assert dict(note.inverse.fields) == {"deal": "D-1", "text": "", "due": None}
    close = actions.set_close_date(deal(close_date=dt.date(2026, 11, 20)), None)
    assert close.inverse.fields["close_date"] == dt.date(2026, 11, 20)


def test_what_cannot_be_undone_says_so():
    split = actions.split(deal(), [SplitPart(deal="D-1-1", amount=2000, priority="must")], {"D-1"})
    with pytest.raises(Refusal, match="a split cannot be undone"):
        actions.undo_change(split.inverse, 1)
    opened = actions.open_deal({"deal": "D-9", "name": "x"}, set())
    with pytest.raises(Refusal, match="cannot be undone"):
        actions.undo_change(opened.inverse, 1)
    with pytest.raises(Refusal, match="already used"):
        actions.split(deal(), [SplitPart(deal="D-2", amount=1, priority="must")], {"D-1", "D-2"})


def test_target_undo_restores_the_previous_target_or_says_why_not():
    targets = {("2026-11", None): 40000, ("2026-12", "lan"): 9000}
    assert actions.set_target("2026-11", None, 30000, targets).inverse.fields["amount"] == 40000
    first_for_lan = actions.set_target("2026-11", "lan", 5000, targets).inverse
    assert first_for_lan.event_type is None and "had no target for lan" in first_for_lan.impossible
    # no target is not a target of 0 (docs/method.md): undoing a first target would need an event
    # that takes a target away, which the format does not have
    assert actions.set_target("2026-11", None, 5, {}).inverse.event_type is None
    team_was_a_sum = actions.set_target("2026-12", None, 30000, targets)
    assert team_was_a_sum.inverse.event_type is None and "sum" in team_was_a_sum.inverse.impossible


def test_new_ids():
    assert actions.next_deal_id({"D-1041", "D-7", "X-9999", "D-1041-2"}) == "D-1042"
    assert actions.tranche_ids("D-7", 3, {"D-7-1"}) == ["D-7-2", "D-7-3", "D-7-4"]


def test_board_data_loads_and_applies_one_event_per_change(ledger: Path):
    data = BoardData(ledger, lambda: NOW, by="me")
    view = data.load(None, None)
    assert (view.period, view.forecast.target, view.read_only) == ("2026-11", 40000, False)
    assert view.parked_from == {"D-5": "quote"}
    d1 = next(d for d in view.forecast.deals if d.deal == "D-1")
    result = data.apply([actions.move_priority(d1, 1)])
    assert result.refused is None and [a.line for a in result.applied] == [len(SMALL) + 1]
    assert result.applied[0].version_after == d1.version + 1
    again = data.apply([actions.move_priority(d1, 1)])  # the same, stale version
    assert again.conflict and again.refused and "conflict" in again.refused
    assert data.load("2026-11", None).forecast.progress == 0


def test_board_data_never_reads_before_the_ledgers_last_line(ledger: Path):
    append_event(ledger, stamp(PriorityChanged, deal="D-2", priority="must", ts=NOW + dt.timedelta(days=3)))
    data = BoardData(ledger, lambda: NOW, by="me")
    view = data.load(None, None)
    assert view.as_of == NOW + dt.timedelta(days=3)
    assert any("behind the ledger's last line" in note for note in view.notes)


def test_conflict_is_the_writers_own(ledger: Path):
    with pytest.raises(Conflict):
        append_event(ledger, stamp(StageChanged, deal="D-1", stage="won", ts=NOW), expect_version=99)


def test_keymap_file(tmp_path: Path):
    path = tmp_path / "keymap.toml"
    path.write_text('stage-forward = "ctrl+right, f"\nbogus = "b"\nundo = 3\n')
    keymap, problems = load_keymap(path)
    assert keymap == {"stage-forward": "ctrl+right,f"}
    assert len(problems) == 2 and "bogus" in problems[0] and "undo" in problems[1]
    assert load_keymap(tmp_path / "missing.toml") == ({}, [])
    path.write_text("not = toml = at all")
    assert load_keymap(path)[0] == {} and "not applied" in load_keymap(path)[1][0]
    assert keymap_path({"DEALBOOK_KEYMAP": "/x/k.toml"}) == Path("/x/k.toml")
    assert keymap_path({"XDG_CONFIG_HOME": "/cfg"}) == Path("/cfg/dealbook/keymap.toml")
    assert len(KNOWN_IDS) == len({k.id for k in ALL_KEYS}) + len(FORM_KEYS) + len(DETAIL_KEYS)  # no id twice


def test_the_board_logic_loads_no_textual():
    code = "import sys, tui.board.actions, tui.board.data, tui.board.rows; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    assert out.strip() == "False"
