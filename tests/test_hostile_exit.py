"""Scripts are told when figures rest on a ledger with problems: a `problems` list in the JSON, exit code 3."""

from __future__ import annotations

import json

import pytest

from conftest import line, opened
from tui.cli import main
from tui.cli.reports import PROBLEMS_EXIT

GOOD = [line("target_set", "t1", period="2026-10", amount=10000), opened("e1", "D-1")]
REPORTS = [
    ["forecast", "--as-of", "2026-10-02"],
    ["replay", "--period", "2026-10"],
    ["changes", "--from", "2026-10-01", "--to", "2026-10-02"],
    ["whatif", "--as-of", "2026-10-02", "--lose", "D-1"],
]


@pytest.mark.parametrize("report", REPORTS)
def test_a_target_line_that_cannot_be_read_is_told(write_ledger, report, capsys):
    broken = line("target_set", "t2", period="2026-10", amount=-5)  # a target the reader refuses
    path = write_ledger(*GOOD, broken)
    assert PROBLEMS_EXIT == 3
    assert main(["--ledger", str(path), *report, "--json"]) == 3
    out = capsys.readouterr()
    doc = json.loads(out.out)
    assert doc["problems"] == [{"path": str(path), "line": 3, "reason": doc["problems"][0]["reason"]}]
    assert "amount" in doc["problems"][0]["reason"] and f"{path}:3" in out.err
    assert main(["--ledger", str(path), *report]) == 3  # the table too


@pytest.mark.parametrize("report", REPORTS)
def test_a_clean_ledger_exits_0_with_no_problems(write_ledger, report, capsys):
    path = write_ledger(*GOOD)
    assert main(["--ledger", str(path), *report, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["problems"] == []


def test_calibrate_keeps_its_shape_and_tells_by_its_exit_code(write_ledger, capsys):
    path = write_ledger(*GOOD, "not json")
    assert main(["--ledger", str(path), "calibrate", "--json"]) == 3
    assert isinstance(json.loads(capsys.readouterr().out), list)
