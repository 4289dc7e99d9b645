"""A command's first open of a large ledger says how far it has read, on a terminal's stderr only."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import queries.store
from tui.cli import main
from tui.cli.common import load_progress

SAMPLE = Path(__file__).resolve().parents[1] / "sample_events.jsonl"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_share_read_goes_on_one_line_of_a_terminal_and_nowhere_else():
    assert load_progress(io.StringIO()) is None  # a script's stderr: nothing
    screen = Terminal()
    progress = load_progress(screen)
    assert progress is not None
    progress(100, 100)  # a load in one piece: nothing
    assert screen.getvalue() == ""
    for done in (30, 60, 100):
        progress(done, 100)
    said = screen.getvalue()
    assert said.count("\r") == 3 and said.endswith("100% of 0 MB\n") and said.count("\n") == 1
    assert "30%" in said and "60%" in said


def test_a_command_on_a_terminal_says_its_first_open_then_answers(tmp_path: Path, monkeypatch, capsys):
    path = tmp_path / "sample.jsonl"
    shutil.copy(SAMPLE, path)
    monkeypatch.setattr(queries.store, "LOAD_PIECE_BYTES", 40_000)  # the sample in about ten pieces
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    assert main(["forecast", "--ledger", str(path), "--period", "2026-10", "--as-of", "2026-10-31"]) == 0
    said = screen.getvalue()
    assert "reading the ledger into its cache" in said and said.count("\r") >= 5 and "100% of" in said
    assert "Forecast 2026-10" in capsys.readouterr().out
    screen.seek(0)
    screen.truncate()
    assert main(["forecast", "--ledger", str(path), "--period", "2026-10", "--as-of", "2026-10-31"]) == 0
    assert "reading the ledger" not in screen.getvalue()  # the cache is there: nothing to read
