"""Hostile text: escape sequences and invisible characters in ids, names and stages are shown, never obeyed."""

from __future__ import annotations

import html
import sys
import unicodedata

import pytest

from conftest import line, opened
from ledger.problems import quote
from test_board_app import SIZE, event, make_app, settle
from tui.cli import main
from tui.text import cell, plain

ANSI = "\x1b[31mred\x1b[0m"


def test_every_invisible_character_is_escaped():
    invisible = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cf", "Zl", "Zp")]
    for ch in invisible:
        assert ch not in plain(f"a{ch}b"), f"U+{ord(ch):04X} is shown as it is"
    assert plain("D-\u200b1") == "D-\\u200b1" and plain("\u202eevil") == "\\u202eevil"
    assert plain("\U000e0041") == "\\U000e0041" and quote("x\ufeff") == "x\\ufeff"
    assert plain("Nguyễn Văn Ánh 株式会社 ü") == "Nguyễn Văn Ánh 株式会社 ü"  # visible text stays as it is
    assert cell("D-\u2066x\u2069").plain == "D-\\u2066x\\u2069"


def test_a_stage_name_with_an_escape_sequence_is_printed_inert(write_ledger, capsys):
    path = write_ledger(opened("e1", "D-1"))
    assert main(["--ledger", str(path), "stage", ANSI, "--rate", "0.5", "--lead-days", "3", "--position", "9"]) == 0
    assert main(["--ledger", str(path), "move", "D-1", ANSI]) == 0
    assert main(["--ledger", str(path), "log"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "moved to \\x1b[31mred\\x1b[0m" in out and "stage \\x1b[31mred" in out


def test_an_id_with_a_zero_width_space_does_not_pass_for_another(write_ledger, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    path = write_ledger(line("target_set", "t1", period="2026-10", amount=10000), opened("e1", "D-1"),
                        opened("e2", "D-\u200b1", name="Acme\u202eevil", owner="l\u2060an"))
    assert main(["--ledger", str(path), "log"]) == 0
    assert main(["--ledger", str(path), "forecast", "--as-of", "2026-10-02", "--limit", "0"]) == 0
    out = capsys.readouterr().out
    for ch in "\u200b\u202e\u2060":
        assert ch not in out
    assert "D-\\u200b1" in out and "Acme\\u202eevil" in out and "l\\u2060an" in out
    assert main(["--ledger", str(path), "move", "D-\u200b1", "won"]) == 0
    assert "D-\\u200b1: moved to won" in capsys.readouterr().out


@pytest.mark.asyncio
async def test_the_board_shows_invisible_characters_visibly(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_text("\n".join([
        event("target_set", 1, period="2026-11", amount=40000),
        event("deal_opened", 2, deal="D-\u200b1", name="Acme\u202eevil", owner="lan", stage="quote",
              amount=5000, priority="must"),
    ]) + "\n")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = html.unescape(app.export_screenshot())
    assert "\u200b" not in shown and "\u202e" not in shown
    assert "D-\\u200" in shown and "Acme\\u202eevil" in shown  # the id column is narrow: D-\u200…
