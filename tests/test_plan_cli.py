"""`dealbook plan` and `dealbook activity`: JSON figures, --apply's events, tables that show user text as data."""

from __future__ import annotations

import json

import pytest

from conftest import line, opened
from tui.cli import main

MARKUP = "[bold red]Acme[/] \x1b[31m"


def ts(day: str) -> str:
    return f"{day}T10:00:00+07:00"


LINES = [
    opened("o1", "D-1", ts("2024-01-02"), account=MARKUP, amount=1000),
    line("stage_changed", "s1", ts("2024-01-05"), deal="D-1", stage="won"),
    opened("o2", "D-2", ts("2025-01-10"), account="Beta", owner="minh", amount=3000),
    line("stage_changed", "s2", ts("2025-01-20"), deal="D-2", stage="won"),
    opened("o3", "D-3", ts("2025-06-01"), account=MARKUP, amount=2000),
    line("stage_changed", "s3", ts("2025-06-15"), deal="D-3", stage="won"),
    opened("o4", "D-4", ts("2025-11-20"), owner="minh", amount=4000),
    line("stage_changed", "s4", ts("2025-12-01"), deal="D-4", stage="won"),
    opened("o6", "D-6", ts("2025-12-02"), amount=700),
    line("stage_changed", "s6", ts("2025-12-20"), deal="D-6", stage="lost"),
    opened("o5", "D-5", ts("2026-01-15"), account="Beta", owner="minh", amount=500),
    line("stage_changed", "s5", ts("2026-02-01"), deal="D-5", stage="won"),
    line("target_set", "t1", ts("2026-03-01"), period="2026-03", amount=10000),
    opened("o7", "D-7", ts("2026-03-02"), amount=5000, name=MARKUP),
]


@pytest.fixture
def ledger(write_ledger):
    return write_ledger(*LINES)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_json(ledger, capsys):
    code, out, _ = run(capsys, "plan", "2026", "--target", "1,000,001", "--ledger", str(ledger),
                       "--as-of", "2026-03-10", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["problems"] == []
    assert [m["target"] for m in doc["months"]] == [400000, 0, 0, 0, 0, 200000, 0, 0, 0, 0, 0, 400001]
    assert doc["seasonality"]["years"] == [2024, 2025]
    assert [(a["account"], a["expected"]) for a in doc["existing_accounts"]] == [(MARKUP, 1400), ("Beta", 350)]
    assert doc["new_business_needed"] == 1_000_001 - 1750
    assert ledger.read_text().count("\n") == len(LINES)  # nothing written without --apply


def test_plan_for_one_person_with_retention(ledger, capsys):
    code, out, _ = run(capsys, "plan", "2026", "--target", "10k", "--owner", "lan", "--retention", "50%",
                       "--ledger", str(ledger), "--as-of", "2026-03-10", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["owner"] == "lan" and doc["retention"] == 0.5
    assert [m["target"] for m in doc["months"] if m["target"]] == [3333, 6667]
    assert doc["existing_expected"] == 1000


def test_plan_apply_appends_the_months(ledger, capsys):
    code, out, _ = run(capsys, "plan", "2026", "--target", "1.2m", "--owner", "minh", "--by", "hana",
                       "--ledger", str(ledger), "--as-of", "2026-03-10", "--apply")
    assert code == 0
    written = [json.loads(x) for x in ledger.read_text().splitlines()[len(LINES):]]
    assert [e["period"] for e in written] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert all(e["type"] == "target_set" and e["owner"] == "minh" and e["by"] == "hana" for e in written)
    # minh: January 3000 (D-2) and December 4000 (D-4) of 2025: 3/7 and 4/7 of 1.2m
    assert [e["amount"] for e in written if e["amount"]] == [514286, 685714]
    assert sum(e["amount"] for e in written) == 1_200_000
    assert out.count("line ") == 12
    code, out, _ = run(capsys, "forecast", "--ledger", str(ledger), "--owner", "minh", "--period", "2026-12",
                       "--json")  # now: the events are stamped with the clock
    assert json.loads(out)["target"] == 685714


@pytest.mark.parametrize("argv, message", [
    (["plan", "27", "--target", "1m"], "YYYY"),
    (["plan", "2027", "--target", "lots"], "amount must be"),
    (["plan", "2027", "--target", "1m", "--retention", "1.5"], "from 0 to 1"),
    (["plan", "2027", "--target", "4.5", "--owner", "lan", "--apply"], "December below 0"),  # 1.5 -> 2, 3
    (["activity", "--country", "Narnia"], "ISO 3166"),
])
def test_bad_input_writes_nothing(ledger, capsys, argv, message):
    before = ledger.read_bytes()
    try:
        code = main([*argv, "--ledger", str(ledger), "--as-of", "2026-03-10"])
    except SystemExit as exit_:  # argparse refuses a mistyped value with exit code 2
        code = exit_.code
    assert code in (1, 2)
    assert message in capsys.readouterr().err
    assert ledger.read_bytes() == before


def test_plan_table_shows_user_text_as_data(ledger, capsys):
    code, out, _ = run(capsys, "plan", "2026", "--target", "1m", "--ledger", str(ledger), "--as-of", "2026-03-10")
    assert code == 0
    assert "[bold red]Acme[/]" in out and "\x1b" not in out
    assert "new business needed 998,250" in out  # 1000000 - (2000 + 500) x 0.7


def test_activity_json(ledger, capsys):
    code, out, _ = run(capsys, "activity", "--ledger", str(ledger), "--as-of", "2026-03-10",
                       "--holiday", "2026-03-16", "--json")
    doc = json.loads(out)
    act = doc["activity"]
    assert code == 0 and doc["target"] == 10000 and act["needed"] == 7000
    assert (act["average_deal_size"], act["deals_needed"], act["opportunities_needed"]) == (2250, 4, 6)
    assert (act["working_days_left"], act["per_working_day"]) == (15, 0.4)
    assert doc["live"]["people"] == [{"owner": "lan", "open_deals": 1, "flag": "too few"},
                                     {"owner": "minh", "open_deals": 0, "flag": "too few"}]
    assert [d["deal"] for d in doc["live"]["no_next_action"]] == ["D-7"]


def test_activity_table(ledger, capsys):
    code, out, _ = run(capsys, "activity", "--ledger", str(ledger), "--as-of", "2026-03-10", "--country", "VN")
    assert code == 0
    assert "deals needed 4  opportunities needed 6" in out
    assert "working days left 16  opportunities per working day 0.4" in out  # no VN holiday in March 2026
    assert "too few: keep 6 to 8" in out and "1 open deals with no next action" in out
    assert "[bold red]Acme[/]" in out and "\x1b" not in out
    code, out, _ = run(capsys, "activity", "--ledger", str(ledger), "--as-of", "2026-03-10", "--owner", "lan")
    assert "target none" in out and "note: no target" in out
