"""`dealbook review`: a past period's targets against what was won, per person and per account (hand-worked)."""

from __future__ import annotations

import json

from conftest import line, opened
from tui.cli import main

TS = "2026-10-0{}T09:00:00+07:00"
LEDGER = [
    line("target_set", "t1", TS.format(1), period="2026-10", amount=10000, owner="lan"),
    line("target_set", "t2", TS.format(1), period="2026-11", amount=5000, owner="lan"),
    line("target_set", "t3", TS.format(1), period="2026-10", amount=8000, owner="minh"),
    opened("e1", "D-1", TS.format(2), owner="lan", amount=6000, account="Acme"),
    opened("e2", "D-2", TS.format(2), owner="lan", amount=1500, account="Globex"),
    opened("e3", "D-3", TS.format(2), owner="minh", amount=2500, account="Acme"),
    opened("e4", "D-4", TS.format(2), owner="thu", amount=700),
    opened("e5", "D-5", TS.format(2), owner="minh", amount=9000, account="Initech"),  # never won
    line("stage_changed", "s1", TS.format(3), deal="D-1", stage="won"),
    line("stage_changed", "s2", TS.format(4), deal="D-2", stage="won"),
    line("stage_changed", "s3", TS.format(5), deal="D-3", stage="won"),
    line("stage_changed", "s4", TS.format(6), deal="D-4", stage="won"),
    line("stage_changed", "s5", TS.format(7), deal="D-5", stage="lost"),
]


def test_a_quarter_reviewed_per_person_and_account(write_ledger, capsys):
    path = write_ledger(*LEDGER)
    assert main(["--ledger", str(path), "review", "2026-Q4", "--as-of", "2026-12-31", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # lan: 10,000 + 5,000 (the quarter's months) against 6,000 + 1,500; minh: 8,000 against 2,500; thu: none
    people = {p["owner"]: (p["target"], p["won"], p["share"]) for p in doc["people"]}
    assert people == {"lan": (15000, 7500, 0.5), "minh": (8000, 2500, 0.3125), "thu": (None, 700, None)}
    assert (doc["team_target"], doc["team_won"]) == (23000, 10700)  # the persons' targets add up
    assert [(a["account"], a["won"], a["deals"]) for a in doc["accounts"]] == [
        ("Acme", 8500, 2), ("Globex", 1500, 1), ("(no account)", 700, 1)]
    assert doc["problems"] == []


def test_the_table_says_not_set_for_no_target(write_ledger, capsys):
    path = write_ledger(*LEDGER)
    assert main(["--ledger", str(path), "review", "2026-10", "--as-of", "2026-10-31"]) == 0
    out = capsys.readouterr().out
    assert "team target 18,000, won 10,700" in out and "not set" in out and "Acme" in out
