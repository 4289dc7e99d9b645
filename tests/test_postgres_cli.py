"""`dealbook init URL` and `dealbook copy FILE URL` against a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ledger import postgres
from tests.conftest import opened
from tui.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample_events.jsonl"


def rows(url: str) -> list[str]:
    where = postgres.parse_url(url)
    with postgres.connect(where) as conn:
        return [text for _, text in postgres.read_from(conn, where.table)]


def test_init_creates_the_table_then_changes_nothing(pg_url, capsys):
    assert main(["init", pg_url]) == 0
    assert "created the ledger table" in capsys.readouterr().out
    assert main(["init", pg_url]) == 0
    assert "already a ledger table; nothing changed" in capsys.readouterr().out


def test_init_of_a_url_without_a_table_says_what_to_add(pg_server, capsys):
    assert main(["init", pg_server.url()]) == 1
    assert "add one `?table=NAME`" in capsys.readouterr().err


def test_copy_puts_the_sample_line_for_line_and_a_second_run_copies_nothing(pg_url, capsys):
    main(["init", pg_url])
    capsys.readouterr()
    lines = SAMPLE.read_text().split("\n")[:-1]
    assert main(["copy", str(SAMPLE), pg_url]) == 0
    assert f"copied {len(lines)} line(s)" in capsys.readouterr().out
    assert rows(pg_url) == lines  # verbatim, in order
    assert main(["copy", str(SAMPLE), pg_url]) == 0
    assert f"copied 0 line(s) of {SAMPLE}" in capsys.readouterr().out
    assert rows(pg_url) == lines


def test_copy_goes_on_from_a_prefix(pg_url, write_ledger, capsys):
    main(["init", pg_url])
    first = write_ledger(opened("a", "D-1"), opened("b", "D-2"), name="first.jsonl")
    both = write_ledger(opened("a", "D-1"), opened("b", "D-2"), opened("c", "D-3"), name="both.jsonl")
    assert main(["copy", str(first), pg_url]) == 0
    assert main(["copy", str(both), pg_url]) == 0
    assert "copied 1 line(s)" in capsys.readouterr().out.splitlines()[-1]
    assert rows(pg_url) == both.read_text().split("\n")[:-1]


def test_copy_refuses_a_table_holding_other_lines(pg_url, write_ledger, capsys):
    main(["init", pg_url])
    mine = write_ledger(opened("a", "D-1"), name="mine.jsonl")
    theirs = write_ledger(opened("z", "D-9"), name="theirs.jsonl")
    assert main(["copy", str(theirs), pg_url]) == 0
    capsys.readouterr()
    assert main(["copy", str(mine), pg_url]) == 1
    assert "holds other lines than" in capsys.readouterr().err
    assert rows(pg_url) == theirs.read_text().split("\n")[:-1]


@pytest.mark.parametrize("content, said", [
    ((opened("a", "D-1"), opened("a", "D-2")), "has problems"),
    ((opened("a", "D-1"), b'{"id":"b","ts":"2026-10-01T08:00:00+07:00"'), "cut off"),
])
def test_copy_refuses_a_file_with_problems_and_copies_nothing(pg_url, write_ledger, capsys, content, said):
    main(["init", pg_url])
    path = write_ledger(*content)
    assert main(["copy", str(path), pg_url]) == 1
    err = capsys.readouterr().err
    assert said in err and "nothing was copied" in err
    assert rows(pg_url) == []


def test_copy_into_a_missing_table_says_to_init(pg_url, capsys):
    assert main(["copy", str(SAMPLE), pg_url]) == 1
    assert "dealbook init" in capsys.readouterr().err


def test_salvage_of_a_table_writes_a_new_file_and_says_to_copy_it_into_a_new_table(pg_url, write_ledger, tmp_path,
                                                                                   capsys):
    main(["init", pg_url])
    where = postgres.parse_url(pg_url)
    good = [opened("a", "D-1"), opened("b", "D-2"), opened("c", "D-3")]
    with postgres.connect(where) as conn:  # a line stamped far ahead, as a broken clock would (no check here)
        postgres.append_lines(conn, where.table, 0, [*good, opened("d", "D-4", "2099-01-01T00:00:00+00:00")],
                              lambda rows: None)
    new = tmp_path / "salvaged.jsonl"
    capsys.readouterr()
    assert main(["salvage", str(new), "--line", "2", "--future", "--ledger", pg_url]) == 0
    out = capsys.readouterr().out
    assert new.read_text() == good[0] + "\n" + good[2] + "\n"
    record = (tmp_path / "salvaged.jsonl.left-out.jsonl").read_text().splitlines()
    assert [json.loads(r)["line"] for r in record] == [2, 4] and json.loads(record[0])["from"] == str(where)
    assert "dealbook copy" in out and len(rows(pg_url)) == 4  # the table itself is never changed
    assert main(["salvage", pg_url + "_b", "--line", "1", "--ledger", pg_url]) == 1
    assert "salvage writes a new FILE" in capsys.readouterr().err
