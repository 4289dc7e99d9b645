"""`dealbook forecast|replay|changes|calibrate`: JSON shapes, safe tables, and the layers kept apart."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from ledger.events import DealOpened, StageChanged, TargetSet, encode_event
from tui.cli import main

ICT = dt.timezone(dt.timedelta(hours=7))
TRICKY = "[bold red]Acme[/] \x1b[31mrenewal"


@pytest.fixture
def ledger(tmp_path):
    at = lambda day: dt.datetime(2026, 10, day, 9, tzinfo=ICT)  # noqa: E731
    events = [
        TargetSet(id="T", ts=at(1), period="2026-10", amount=20_000),
        DealOpened(id="O1", ts=at(1), deal="D-1", name=TRICKY, owner="[i]lan", stage="quote", amount=5_000,
                   priority="must"),
        DealOpened(id="O2", ts=at(2), deal="D-2", name="Beta", owner="minh", stage="quote", amount=9_000,
                   priority="should"),
        StageChanged(id="S1", ts=at(3), deal="D-1", stage="negotiation"),
    ]
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(b"".join(encode_event(e) for e in events))
    return path


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_forecast_json(ledger, capsys):
    doc = run_json(capsys, "forecast", "--ledger", str(ledger), "--as-of", "2026-10-05", "--json")
    assert {"period", "as_of", "owner", "target", "won", "progress", "needed", "chance", "on_track", "coverage",
            "deals", "promotions"} <= set(doc)
    assert (doc["period"], doc["as_of"], doc["owner"]) == ("2026-10", "2026-10-05T23:59:59.999999+07:00", None)
    assert (doc["progress"], doc["needed"], doc["chance"], doc["promotions"]) == (4_000, 16_000, 0.2, ["D-2"])
    first = doc["deals"][0]
    assert {"deal", "name", "owner", "stage", "priority", "amount", "estimated_value", "counts", "big"} <= set(first)
    assert (first["deal"], first["name"], first["estimated_value"], first["counts"]) == ("D-1", TRICKY, 4_000, True)
    owner = run_json(capsys, "forecast", "--ledger", str(ledger), "--as-of", "2026-10-05", "--owner", "minh",
                     "--big-at", "9k", "--period", "2026-q4", "--json")
    assert (owner["owner"], owner["period"], owner["deals"][0]["big"]) == ("minh", "2026-Q4", True)


def test_replay_json(ledger, capsys):
    doc = run_json(capsys, "replay", "--ledger", str(ledger), "--period", "2026-10", "--json")
    assert {"period", "owner", "target", "actual", "days", "checkpoints", "first_visible"} <= set(doc)
    assert len(doc["days"]) == 31  # October 2026 has ended
    assert {"date", "progress", "needed", "chance", "error"} <= set(doc["days"][0])
    assert [c["day"] for c in doc["checkpoints"]] == [7, 14, 21]
    assert {"day", "date", "error", "share", "verdict"} <= set(doc["checkpoints"][0])


def test_changes_json(ledger, capsys):
    doc = run_json(capsys, "changes", "--ledger", str(ledger), "--from", "2026-10-02", "--to", "2026-10-05",
                   "--json")
    assert {"period", "start", "end", "buckets", "deals"} <= set(doc)
    assert doc["period"] == "2026-10" and doc["start"] == 3_000 and doc["end"] == 4_000
    assert doc["buckets"]["stage_advanced"] == 1_000 and doc["buckets"]["new_deals"] == 0
    assert {"deal", "name", "owner", "cause", "amount", "events"} <= set(doc["deals"][0])


def test_calibrate_json(ledger, capsys):
    doc = run_json(capsys, "calibrate", "--ledger", str(ledger), "--json")
    assert [row["stage"] for row in doc][:2] == ["lead", "qualified"]
    assert {"stage", "rate", "measured_rate", "lead_days", "measured_lead_days", "deals"} <= set(doc[0])


@pytest.mark.parametrize("argv", [
    ["forecast", "--as-of", "2026-10-05"], ["forecast", "--as-of", "2026-10-05", "--limit", "0"],
    ["replay", "--period", "2026-10"], ["changes", "--from", "2026-10-01", "--to", "2026-10-05"], ["calibrate"],
])
def test_tables_show_user_text_as_data(ledger, capsys, argv):
    assert main([*argv, "--ledger", str(ledger)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    if argv[0] in ("forecast", "changes"):
        assert "[bold" in out  # markup shown literally, never applied


def test_errors_say_what_to_type(ledger, capsys):
    assert main(["forecast", "--ledger", str(ledger), "--as-of", "yesterday"]) == 1
    assert "--as-of must be a date" in capsys.readouterr().err
    assert main(["changes", "--ledger", str(ledger), "--from", "2026-10-05", "--to", "2026-10-01"]) == 1
    assert "after" in capsys.readouterr().err
    assert main(["forecast", "--ledger", str(ledger.with_name("missing.jsonl"))]) == 1
    with pytest.raises(SystemExit):
        main(["forecast", "--ledger", str(ledger), "--period", "2026-13"])


def loaded_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in out.split()}


def test_queries_and_the_report_commands_never_import_textual():
    assert "textual" not in loaded_after_import("queries")
    assert "textual" not in loaded_after_import("tui.cli.reports")
    assert "duckdb" not in loaded_after_import("tui.cli.reports")  # DuckDB loads only when a report runs
    assert "duckdb" not in loaded_after_import("ledger")
