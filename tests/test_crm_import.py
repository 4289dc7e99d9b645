"""`dealbook import`: each CRM's export opens its deals; a re-import appends only what changed, and nothing half done."""

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from ledger import read_ledger
from queries.crm import BUILT_IN, MapError, detect
from tui.cli import main
from tui.cli.importing import CRMS

EXAMPLES = Path(__file__).parent / "crm"


def deals(ledger: Path) -> dict:
    read = read_ledger(ledger)
    assert read.ok, read.problems
    return read.state.deals


def types(ledger: Path, start: int = 0) -> list[tuple[str, str]]:
    return [(type(e).__struct_config__.tag, e.deal_id) for e in read_ledger(ledger).events[start:]]


def test_the_cli_names_every_built_in_map():
    assert sorted(CRMS) == sorted(BUILT_IN)


@pytest.mark.parametrize("crm", ["salesforce", "hubspot", "pipedrive", "zoho"])
def test_the_crm_is_detected_from_the_header_row(crm, tmp_path):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / f"{crm}.csv")]) == 0
    assert all(d.startswith(BUILT_IN[crm].prefix) for d in deals(ledger))


def test_a_header_no_map_fits_is_refused_with_what_to_do():
    with pytest.raises(MapError, match="--map"):
        detect(["Id", "Title", "Phase"])


def test_salesforce_export(tmp_path, capsys):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "salesforce.csv")]) == 0
    got = deals(ledger)
    acme = got["SF-0065g00000AbCdE1AA"]
    assert (acme.name, acme.account, acme.owner, acme.stage) == ("Acme, Inc. - renewal 2027", "Acme, Inc.",
                                                                 "Lan Nguyen", "negotiation")
    assert acme.amount == Decimal("12500") and acme.close_date == dt.date(2026, 12, 31)
    assert acme.next_action == "Send the final quote" and acme.priority == "should"
    lotus = got["SF-0065g00000AbCdF2AB"]
    assert lotus.name == 'Lotus Foods payroll "connector"' and lotus.amount == 8900.5 and lotus.next_action is None
    assert lotus.close_date == dt.date(2027, 1, 15) and lotus.stage == "lead"
    assert got["SF-0065g00000AbCdG3AC"].next_action == "Call the CFO,\nthen the CTO"  # a quoted line break
    assert got["SF-0065g00000AbCdH4AD"].stage == "won" and got["SF-0065g00000AbCdH4AD"].amount == 0


def test_hubspot_export_with_empty_cells(tmp_path):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "hubspot.csv")]) == 0
    got = deals(ledger)
    assert got["HS-18234567001"].stage == "negotiation" and got["HS-18234567001"].close_date == dt.date(2026, 12, 31)
    assert got["HS-18234567002"].close_date is None and got["HS-18234567002"].account is None
    assert got["HS-18234567003"].stage == "lost" and got["HS-18234567003"].amount == 0


def test_pipedrive_export_with_comma_decimals_dotted_dates_and_status(tmp_path):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "pipedrive.csv")]) == 0
    got = deals(ledger)
    assert got["PD-101"].amount == 12500 and got["PD-101"].close_date == dt.date(2026, 12, 31)
    assert got["PD-102"].amount == 8900.5 and got["PD-102"].stage == "lead"
    assert got["PD-103"].stage == "won"  # status Won wins over the stage it was won from


def test_zoho_export(tmp_path):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "zoho.csv")]) == 0
    got = deals(ledger)
    assert got["ZO-zcrm_5725767000000419002"].stage == "qualified"
    assert got["ZO-zcrm_5725767000000419003"].stage == "lost"
    assert got["ZO-zcrm_5725767000000419001"].next_action == "Send the final quote"


@pytest.mark.parametrize("crm", ["salesforce", "hubspot", "pipedrive", "zoho"])
def test_importing_the_same_file_twice_appends_nothing(crm, tmp_path, capsys):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / f"{crm}.csv")]) == 0
    before = ledger.read_bytes()
    capsys.readouterr()
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / f"{crm}.csv")]) == 0
    assert ledger.read_bytes() == before
    assert "nothing to append" in capsys.readouterr().out


def edited(tmp_path: Path, name: str, *swaps: tuple[str, str]) -> Path:
    text = (EXAMPLES / name).read_bytes().decode("utf-8")
    for old, new in swaps:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_a_changed_export_appends_exactly_the_changes(tmp_path):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "salesforce.csv")]) == 0
    count = len(read_ledger(ledger).events)
    changed = edited(tmp_path, "salesforce.csv",
                     ("Negotiation/Review", "Closed Won"),          # Acme: stage
                     ("$12,500.00", "$13,250.75"),                   # Acme: amount
                     ("USD 8,900.50", "USD 8,900.5"),                # Lotus: the same amount, written otherwise
                     ("1/15/2027", "2/1/2027"),                      # Lotus: close date
                     ("Minh Tran", "Thu Le"),                        # Lotus: owner
                     ("Call the CFO,\nthen the CTO", "Demo on Friday"))  # Oceanic: next step
    assert main(["--ledger", str(ledger), "import", str(changed)]) == 0
    assert types(ledger, count) == [
        ("amount_changed", "SF-0065g00000AbCdE1AA"), ("stage_changed", "SF-0065g00000AbCdE1AA"),
        ("owner_changed", "SF-0065g00000AbCdF2AB"), ("close_date_changed", "SF-0065g00000AbCdF2AB"),
        ("note_added", "SF-0065g00000AbCdG3AC"),
    ]
    got = deals(ledger)
    assert got["SF-0065g00000AbCdE1AA"].amount == 13250.75 and got["SF-0065g00000AbCdE1AA"].stage == "won"
    assert got["SF-0065g00000AbCdF2AB"].owner == "Thu Le"
    assert got["SF-0065g00000AbCdF2AB"].close_date == dt.date(2027, 2, 1)
    assert got["SF-0065g00000AbCdG3AC"].next_action == "Demo on Friday"
    before = ledger.read_bytes()
    assert main(["--ledger", str(ledger), "import", str(changed)]) == 0
    assert ledger.read_bytes() == before


def test_an_emptied_close_date_clears_it(tmp_path):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "hubspot.csv")]) == 0
    count = len(read_ledger(ledger).events)
    assert main(["--ledger", str(ledger), "import", str(edited(tmp_path, "hubspot.csv", ("2026-12-31 00:00", "")))]) == 0
    events = read_ledger(ledger).events[count:]
    assert [(type(e).__name__, e.close_date) for e in events] == [("CloseDateChanged", None)]


def test_a_renamed_deal_is_the_same_deal_and_a_missing_one_is_reported_not_closed(tmp_path, capsys):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "zoho.csv")]) == 0
    before = ledger.read_bytes()
    text = edited(tmp_path, "zoho.csv", ("Acme renewal", "Acme renewal (3 years)")).read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    (tmp_path / "zoho.csv").write_text("".join(l for l in lines if "419002" not in l), encoding="utf-8")
    capsys.readouterr()
    assert main(["--ledger", str(ledger), "import", str(tmp_path / "zoho.csv")]) == 0
    out = capsys.readouterr().out
    assert ledger.read_bytes() == before  # no new deal for the rename, nothing closed for the missing one
    assert "ZO-zcrm_5725767000000419002 (Lotus payroll)" in out and "left as they are" in out
    assert "Acme renewal -> Acme renewal (3 years)" in out
    assert deals(ledger)["ZO-zcrm_5725767000000419002"].stage == "qualified"


def test_bad_rows_append_nothing_and_are_each_reported_with_file_and_row(tmp_path, capsys):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "hubspot.csv")]) == 0
    before = ledger.read_bytes()
    bad = edited(tmp_path, "hubspot.csv",
                 ("Contract Sent", "Contract Signed"),  # row 2: unknown stage
                 ("2026-11-20,", "2026-11-31,"))        # row 4: no such day
    bad.write_bytes(bad.read_bytes() + b"18234567004,New deal,Closed Won,2026-12-01,Lan Nguyen,1500,Sales Pipeline,,,\r\n")
    capsys.readouterr()
    assert main(["--ledger", str(ledger), "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert ledger.read_bytes() == before  # the good new row was not appended either
    assert f"{bad}:2: deal 18234567001: unknown stage 'Contract Signed' (known: the hubspot stages " in err
    assert "contract sent" in err and "negotiation" in err  # the CRM's stages and the ledger's
    assert re.search(rf"{re.escape(str(bad))}:4: deal \d+: date '2026-11-31' is not a day of the calendar", err)
    assert "2 bad row(s) of" in err and "nothing was appended" in err and "--skip-bad" in err


def test_every_problem_of_a_bad_row_is_said_on_a_line_of_its_own(tmp_path, capsys):
    """One export fixes them all: a row with a bad date, stage and amount, and no owner, gets four lines, each
    with the file and row; it counts as one bad row."""
    ledger = tmp_path / "l.jsonl"
    bad = tmp_path / "deals.csv"
    bad.write_text("Record ID,Deal Name,Deal owner,Deal Stage,Amount,Close Date,Associated Company\n"
                   "7,Acme,,Weird Stage,abc,2026-13-01,Acme\n"
                   "8,Globex,Lan,Contract Sent,8000,2026-12-15,Globex\n")
    assert main(["--ledger", str(ledger), "import", str(bad)]) == 1
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if line.startswith(f"{bad}:2: deal 7: ")]
    assert [line.split(": ", 2)[2].split(" ")[0:2] for line in said] == [
        ["no", "owner;"], ["date", "'2026-13-01'"], ["unknown", "stage"], ["amount", "'abc'"]]
    assert "1 bad row(s) of 2" in err and not ledger.exists()


def test_rows_are_counted_as_lines_of_the_file_across_quoted_line_breaks(tmp_path, capsys):
    ledger = tmp_path / "l.jsonl"
    bad = edited(tmp_path, "salesforce.csv", ("Closed Won", "Won-ish"))  # the 4th record, after a 2-line cell
    assert main(["--ledger", str(ledger), "import", str(bad)]) == 1
    assert f"{bad}:6: deal 0065g00000AbCdH4AD: unknown stage 'Won-ish'" in capsys.readouterr().err
    assert not ledger.exists() or ledger.read_bytes() == b""


def test_skip_bad_appends_the_good_rows_and_lists_the_others(tmp_path, capsys):
    ledger = tmp_path / "l.jsonl"
    bad = edited(tmp_path, "pipedrive.csv", ("8.900,50 €", "8.900 €"))  # ambiguous without a mark
    assert main(["--ledger", str(ledger), "import", str(bad)]) == 1
    assert not ledger.exists() or ledger.read_bytes() == b""
    capsys.readouterr()
    assert main(["--ledger", str(ledger), "import", str(bad), "--skip-bad"]) == 0
    captured = capsys.readouterr()
    assert f"{bad}:3: deal 102: amount '8.900 €' is ambiguous: 8900 if '.' groups thousands, 8.900 if it is" in captured.err
    assert sorted(deals(ledger)) == ["PD-101", "PD-103"]
    assert main(["--ledger", str(ledger), "import", str(bad), "--decimal-mark", ","]) == 0
    assert deals(ledger)["PD-102"].amount == 8900


def test_dry_run_shows_the_events_and_writes_nothing(tmp_path, capsys):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "pipedrive.csv")]) == 0
    before = ledger.read_bytes()
    changed = edited(tmp_path, "pipedrive.csv", ("Lead In", "Contact Made"))
    capsys.readouterr()
    assert main(["--ledger", str(ledger), "import", str(changed), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert ledger.read_bytes() == before
    assert "would append: PD-102: moved to qualified" in out and "1 event(s) would be appended" in out


def test_an_ambiguous_date_needs_the_order(tmp_path, capsys):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("id,name,stage,owner,close_date\n1,Acme,quote,lan,03/04/2026\n2,Lotus,lead,lan,25/04/2026\n")
    crm_map = tmp_path / "team.toml"
    crm_map.write_text('[columns]\nid = "id"\nname = "name"\nstage = "stage"\nowner = "owner"\n'
                       'close_date = "close_date"\n')
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(sheet), "--map", str(crm_map)]) == 1
    err = capsys.readouterr().err
    assert f"{sheet}:2: deal 1: date '03/04/2026' is ambiguous: 2026-03-04 (month/day) or 2026-04-03 (day/month)" in err
    assert ":3:" not in err  # 25/04 reads one way only
    assert main(["--ledger", str(ledger), "import", str(sheet), "--map", str(crm_map), "--date-order", "dmy"]) == 0
    assert deals(ledger)["1"].close_date == dt.date(2026, 4, 3)
    odd = edited(tmp_path, "zoho.csv", ("12/15/2026", "03/04/2026"))
    assert main(["--ledger", str(tmp_path / "z.jsonl"), "import", str(odd), "--date-order", "dmy"]) == 1
    assert "date '12/31/2026' is not a day when read as day/month/year" in capsys.readouterr().err


def test_a_map_of_ones_own(tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Nr;Kunde;Titel;Phase;Wert;Abschluss;Verkäufer;Prio\n"
                     "7;Acme;Acme Ausbau;Angebot;1.250,50;31.12.2026;Lan Nguyen;A\n"
                     "8;;Lotus;Erstkontakt;900;;Minh Tran;\n", encoding="utf-8")
    crm_map = tmp_path / "team.toml"
    crm_map.write_text(
        'name = "sheet"\nprefix = "XL-"\ndecimal_mark = ","\npriority = "could"\n'
        '[columns]\nid = "Nr"\nname = "Titel"\nstage = "Phase"\namount = "Wert"\nclose_date = "Abschluss"\n'
        'owner = "Verkäufer"\naccount = "Kunde"\n'
        '[stages]\nAngebot = "quote"\nErstkontakt = "lead"\n'
        '[owners]\n"Lan Nguyen" = "lan"\n"Minh Tran" = "minh"\n', encoding="utf-8")
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(sheet), "--map", str(crm_map)]) == 0
    got = deals(ledger)
    assert (got["XL-7"].stage, got["XL-7"].amount, got["XL-7"].owner, got["XL-7"].priority) == (
        "quote", 1250.5, "lan", "could")
    assert got["XL-8"].account is None and got["XL-8"].owner == "minh" and got["XL-8"].amount == 900


def test_a_map_with_an_unknown_key_is_refused(tmp_path, capsys):
    crm_map = tmp_path / "team.toml"
    crm_map.write_text('base = "zoho"\ncolumn = {}\n')
    assert main(["--ledger", str(tmp_path / "l.jsonl"), "import", str(EXAMPLES / "zoho.csv"),
                 "--map", str(crm_map)]) == 1
    assert "column" in capsys.readouterr().err


def test_a_duplicate_record_id_is_a_bad_row(tmp_path, capsys):
    path = tmp_path / "hubspot.csv"
    shutil.copy(EXAMPLES / "hubspot.csv", path)
    path.write_bytes(path.read_bytes() + b"18234567001,Again,Closed Won,2026-12-01,Lan Nguyen,1,Sales Pipeline,,,\r\n")
    assert main(["--ledger", str(tmp_path / "l.jsonl"), "import", str(path)]) == 1
    assert f"{path}:5: record id '18234567001' again (first on row 2)" in capsys.readouterr().err


def test_import_and_export_modules_load_no_textual_and_the_cli_no_duckdb():
    import subprocess
    import sys

    code = ("import sys, queries.crm, queries.export; bad = 'textual' in sys.modules; "
            "import tui.cli; print(bad)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
    code = "import sys, tui.cli; print('duckdb' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_a_row_in_another_currency_is_a_bad_row(tmp_path, capsys):
    mixed = edited(tmp_path, "pipedrive.csv", ("8.900,50 €\",EUR", "8.900,50 $\",USD"))
    assert main(["--ledger", str(tmp_path / "l.jsonl"), "import", str(mixed)]) == 1
    assert f"{mixed}:3: deal 102: amount in USD, but row 2 is in EUR" in capsys.readouterr().err


def test_a_ledger_stamped_ahead_of_the_clock_takes_nothing(write_ledger, capsys):
    from tests.conftest import line

    ledger = write_ledger(line("target_set", "e1", ts="2099-01-01T00:00:00+00:00", period="2098-12", amount=1))
    before = ledger.read_bytes()
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "hubspot.csv")]) == 1
    assert ledger.read_bytes() == before and "clock" in capsys.readouterr().err


def test_by_is_recorded_on_every_event(tmp_path):
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "--by", "hana", "import", str(EXAMPLES / "zoho.csv")]) == 0
    assert {e.by for e in read_ledger(ledger).events} == {"hana"}


def test_deals_opened_without_a_priority_are_pointed_at_triage(tmp_path, capsys):
    """Progress counts only must-haves: an export with no priority opens every deal at the map's default and
    says what to do next; a file that gives priorities, or a re-import that opens nothing, says nothing of it."""
    ledger = tmp_path / "l.jsonl"
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "hubspot.csv")]) == 0
    out = capsys.readouterr().out
    opened = len({e.deal for e in read_ledger(ledger).events})
    assert f"{opened} deal(s) to open as should-have: the export has no priority" in out
    assert "`dealbook priority DEAL must`" in out
    assert main(["--ledger", str(ledger), "import", str(EXAMPLES / "hubspot.csv")]) == 0
    assert "priority" not in capsys.readouterr().out
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Record ID,Deal Name,Deal owner,Deal Stage,Amount,Priority\n9,Initech,Lan,Contract Sent,800,must\n")
    crm_map = tmp_path / "m.toml"
    crm_map.write_text('base = "hubspot"\n[columns]\npriority = "Priority"\n')
    assert main(["--ledger", str(tmp_path / "m.jsonl"), "import", str(sheet), "--map", str(crm_map)]) == 0
    assert "no priority" not in capsys.readouterr().out
