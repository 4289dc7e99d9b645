"""`dealbook export`: reports written by DuckDB as CSV, Parquet or JSON, with money exact."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from queries import Store
from queries.export import money
from tests.conftest import line, opened
from tui.cli import main


@pytest.fixture
def ledger(write_ledger) -> Path:
    return write_ledger(
        line("target_set", "e0", period="2026-10", amount=20000),
        opened("e1", "D-1", name="Acme, Inc. \"renewal\"", amount=1234567.89, stage="negotiation",
               close_date="2026-10-20", account="Acme, Inc.").replace("1234567.89", "1234567.890"),
        opened("e2", "D-2", amount=2500, stage="quote", owner="minh"),
        line("note_added", "e3", deal="D-2", text="call\nback", due="2026-10-05"),
        line("stage_changed", "e4", ts="2026-10-02T09:00:00+07:00", deal="D-2", stage="won"),
    )


def test_pipeline_csv_keeps_money_exact_and_text_as_data(ledger, tmp_path):
    out = tmp_path / "pipeline.csv"
    assert main(["--ledger", str(ledger), "export", "pipeline", "-o", str(out), "--as-of", "2026-10-03"]) == 0
    rows = {r["deal"]: r for r in csv.DictReader(out.open(newline=""))}
    assert rows["D-1"]["amount"] == "1234567.89" and rows["D-2"]["amount"] == "2500.00"
    assert rows["D-1"]["name"] == 'Acme, Inc. "renewal"' and rows["D-1"]["account"] == "Acme, Inc."
    assert rows["D-2"]["next_action"] == "call\nback" and rows["D-2"]["due"] == "2026-10-05"
    assert rows["D-2"]["stage_kind"] == "won" and rows["D-1"]["close_date"] == "2026-10-20"


def test_parquet_types_money_as_decimal(ledger, tmp_path):
    out = tmp_path / "pipeline.parquet"
    assert main(["--ledger", str(ledger), "export", "pipeline", "-o", str(out)]) == 0
    con = duckdb.connect()
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{out}')").fetchall())
    assert types["amount"].startswith("DECIMAL") and types["close_date"] == "DATE" and types["version"] == "BIGINT"
    amounts = dict(con.execute(f"SELECT deal, amount FROM '{out}'").fetchall())
    assert amounts == {"D-1": Decimal("1234567.89"), "D-2": Decimal("2500")}


def test_forecast_json(ledger, tmp_path):
    out = tmp_path / "forecast.json"
    assert main(["--ledger", str(ledger), "export", "forecast", "--period", "2026-10", "--as-of", "2026-10-03",
                 "-o", str(out)]) == 0
    rows = json.loads(out.read_text(), parse_float=Decimal)
    assert {r["deal"] for r in rows} == {"D-1", "D-2"}
    acme = next(r for r in rows if r["deal"] == "D-1")
    with Store.open(ledger, cache=False) as store:
        forecast = store.forecast(period="2026-10", as_of="2026-10-03")
    engine = next(d for d in forecast.deals if d.deal == "D-1")
    # the figure the engine computed, neither rounded nor widened (987654.312 once the engine computes in Decimal)
    assert acme["amount"] == Decimal("1234567.89") and acme["estimated_value"] == money(engine.estimated_value)
    assert abs(acme["estimated_value"] - Decimal("987654.312")) < Decimal("0.000001")
    assert {r["deal"]: r["counts"] for r in rows} == {d.deal: d.counts for d in forecast.deals}


def test_replay_changes_and_log(ledger, tmp_path, capsys):
    for report, extra in [("replay", ["--period", "2026-10"]), ("changes", ["--from", "2026-10-01", "--to", "2026-10-03"]),
                          ("log", [])]:
        out = tmp_path / f"{report}.csv"
        assert main(["--ledger", str(ledger), "export", report, "-o", str(out), *extra]) == 0
    log = list(csv.DictReader((tmp_path / "log.csv").open(newline="")))
    assert [r["type"] for r in log] == ["target_set", "deal_opened", "deal_opened", "note_added", "stage_changed"]
    assert log[1]["amount"] == "1234567.890" and json.loads(log[1]["event"])["name"] == 'Acme, Inc. "renewal"'
    changes = list(csv.DictReader((tmp_path / "changes.csv").open(newline="")))
    assert any(r["deal"] == "D-2" and r["cause"] == "won" and Decimal(r["change"]) > 0 for r in changes)
    replay = list(csv.DictReader((tmp_path / "replay.csv").open(newline="")))
    assert replay[0]["date"] == "2026-10-01" and len(replay) == 31


def test_an_export_without_a_format_or_changes_without_from_is_refused(ledger, tmp_path, capsys):
    assert main(["--ledger", str(ledger), "export", "pipeline", "-o", str(tmp_path / "x.txt")]) == 1
    assert "--format" in capsys.readouterr().err
    assert main(["--ledger", str(ledger), "export", "changes", "-o", str(tmp_path / "x.csv")]) == 1
    assert "--from" in capsys.readouterr().err


def test_a_csv_never_hands_a_spreadsheet_a_formula(write_ledger, tmp_path):
    from conftest import opened

    path = write_ledger(opened("e1", "D-1", name='=HYPERLINK("http://x.example","win")', owner="+lan"),
                        opened("e2", "D-2", name="-5 % off", account="@acme"), opened("e3", "D-3", name="Plain"))
    out, raw, js = tmp_path / "p.csv", tmp_path / "raw.csv", tmp_path / "p.json"
    for target, extra in ((out, []), (raw, ["--raw-text"]), (js, [])):
        assert main(["--ledger", str(path), "export", "pipeline", "-o", str(target), *extra]) == 0
    rows = {r["deal"]: r for r in csv.DictReader(out.open(newline=""))}
    assert rows["D-1"]["name"] == '\'=HYPERLINK("http://x.example","win")' and rows["D-1"]["owner"] == "'+lan"
    assert (rows["D-2"]["name"], rows["D-2"]["account"], rows["D-3"]["name"]) == ("'-5 % off", "'@acme", "Plain")
    assert {r["deal"]: r["name"] for r in csv.DictReader(raw.open(newline=""))}["D-1"].startswith("=HYPERLINK")
    assert {r["deal"]: r["name"] for r in json.loads(js.read_text())}["D-1"].startswith("=HYPERLINK")  # data kept


def test_the_report_commands_print_csv_a_spreadsheet_opens_as_it_is(write_ledger, capsys):
    from conftest import line, opened

    path = write_ledger(line("target_set", "t1", period="2026-10", amount=10000),
                        opened("e1", "D-1", name="=cmd|' /C calc'!A0", amount=1234567.89, stage="negotiation"),  # written 1234567.89
                        opened("e2", "D-2", name="Plain, with a comma", amount=2500))
    assert main(["--ledger", str(path), "forecast", "--period", "2026-10", "--as-of", "2026-10-03",
                 "--format", "csv"]) == 0
    rows = {r["deal"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["D-1"]["name"].startswith("'=cmd") and rows["D-2"]["name"] == "Plain, with a comma"
    assert (rows["D-1"]["amount"], rows["D-1"]["estimated_value"]) == ("1234567.89", "987654.312")  # exact
    assert (rows["D-1"]["counts"], rows["D-1"]["close_date"]) == ("true", "")
    assert main(["--ledger", str(path), "replay", "--period", "2026-10", "--format", "csv"]) == 0
    days = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert days[0]["date"] == "2026-10-01" and days[0]["target"] == "10000"
