"""--format tsv: a header line, one row a line, exact values, user text escaped and never cut."""

from __future__ import annotations

import re

from conftest import line, opened
from hypothesis import given
from hypothesis import strategies as st

from queries import export
from tui.cli import main
from tui.cli.tsv import escaped

LONG_ID = "SF-0065g00000AbCdE1AAXYZ"
NAME = "Tab\there, a newline\nand a back\\slash \x1b[31mred"


def unescaped(text: str) -> str:
    table = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
    return re.sub(r"\\(?:[\\tnr]|x[0-9a-f]{2})",
                  lambda m: table.get(m[0]) or chr(int(m[0][2:], 16)), text)


@given(st.text())
def test_escaping_keeps_every_field_on_one_line_and_loses_nothing(text):
    field = escaped(text)
    assert "\t" not in field and "\n" not in field and "\r" not in field
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in field)  # no raw control code
    assert unescaped(field) == text


def ledger_of(write_ledger):
    return write_ledger(line("target_set", "t1", period="2026-10", amount=10000),
                        opened("e1", LONG_ID, name=NAME, amount=1234.5, stage="quote"),
                        opened("e2", "D-2", amount=100.10, priority="should"))


def rows_of(out: str) -> list[list[str]]:
    assert out.endswith("\n")
    return [row.split("\t") for row in out[:-1].split("\n")]


def test_forecast_as_tsv(write_ledger, capsys):
    path = ledger_of(write_ledger)
    assert main(["--ledger", str(path), "forecast", "--period", "2026-10", "--as-of", "2026-10-02",
                 "--format", "tsv"]) == 0
    header, *rows = rows_of(capsys.readouterr().out)
    assert header == [name for name, _ in export.FORECAST]
    by_deal = {row[header.index("deal")]: dict(zip(header, row)) for row in rows}
    assert set(by_deal) == {LONG_ID, "D-2"} and all(len(row) == len(header) for row in rows)
    first = by_deal[LONG_ID]
    assert unescaped(first["name"]) == NAME and "\\x1b" in first["name"]
    assert first["amount"] == "1234.5" and first["estimated_value"] == "740.7"  # 60% of 1234.5, exact
    assert by_deal["D-2"]["amount"] == "100.1" and first["counts"] == "true" and first["due"] == ""


def test_replay_and_changes_as_tsv(write_ledger, capsys):
    path = ledger_of(write_ledger)
    assert main(["--ledger", str(path), "replay", "--period", "2026-10", "--format", "tsv"]) == 0
    header, *days = rows_of(capsys.readouterr().out)
    assert header == [name for name, _ in export.REPLAY] and days and days[0][1] == "2026-10-01"
    assert main(["--ledger", str(path), "changes", "--from", "2026-09-30", "--to", "2026-10-02",
                 "--format", "tsv"]) == 0
    header, *rows = rows_of(capsys.readouterr().out)
    assert header == [name for name, _ in export.CHANGES]
    assert LONG_ID in [row[header.index("deal")] for row in rows]


def test_log_as_tsv_whole_and_filtered(write_ledger, capsys):
    path = ledger_of(write_ledger)
    assert main(["--ledger", str(path), "log", "--format", "tsv"]) == 0
    header, *rows = rows_of(capsys.readouterr().out)
    assert header == [name for name, _ in export.LOG] and [row[0] for row in rows] == ["1", "2", "3"]
    assert main(["--ledger", str(path), "log", "--format", "tsv", "--deal", LONG_ID]) == 0
    _, *rows = rows_of(capsys.readouterr().out)
    (row,) = rows
    fields = dict(zip(header, row))
    assert fields["line"] == "2" and fields["deal"] == LONG_ID and fields["type"] == "deal_opened"
    assert fields["amount"] == "1234.5" and unescaped(fields["name"]) == NAME
    assert unescaped(fields["event"]) == path.read_text().splitlines()[1]  # the line itself, whole


def test_the_log_table_never_cuts_an_id(write_ledger, capsys):
    path = ledger_of(write_ledger)
    assert main(["--ledger", str(path), "log"]) == 0
    assert LONG_ID in capsys.readouterr().out
