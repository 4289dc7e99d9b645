"""`dealbook copy URL FILE`: a table into a file, line for line, and the round trips both ways, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger import postgres
from ledger.pgcopy import copy_to_file
from tests.conftest import line, opened
from tui.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample_events.jsonl"


def rows(url: str) -> list[str]:
    where = postgres.parse_url(url)
    with postgres.connect(where) as conn:
        return [text for _, text in postgres.read_from(conn, where.table)]


def other_table(url: str) -> str:
    where = postgres.parse_url(url)
    return url.replace(f"table={where.table}", f"table={where.table}_b")


def test_file_to_table_to_file_is_byte_for_byte_and_a_second_run_copies_nothing(pg_url, tmp_path, capsys):
    assert main(["init", pg_url]) == 0 and main(["copy", str(SAMPLE), pg_url]) == 0
    back = tmp_path / "back.jsonl"
    capsys.readouterr()
    assert main(["copy", pg_url, str(back)]) == 0
    lines = SAMPLE.read_bytes().count(b"\n")
    assert f"copied {lines} line(s)" in capsys.readouterr().out
    assert back.read_bytes() == SAMPLE.read_bytes()
    assert main(["copy", pg_url, str(back)]) == 0
    assert "copied 0 line(s)" in capsys.readouterr().out
    assert back.read_bytes() == SAMPLE.read_bytes()
    assert not list(tmp_path.glob(".back.jsonl.copy-*"))  # the temporary file is gone


def test_table_to_file_to_table_is_row_for_row(pg_url, tmp_path, capsys):
    text = [opened("a", "D-1"), line("note_added", "b", deal="D-1", text="caf\u00e9 \u2713 \U0001F600"), opened("c", "D-2")]
    source = tmp_path / "source.jsonl"
    source.write_text("".join(t + "\n" for t in text), encoding="utf-8")
    assert main(["init", pg_url]) == 0 and main(["copy", str(source), pg_url]) == 0
    middle = tmp_path / "middle.jsonl"
    second = other_table(pg_url)
    assert main(["copy", pg_url, str(middle)]) == 0
    assert main(["init", second]) == 0 and main(["copy", str(middle), second]) == 0
    assert rows(second) == rows(pg_url) == text


def test_a_file_holding_a_prefix_gets_the_rest_and_one_holding_other_lines_is_refused(pg_url, tmp_path, capsys):
    main(["init", pg_url])
    full = tmp_path / "full.jsonl"
    full.write_text("".join(t + "\n" for t in (opened("a", "D-1"), opened("b", "D-2"), opened("c", "D-3"))))
    main(["copy", str(full), pg_url])
    prefix = tmp_path / "prefix.jsonl"
    prefix.write_bytes(b"".join(full.read_bytes().splitlines(keepends=True)[:2]))
    capsys.readouterr()
    assert main(["copy", pg_url, str(prefix)]) == 0
    assert "copied 1 line(s)" in capsys.readouterr().out and prefix.read_bytes() == full.read_bytes()

    other = tmp_path / "other.jsonl"
    other.write_text(opened("a", "D-1") + "\n" + opened("z", "D-9") + "\n")
    before = other.read_bytes()
    assert main(["copy", pg_url, str(other)]) == 1
    err = capsys.readouterr().err
    assert "holds other lines than the table" in err and "line 2" in err and "Nothing was copied" in err
    assert other.read_bytes() == before

    longer = tmp_path / "longer.jsonl"
    longer.write_bytes(full.read_bytes() + (opened("d", "D-4") + "\n").encode())
    assert main(["copy", pg_url, str(longer)]) == 1
    assert "holds only 3 row(s)" in capsys.readouterr().err

    killed = tmp_path / "killed.jsonl"  # a copy killed mid-line: that line is written again, whole
    killed.write_bytes(full.read_bytes()[:-5])
    assert main(["copy", pg_url, str(killed)]) == 0
    assert "copied 1 line(s)" in capsys.readouterr().out and killed.read_bytes() == full.read_bytes()

    cut = tmp_path / "cut.jsonl"  # a cut-off line that is not the next row's start: refused, left as it is
    cut.write_bytes(full.read_bytes()[:-5] + b"X")
    assert main(["copy", pg_url, str(cut)]) == 1
    assert "was cut off" in capsys.readouterr().err and cut.read_bytes() == full.read_bytes()[:-5] + b"X"


def test_a_failed_write_leaves_the_file_as_it_was(pg_url, tmp_path, monkeypatch):
    main(["init", pg_url])
    full = tmp_path / "full.jsonl"
    full.write_text("".join(t + "\n" for t in (opened("a", "D-1"), opened("b", "D-2"))))
    main(["copy", str(full), pg_url])
    prefix = tmp_path / "prefix.jsonl"
    prefix.write_text(opened("a", "D-1") + "\n")
    before = prefix.read_bytes()

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ledger.pgcopy.os.fsync", full_disk)
    with pytest.raises(postgres.LedgerError, match="No space left"):
        copy_to_file(pg_url, prefix)
    assert prefix.read_bytes() == before
    with pytest.raises(postgres.LedgerError, match="No space left"):
        copy_to_file(pg_url, tmp_path / "new.jsonl")
    assert not (tmp_path / "new.jsonl").exists() and not list(tmp_path.glob(".new.jsonl.copy-*"))


@pytest.mark.parametrize("argv, said", [
    (["a.jsonl", "b.jsonl"], "neither"),
    (["{url}", "{url}"], "copy it into a file first"),
])
def test_copy_between_two_files_or_two_tables_says_what_to_do(pg_url, capsys, argv, said):
    assert main(["copy", *(a.format(url=pg_url) for a in argv)]) == 1
    assert said in capsys.readouterr().err
