"""`dealbook whatif`: baseline and scenario side by side, JSON or a table; the ledger changes only on --commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import line
from ledger import read_ledger
from test_whatif import METHOD_EXAMPLE, PAST, ts
from tui.cli import build_parser, main

AS_OF = ["--as-of", "2026-10-10", "--period", "2026-10"]


@pytest.fixture
def method_ledger(write_ledger) -> Path:
    # D-1's name is markup: the table must show it as typed
    return write_ledger(*[x.replace('"Big platform"', '"[b]Big[/b] platform"') for x in METHOD_EXAMPLE])


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_baseline_scenario_and_changed_with_the_forecast_shape(method_ledger: Path, capsys):
    before = method_ledger.read_bytes()
    code, out, _ = run(capsys, "whatif", "--ledger", str(method_ledger), *AS_OF, "--big-to-should", "--json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["baseline"]["progress"], doc["scenario"]["progress"], doc["scenario"]["needed"]) == (8600, 3800, 16200)
    assert doc["scenario"]["promotions"] == ["D-4", "D-1", "D-5"]
    assert [(c["deal"], c["change"]) for c in doc["changed"]] == [("D-1", -4800)]
    assert doc["events"] == [{"type": "priority_changed", "id": "whatif-1", "ts": "2026-10-10T23:59:59.999999+07:00",
                              "deal": "D-1", "priority": "should"}]
    choices = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    if "forecast" in choices:  # the same shape as `dealbook forecast --json`
        _, forecast, _ = run(capsys, "forecast", "--ledger", str(method_ledger), *AS_OF, "--json")
        shape = {k: v for k, v in json.loads(forecast).items() if k != "problems"}  # the ledger's, said once
        assert doc["baseline"] == shape and set(doc["scenario"]) == set(doc["baseline"])
    assert method_ledger.read_bytes() == before


def test_table_shows_both_sides_and_user_text_literally(method_ledger: Path, capsys, monkeypatch):
    before = method_ledger.read_bytes()
    code, out, _ = run(capsys, "whatif", "--ledger", str(method_ledger), *AS_OF, "--big-to-should", "--promote")
    assert code == 0
    assert "What-if 2026-10 · team · as of 2026-10-10 23:59 +0700 · 21 days left" in out
    assert "nothing was written to the ledger" in out
    assert "1. D-1: priority should-have" in out and "4. D-5: priority must-have" in out
    rows = {row.split()[0]: row.split() for row in out.splitlines() if row.strip()}
    assert rows["Progress"][1:] == ["8,600", "20,300", "+11,700"]
    assert rows["Chance"][1:] == ["43%", "101%", "+58", "pts"]  # 101.5%
    monkeypatch.setenv("COLUMNS", "160")
    code, out, _ = run(capsys, "whatif", "--ledger", str(method_ledger), *AS_OF, "--big-to-should")
    assert "D-1      [b]Big[/b] platform (lan) must → should negotiation ✓   → ★    4,800 → 0  -4,800" in out
    assert method_ledger.read_bytes() == before


def test_save_then_scenario_file_then_compare(method_ledger: Path, tmp_path: Path, capsys):
    saved, other = tmp_path / "big.jsonl", tmp_path / "lose.jsonl"
    code, out, _ = run(capsys, "whatif", "--ledger", str(method_ledger), *AS_OF, "--big-to-should",
                       "--save", str(saved))
    assert code == 0 and f"saved 1 event(s) to {saved}" in out
    assert saved.read_text() == '{"type":"priority_changed","deal":"D-1","priority":"should"}\n'
    other.write_text('{"type":"stage_changed","deal":"D-2","stage":"lost"}\n')
    code, out, _ = run(capsys, "whatif", "--ledger", str(method_ledger), *AS_OF, "--scenario", str(saved),
                       "--promote", "--json")
    assert json.loads(out)["scenario"]["progress"] == 20300
    code, out, _ = run(capsys, "whatif", "--ledger", str(method_ledger), *AS_OF, "--compare", str(saved),
                       "--compare", str(other), "--json")
    doc = json.loads(out)
    assert [(s["name"], s["scenario"]["progress"]) for s in doc["scenarios"]] == [("big.jsonl", 3800),
                                                                                  ("lose.jsonl", 6200)]
    code, out, _ = run(capsys, "whatif", "--ledger", str(method_ledger), *AS_OF, "--compare", str(saved),
                       "--compare", str(other))
    assert "Scenario big.jsonl" in out and "Scenario lose.jsonl" in out and "Deals whose contribution" in out


def test_commit_appends_exactly_the_scenarios_events(method_ledger: Path, capsys):
    before = method_ledger.read_bytes()
    code, out, _ = run(capsys, "whatif", "--ledger", str(method_ledger), *AS_OF, "--big-to-should", "--promote",
                       "--commit", "--by", "lan")
    assert code == 0 and "committed: appended 4 of 4 event(s): line 9 (priority_changed D-1)" in out
    after = method_ledger.read_bytes()
    assert after.startswith(before)
    appended = read_ledger(method_ledger).events[8:]
    assert [(e.deal, e.priority, e.by) for e in appended] == [
        ("D-1", "should", "lan"), ("D-4", "must", "lan"), ("D-1", "must", "lan"), ("D-5", "must", "lan")]


def test_a_commit_built_on_an_older_moment_stops_at_the_first_conflict(write_ledger, capsys):
    path = write_ledger(*PAST, line("priority_changed", "p7", ts(23), deal="D-1", priority="should"))
    scenario = path.with_name("s.jsonl")
    scenario.write_text('{"type":"target_set","period":"2026-10","amount":12000}\n'
                        '{"type":"amount_changed","deal":"D-1","amount":7000}\n')
    code, out, _ = run(capsys, "whatif", "--ledger", str(path), *AS_OF, "--scenario", str(scenario), "--commit")
    assert code == 1
    assert "commit stopped: appended 1 of 2 event(s): line 8 (target_set)" in out
    assert "Refused at amount_changed D-1: conflict: deal 'D-1' is at version 3" in out
    assert "Not appended: amount_changed D-1" in out
    assert len(read_ledger(path).events) == len(PAST) + 2


def test_refusals_are_said_and_write_nothing(write_ledger, tmp_path: Path, capsys):
    path = write_ledger(*PAST)
    before = path.read_bytes()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type":"priority_changed","deal":"D-3","priority":"should"}\n')
    code, _, err = run(capsys, "whatif", "--ledger", str(path), *AS_OF, "--scenario", str(bad), "--commit")
    assert code == 1
    assert "scenario event 1 (priority_changed D-3): deal 'D-3' was never opened (the ledger as of 2026-10-10" in err
    code, _, err = run(capsys, "whatif", "--ledger", str(path), *AS_OF, "--slip", "D-9")
    assert code == 1 and "deal 'D-9' is not on the board of 2026-10" in err
    code, _, err = run(capsys, "whatif", "--ledger", str(path), *AS_OF)
    assert code == 1 and "nothing to try" in err
    code, _, err = run(capsys, "whatif", "--ledger", str(path), "--as-of", "yesterday", "--promote")
    assert code == 1 and "--as-of must be a date" in err
    code, _, err = run(capsys, "whatif", "--ledger", str(path), *AS_OF, "--promote", "--save", str(path))
    assert code == 1 and "is the ledger" in err
    assert path.read_bytes() == before
