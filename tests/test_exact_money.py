"""Issue 12, point 3: money exact from the command line to the JSON, through the CLI and the query engine."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import cli, line, opened


pytestmark = pytest.mark.usefixtures("no_config")


def forecast_raw(capsys, ledger: Path, period: str, as_of: str, expect: int = 0) -> str:
    code, out, err = cli(capsys, "forecast", "--ledger", str(ledger), "--period", period, "--as-of", as_of, "--json")
    assert code == expect, err
    return out


def forecast(capsys, ledger: Path, period: str, as_of: str, expect: int = 0) -> dict:
    return json.loads(forecast_raw(capsys, ledger, period, as_of, expect), parse_float=Decimal)


def changes(capsys, ledger: Path, *argvs: list[str]) -> None:
    for argv in argvs:
        code, _, err = cli(capsys, *argv, "--ledger", str(ledger))
        assert code == 0, (argv, err)


def test_wins_of_100_10_and_200_20_meet_a_target_of_300_30_exactly(tmp_path, capsys):
    ledger = tmp_path / "team.jsonl"
    changes(capsys, ledger,
            ["target", "2026-11", "300.30", "--ts", "2026-11-01T09:00:00+07:00"],
            ["open", "D-1", "--name", "A", "--owner", "lan", "--stage", "won", "--amount", "100.10",
             "--priority", "must", "--ts", "2026-11-02T09:00:00+07:00"],
            ["open", "D-2", "--name", "B", "--owner", "lan", "--stage", "won", "--amount", "200.20",
             "--priority", "must", "--ts", "2026-11-03T09:00:00+07:00"],
            ["open", "D-3", "--name", "C", "--owner", "lan", "--stage", "quote", "--amount", "5000",
             "--priority", "should", "--ts", "2026-11-04T09:00:00+07:00"])
    raw = forecast_raw(capsys, ledger, "2026-11", "2026-11-10")
    result = json.loads(raw, parse_float=Decimal)
    assert result["won"] == Decimal("300.30") and result["target"] == Decimal("300.30")
    assert result["needed"] == 0
    assert result["on_track"] is True
    assert result["promotions"] == []
    # the JSON holds the exact decimals, as written: 300.3, never 300.29999999999995
    assert re.search(r'"won":\s*300\.3[,}]', raw), raw
    assert re.search(r'"amount":\s*100\.1[,}]', raw), raw
    code, out, err = cli(capsys, "forecast", "--ledger", str(ledger), "--period", "2026-11", "--as-of", "2026-11-10")
    assert code == 0, err
    assert "not on track" not in out and "on track" in out and "needed 0 " in out


def test_should_haves_that_cover_the_need_exactly_are_all_that_is_promoted(tmp_path, capsys, write_ledger):
    # target 10,000; won 4,828.19; needed 5,171.81 = 3,992.00 (4,990 x 0.8) + 1,179.81 (1,966.35 x 0.6)
    ledger = write_ledger(
        line("target_set", "t-1", "2026-11-01T09:00:00+07:00", period="2026-11", amount=10000),
        opened("e-1", "D-1", "2026-11-02T09:00:00+07:00", stage="won", amount=4828.19),
        opened("e-2", "D-2", "2026-11-02T09:01:00+07:00", stage="negotiation", amount=4990, priority="should"),
        opened("e-3", "D-3", "2026-11-02T09:02:00+07:00", stage="quote", amount=1966.35, priority="should"),
        opened("e-4", "D-4", "2026-11-02T09:03:00+07:00", stage="quote", amount=500, priority="should"),
    )
    result = forecast(capsys, ledger, "2026-11", "2026-11-05")
    values = {d["deal"]: d["estimated_value"] for d in result["deals"]}
    assert values["D-2"] == Decimal("3992") and values["D-3"] == Decimal("1179.81")
    assert result["needed"] == Decimal("5171.81")
    assert result["promotions"] == ["D-2", "D-3"]


def test_an_exact_tie_is_broken_by_deal_id(write_ledger, capsys):
    # 700 x 0.7 and 1,225 x 0.4 are both exactly 490 (as floats: 489.99999999999994 and 490.00000000000003)
    ledger = write_ledger(
        line("stage_defined", "s-1", "2026-10-01T09:00:00+07:00", stage="negotiation", rate=0.7, lead_days=7,
             position=5),
        line("target_set", "t-1", "2026-11-01T09:00:00+07:00", period="2026-11", amount=100),
        opened("e-1", "D-A", "2026-11-01T09:01:00+07:00", stage="negotiation", amount=700, priority="should"),
        opened("e-2", "D-B", "2026-11-01T09:02:00+07:00", stage="proposal", amount=1225, priority="should"),
    )
    result = forecast(capsys, ledger, "2026-11", "2026-11-01")
    shoulds = [(d["deal"], d["estimated_value"]) for d in result["deals"]]
    assert shoulds == [("D-A", Decimal("490")), ("D-B", Decimal("490"))]
    assert result["promotions"] == ["D-A"]


def test_an_amount_above_10_to_the_13_is_refused_on_the_command_line(write_ledger, capsys):
    ledger = write_ledger(opened("e-1", "D-1", "2026-11-01T09:00:00+07:00"))
    before = ledger.read_bytes()
    code, _, err = cli(capsys, "amount", "D-1", "10000000000001", "--ledger", str(ledger))
    assert code != 0
    assert "10^13" in err
    assert ledger.read_bytes() == before
    code, _, err = cli(capsys, "amount", "D-1", "10000000000000", "--ledger", str(ledger))
    assert code == 0, err  # 10^13 itself is the largest amount


def test_huge_amounts_in_the_file_are_reported_and_the_forecast_still_runs(write_ledger, capsys):
    huge = "9" * 308
    ledger = write_ledger(
        line("target_set", "t-1", "2026-11-01T09:00:00+07:00", period="2026-11", amount=10000),
        opened("e-1", "D-1", "2026-11-02T09:00:00+07:00", stage="won", amount=2500),
        opened("e-2", "D-2", "2026-11-02T09:01:00+07:00", amount=10**13 + 1),
        f'{{"id":"e-3","ts":"2026-11-02T09:02:00+07:00","type":"deal_opened","deal":"D-3","name":"Deal D-3",'
        f'"owner":"lan","stage":"quote","amount":{huge},"priority":"must"}}',
    )
    code, out, err = cli(capsys, "check", "--ledger", str(ledger))
    assert code == 1
    said = out + err
    assert f"{ledger}:3:" in said and f"{ledger}:4:" in said
    result = forecast(capsys, ledger, "2026-11", "2026-11-05", expect=3)  # figures, with the problems named
    assert sorted(p["line"] for p in result["problems"]) == [3, 4]
    assert result["won"] == 2500 and result["progress"] == 2500
    assert [d["deal"] for d in result["deals"]] == ["D-1"]
