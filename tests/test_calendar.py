"""Issue 12, points 1, 2, 4 and 6: every day and month read in the ledger's calendar, through the command line."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import cli, line, opened

ROOT = Path(__file__).resolve().parent.parent
HCM = line("settings_changed", "s-1", "2026-08-01T09:00:00+07:00", tz="Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def utc_machine(tmp_path, monkeypatch):
    """A machine whose own clock reads UTC and whose user has no config: the ledger alone decides."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setenv("DEALBOOK_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("DEALBOOK_LEDGER", raising=False)
    yield
    monkeypatch.undo()
    time.tzset()


def forecast(capsys, ledger: Path, period: str, as_of: str) -> dict:
    code, out, err = cli(capsys, "forecast", "--ledger", str(ledger), "--period", period, "--as-of", as_of, "--json")
    assert code == 0, err
    return json.loads(out, parse_float=Decimal)


def events(ledger: Path) -> list[dict]:
    return [json.loads(x) for x in ledger.read_text().splitlines()]


# -- 1. one calendar: the ledger's zone, whoever writes ---------------------------------------------

def test_a_change_from_a_utc_shell_is_stamped_in_the_ledgers_zone(write_ledger):
    ledger = write_ledger(HCM, opened("e-1", "D-1", "2026-11-10T10:00:00+07:00"))
    env = {**os.environ, "TZ": "UTC", "DEALBOOK_CONFIG": str(ledger.with_name("no-config.toml"))}
    done = subprocess.run([sys.executable, "-m", "tui.cli", "note", "D-1", "call back", "--ledger", str(ledger)],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    stamped = events(ledger)[-1]
    assert stamped["type"] == "note_added"
    assert stamped["ts"].endswith("+07:00"), stamped["ts"]


def december_ledger(write_ledger) -> Path:
    """The issue's example in small: a team in Ho Chi Minh City, D-1198 in negotiation, targets for both months."""
    return write_ledger(
        HCM,
        line("target_set", "t-11", "2026-08-01T09:01:00+07:00", period="2026-11", amount=100000),
        line("target_set", "t-12", "2026-08-01T09:02:00+07:00", period="2026-12", amount=100000),
        opened("e-1", "D-1198", "2026-11-10T17:53:19+07:00", stage="negotiation", amount=10800,
               close_date="2026-12-03"),
    )


def test_a_win_at_1730_utc_on_30_november_is_a_december_win_for_a_team_at_plus_7(write_ledger, capsys):
    ledger = december_ledger(write_ledger)
    code, _, err = cli(capsys, "move", "D-1198", "won", "--ts", "2026-11-30T17:30:00Z", "--ledger", str(ledger))
    assert code == 0, err
    november = forecast(capsys, ledger, "2026-11", "2026-12-05")
    december = forecast(capsys, ledger, "2026-12", "2026-12-05")
    assert november["won"] == 0
    assert december["won"] == 10800
    assert [d["deal"] for d in december["deals"] if d["won_in_period"]] == ["D-1198"]


def test_the_forecast_stays_in_the_ledgers_zone_after_a_note_from_a_utc_machine(write_ledger, capsys):
    ledger = december_ledger(write_ledger)
    code, _, err = cli(capsys, "note", "D-1198", "send the PO", "--ledger", str(ledger))
    assert code == 0, err
    assert events(ledger)[-1]["ts"].endswith("+07:00")
    code, out, err = cli(capsys, "forecast", "--ledger", str(ledger), "--period", "2026-12", "--json")
    assert code == 0, err
    as_of = json.loads(out)["as_of"]
    assert as_of.endswith("+07:00"), as_of


def test_without_a_zone_a_note_from_a_utc_machine_keeps_the_ledgers_offset(write_ledger, capsys):
    # the issue's own example, on a ledger with no zone yet: every line at +07:00, one note from a UTC shell
    ledger = write_ledger(opened("e-1", "D-1198", "2026-11-10T17:53:19+07:00", stage="negotiation"))
    code, _, err = cli(capsys, "note", "D-1198", "send the PO", "--ledger", str(ledger))
    assert code == 0, err
    assert events(ledger)[-1]["ts"].endswith("+07:00")
    code, out, err = cli(capsys, "forecast", "--ledger", str(ledger), "--period", "2026-12", "--json")
    assert code == 0, err
    assert json.loads(out)["as_of"].endswith("+07:00")


def test_daylight_saving_time_a_win_at_2230_utc_on_30_september_is_1_october_in_berlin(write_ledger, capsys):
    # On 1 October Berlin is at +02:00 (summer time): 22:30Z is 00:30 local. A fixed +01:00 would say 23:30, 30 September.
    ledger = write_ledger(
        line("settings_changed", "s-1", "2026-08-01T09:00:00+02:00", tz="Europe/Berlin"),
        opened("e-1", "D-7", "2026-09-01T10:00:00+02:00", stage="negotiation", amount=5000),
    )
    code, _, err = cli(capsys, "move", "D-7", "won", "--ts", "2026-09-30T22:30:00Z", "--ledger", str(ledger))
    assert code == 0, err
    assert forecast(capsys, ledger, "2026-10", "2026-10-31")["won"] == 5000
    assert forecast(capsys, ledger, "2026-09", "2026-10-31")["won"] == 0


def test_settings_sets_the_zone_and_shows_it(write_ledger, capsys):
    ledger = write_ledger(opened("e-1", "D-1", "2026-11-10T10:00:00+07:00"))
    code, _, err = cli(capsys, "settings", "--tz", "Asia/Ho_Chi_Minh", "--ledger", str(ledger))
    assert code == 0, err
    last = events(ledger)[-1]
    assert last["type"] == "settings_changed" and last["tz"] == "Asia/Ho_Chi_Minh"
    code, out, err = cli(capsys, "settings", "--ledger", str(ledger))
    assert code == 0, err
    assert "tz: Asia/Ho_Chi_Minh" in out


def test_an_unknown_zone_is_refused_and_nothing_is_written(write_ledger, capsys):
    ledger = write_ledger(opened("e-1", "D-1", "2026-11-10T10:00:00+07:00"))
    before = ledger.read_bytes()
    code, out, err = cli(capsys, "settings", "--tz", "Mars/Olympus_Mons", "--ledger", str(ledger))
    assert code == 1
    assert "unknown time zone" in err and "Mars/Olympus_Mons" in err
    assert ledger.read_bytes() == before


# -- 2. a far-future ts never blocks a ledger ------------------------------------------------------

FAR = "2062-11-30T10:00:00+07:00"


def test_a_far_future_ts_is_refused_and_nothing_is_written(write_ledger, capsys):
    ledger = write_ledger(opened("e-1", "D-1220-1", "2026-11-10T10:00:00+07:00"))
    before = ledger.read_bytes()
    code, _, err = cli(capsys, "note", "D-1220-1", "x", "--ts", FAR, "--ledger", str(ledger))
    assert code == 1
    assert "5 minutes past" in err and "nothing was written" in err
    assert ledger.read_bytes() == before


def poisoned(write_ledger) -> Path:
    """A ledger that already holds a line stamped in 2062 (written by an older version), as line 2."""
    return write_ledger(
        opened("e-1", "D-1220-1", "2026-11-10T10:00:00+07:00"),
        line("note_added", "e-2", FAR, deal="D-1220-1", text="x"),
    )


def test_check_names_a_line_stamped_in_the_future(write_ledger, capsys):
    ledger = poisoned(write_ledger)
    code, out, err = cli(capsys, "check", "--ledger", str(ledger))
    assert code == 1
    said = out + err
    assert f"{ledger}:2:" in said
    assert "past this machine's clock" in said


def test_salvage_writes_a_new_ledger_without_the_future_line_and_a_record_of_it(write_ledger, capsys):
    ledger = poisoned(write_ledger)
    before = ledger.read_bytes()
    new = ledger.with_name("mended.jsonl")
    code, out, err = cli(capsys, "salvage", str(new), "--future", "--ledger", str(ledger))
    assert code == 0, err
    assert ledger.read_bytes() == before  # never edited in place
    assert new.read_bytes() == before.splitlines(keepends=True)[0]
    record = [json.loads(x) for x in new.with_name("mended.jsonl.left-out.jsonl").read_text().splitlines()]
    assert [(r["line"], json.loads(r["text"])["id"]) for r in record] == [(2, "e-2")]
    assert "past this machine's clock" in record[0]["reason"]
    # the new ledger takes changes again
    code, _, err = cli(capsys, "note", "D-1220-1", "y", "--ledger", str(new))
    assert code == 0, err


def test_the_writer_stamps_the_last_lines_ts_when_its_clock_is_behind_it(write_ledger, capsys):
    ahead = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)).astimezone(dt.timezone(dt.timedelta(hours=7)))
    ledger = write_ledger(opened("e-1", "D-1", ahead.isoformat()))
    code, _, err = cli(capsys, "note", "D-1", "x", "--ledger", str(ledger))
    assert code == 0, err
    stamped = dt.datetime.fromisoformat(events(ledger)[-1]["ts"])
    assert stamped == ahead


# -- 4. a ts read as the format says -----------------------------------------------------------------

def won_at(write_ledger, ts: str) -> Path:
    return write_ledger(
        line("target_set", "t-1", "2024-01-01T09:00:00+07:00", period="2024-01", amount=10000),
        opened("e-1", "D-1", "2024-01-02T09:00:00+07:00", stage="negotiation", amount=5000),
        line("stage_changed", "e-2", ts, deal="D-1", stage="won"),
    )


def test_seven_fractional_digits_before_midnight_stay_on_that_day(write_ledger, capsys):
    ledger = won_at(write_ledger, "2024-01-31T23:59:59.9999999+07:00")
    january = forecast(capsys, ledger, "2024-01", "2024-02-29")
    assert january["won"] == 5000 and january["problems"] == []
    assert forecast(capsys, ledger, "2024-02", "2024-02-29")["won"] == 0


def test_a_leap_second_is_the_last_instant_of_its_minute(write_ledger, capsys):
    ledger = won_at(write_ledger, "2024-01-31T23:59:60+07:00")
    code, out, err = cli(capsys, "check", "--ledger", str(ledger))
    assert code == 0, out + err
    assert forecast(capsys, ledger, "2024-01", "2024-02-29")["won"] == 5000
    assert forecast(capsys, ledger, "2024-02", "2024-02-29")["won"] == 0


# -- 6. split parts: the parent's won date, a part's null close date -----------------------------------

def test_a_part_split_off_a_won_deal_keeps_the_parents_won_month(write_ledger, capsys):
    ledger = write_ledger(
        opened("e-1", "D-1", "2026-10-05T10:00:00+07:00", stage="negotiation", amount=9000, close_date="2026-10-25"),
        line("stage_changed", "e-2", "2026-10-20T10:00:00+07:00", deal="D-1", stage="won"),
    )
    code, _, err = cli(capsys, "split", "D-1", "--part", "D-1a:4k:must", "--part", "D-1b:5k:should",
                       "--ts", "2026-11-05T10:00:00+07:00", "--ledger", str(ledger))
    assert code == 0, err
    october = forecast(capsys, ledger, "2026-10", "2026-11-20")
    assert october["won"] == 9000
    assert sorted(d["deal"] for d in october["deals"] if d["won_in_period"]) == ["D-1a", "D-1b"]
    assert forecast(capsys, ledger, "2026-11", "2026-11-20")["won"] == 0


def test_a_parts_null_close_date_is_none_not_the_parents(write_ledger, capsys):
    ledger = write_ledger(
        opened("e-1", "D-1", "2026-10-05T10:00:00+07:00", amount=9000, close_date="2026-12-20"),
        line("deal_split", "e-2", "2026-10-10T10:00:00+07:00", deal="D-1",
             parts=[{"deal": "D-1a", "amount": 4000, "priority": "must", "close_date": None},
                    {"deal": "D-1b", "amount": 5000, "priority": "must"}]),
    )
    november = forecast(capsys, ledger, "2026-11", "2026-11-01")
    parts = {d["deal"]: d for d in november["deals"]}
    assert parts["D-1a"]["close_date"] is None and parts["D-1a"]["counts"] is True
    assert parts["D-1b"]["close_date"] == "2026-12-20" and parts["D-1b"]["counts"] is False
    assert november["progress"] == Decimal("2400")  # D-1a alone: 4,000 x quote's 0.6
