"""Issue 12, points 5, 7 and 8: no target is never "on track", input is never read as something else, whatif lists real changes."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import cli, line, opened


pytestmark = pytest.mark.usefixtures("no_config")


def as_json(text: str) -> dict:
    return json.loads(text, parse_float=Decimal)


def events(ledger: Path) -> list[dict]:
    return [json.loads(x) for x in ledger.read_text().splitlines()]


# -- 5. no target is no target ----------------------------------------------------------------------

def fourth_quarter(write_ledger) -> Path:
    """Targets for October and November only; a deal won in December."""
    return write_ledger(
        line("target_set", "t-10", "2026-09-01T09:00:00+07:00", period="2026-10", amount=1000),
        line("target_set", "t-11", "2026-09-01T09:01:00+07:00", period="2026-11", amount=2000),
        opened("e-1", "D-1", "2026-12-01T00:30:00+07:00", stage="won", amount=85525),
        opened("e-2", "D-2", "2026-12-01T00:31:00+07:00", stage="quote", amount=5000, priority="should"),
    )


def test_a_month_without_a_target_says_no_target_and_never_on_track(write_ledger, capsys):
    ledger = fourth_quarter(write_ledger)
    args = ["forecast", "--ledger", str(ledger), "--period", "2026-12", "--as-of", "2026-12-10"]
    code, out, err = cli(capsys, *args, "--json")
    assert code == 0, err
    result = as_json(out)
    assert result["target"] is None and result["needed"] is None and result["chance"] is None
    assert result["on_track"] is None and result["promotions"] == []
    assert result["won"] == 85525
    code, out, err = cli(capsys, *args)
    assert code == 0, err
    assert "no target" in out and "on track" not in out


def test_whatif_without_a_target_never_says_on_track(write_ledger, capsys):
    ledger = fourth_quarter(write_ledger)
    args = ["whatif", "--ledger", str(ledger), "--period", "2026-12", "--as-of", "2026-12-10", "--lose", "D-2"]
    code, out, err = cli(capsys, *args, "--json")
    assert code == 0, err
    result = as_json(out)
    for side in ("baseline", "scenario"):
        assert result[side]["target"] is None and result[side]["on_track"] is None
    code, out, err = cli(capsys, *args)
    assert code == 0, err
    assert re.search(r"On track\s+no target\s+no target", out), out
    assert not re.search(r"On track\s+yes", out)


def test_a_quarter_without_its_own_target_sums_its_months(write_ledger, capsys):
    ledger = fourth_quarter(write_ledger)
    code, out, err = cli(capsys, "forecast", "--ledger", str(ledger), "--period", "2026-Q4", "--as-of", "2026-12-10",
                         "--json")
    assert code == 0, err
    result = as_json(out)
    assert result["target"] == 3000
    assert result["won"] == 85525 and result["on_track"] is True


def test_a_target_for_a_year(write_ledger, capsys):
    ledger = write_ledger(line("target_set", "t-10", "2026-09-01T09:00:00+07:00", period="2026-10", amount=1000))
    code, out, err = cli(capsys, "target", "2027", "1.2m", "--ledger", str(ledger))
    assert code == 0, err
    assert events(ledger)[-1]["period"] == "2027" and events(ledger)[-1]["amount"] == 1200000
    code, out, err = cli(capsys, "forecast", "--ledger", str(ledger), "--period", "2027", "--as-of", "2026-12-10",
                         "--json")
    assert code == 0, err
    result = as_json(out)
    assert result["period_start"] == "2027-01-01" and result["period_end"] == "2027-12-31"
    assert result["target"] == 1200000 and result["won"] == 0


# -- 7. input read as written, or refused ----------------------------------------------------------------

@pytest.fixture
def team(write_ledger):
    return write_ledger(
        opened("e-1", "D-1", "2026-09-20T09:00:00+07:00", stage="negotiation", amount=10000, close_date="2026-10-20"),
        opened("e-2", "D-2", "2026-09-20T09:01:00+07:00", owner="marco", priority="should"),
    )


def amount_stored(capsys, ledger: Path, text: str) -> Decimal | None:
    """The amount D-1 holds after `dealbook amount D-1 TEXT`, or None when it was refused (nothing written)."""
    before = ledger.read_bytes()
    code, _, _ = cli(capsys, "amount", "D-1", text, "--ledger", str(ledger))
    if code != 0:
        assert ledger.read_bytes() == before
        return None
    return Decimal(str(events(ledger)[-1]["amount"]))


def test_an_amount_that_reads_two_ways_is_refused_with_both_readings(team, capsys):
    before = team.read_bytes()
    code, _, err = cli(capsys, "amount", "D-1", "12.500", "--ledger", str(team))
    assert code != 0
    assert "12.5" in err and "12,500" in err and "decimal mark" in err
    assert team.read_bytes() == before


def test_comma_amounts_are_never_read_a_thousand_times_too_big(team, capsys):
    # old main stored 4,5k as 45,000 and 12,5 as 125: without a configured mark they are refused
    assert amount_stored(capsys, team, "4,5k") is None
    assert amount_stored(capsys, team, "12,5") is None


def test_4_5k_and_12_5_are_refused_without_a_decimal_mark(team, capsys):
    for text in ("4,5k", "12,5"):
        code, _, err = cli(capsys, "amount", "D-1", text, "--ledger", str(team))
        assert code != 0 and "reads two ways" in err, text


def test_the_configured_decimal_mark_reads_each_amount_one_way(team, capsys, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("DEALBOOK_CONFIG", str(config))
    config.write_text('decimal_mark = ","\n')
    assert amount_stored(capsys, team, "4,5k") == Decimal(4500)
    assert amount_stored(capsys, team, "12,5") == Decimal("12.5")
    assert amount_stored(capsys, team, "12.500") == Decimal(12500)
    config.write_text('decimal_mark = "."\n')
    assert amount_stored(capsys, team, "12.500") == Decimal("12.5")
    assert amount_stored(capsys, team, "12,500") == Decimal(12500)
    assert amount_stored(capsys, team, "12,5") is None


def test_a_change_that_changes_nothing_writes_nothing_and_exits_0(team, capsys):
    before = team.read_bytes()
    code, out, err = cli(capsys, "priority", "D-2", "should", "--ledger", str(team))
    assert code == 0, err
    assert "nothing" in out and "already" in out
    assert team.read_bytes() == before


def test_a_scenario_committed_twice_writes_nothing_the_second_time_and_exits_0(team, capsys, tmp_path):
    scenario = tmp_path / "scenario.jsonl"
    scenario.write_text('{"type":"priority_changed","deal":"D-1","priority":"should"}\n')
    args = ["whatif", "--ledger", str(team), "--scenario", str(scenario), "--commit"]
    code, _, err = cli(capsys, *args)
    assert code == 0, err
    once = team.read_bytes()
    code, out, err = cli(capsys, *args)
    assert team.read_bytes() == once
    assert "nothing" in out
    assert code == 0, out + err


def test_an_unknown_owner_is_refused_with_the_nearest_names_unless_new(team, capsys):
    before = team.read_bytes()
    code, _, err = cli(capsys, "owner", "D-1", "marko", "--ledger", str(team))
    assert code == 1
    assert "marco" in err and "--new-owner" in err
    assert team.read_bytes() == before
    code, _, err = cli(capsys, "owner", "D-1", "marko", "--new-owner", "--ledger", str(team))
    assert code == 0, err
    assert events(team)[-1]["owner"] == "marko"


def test_by_defaults_to_the_configured_name_else_the_login_name(team, capsys, tmp_path, monkeypatch):
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "login-of-lan")
    code, _, err = cli(capsys, "note", "D-1", "first", "--ledger", str(team))
    assert code == 0, err
    assert events(team)[-1]["by"] == "login-of-lan"
    config = tmp_path / "config.toml"
    config.write_text('name = "lan"\n')
    monkeypatch.setenv("DEALBOOK_CONFIG", str(config))
    code, _, err = cli(capsys, "note", "D-1", "second", "--ledger", str(team))
    assert code == 0, err
    assert events(team)[-1]["by"] == "lan"


def test_changes_from_a_date_takes_in_that_days_own_changes(team, capsys):
    code, _, err = cli(capsys, "amount", "D-1", "12000", "--ts", "2026-10-01T08:00:00+07:00", "--ledger", str(team))
    assert code == 0, err
    code, out, err = cli(capsys, "changes", "--ledger", str(team), "--from", "2026-10-01", "--to", "2026-10-05",
                         "--period", "2026-10", "--json")
    assert code == 0, err
    result = as_json(out)
    assert result["start"] == 8000 and result["end"] == 9600  # 10,000 then 12,000, x negotiation's 0.8
    assert [(d["deal"], d["amount"]) for d in result["deals"]] == [("D-1", 1600)]


# -- 8. whatif lists only what changed ---------------------------------------------------------------

def test_whatif_lists_only_the_deals_whose_counted_contribution_changed(write_ledger, capsys):
    ledger = write_ledger(
        line("target_set", "t-1", "2026-11-01T09:00:00+07:00", period="2026-11", amount=10000),
        opened("e-1", "D-1", "2026-11-01T09:01:00+07:00", stage="negotiation", amount=10000),
        opened("e-2", "D-2", "2026-11-01T09:02:00+07:00", stage="quote", amount=5000),
        opened("e-3", "D-3", "2026-11-01T09:03:00+07:00", stage="quote", amount=2000, priority="should"),
    )
    args = ["whatif", "--ledger", str(ledger), "--period", "2026-11", "--as-of", "2026-11-02", "--lose", "D-1"]
    code, out, err = cli(capsys, *args, "--json")
    assert code == 0, err
    result = as_json(out)
    assert result["baseline"]["on_track"] is True and result["scenario"]["promotions"] == ["D-3"]
    assert [c["deal"] for c in result["changed"]] == ["D-1"]  # D-3 is promoted, but still counts for 0
    code, out, err = cli(capsys, *args)
    assert code == 0, err
    assert "Deals whose contribution changed: 1" in out
