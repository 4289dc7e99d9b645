"""The command line's tables show hostile or very long user text literally, and cut it cleanly."""

from tui.cli import main

LONG = "Ultra " * 80 + "[red]end[/red]"


def test_long_and_hostile_names_are_cut_with_an_ellipsis_and_never_drive_the_terminal(tmp_path, capsys):
    ledger = str(tmp_path / "l.jsonl")
    assert main(["target", "2026-10", "20k", "--ledger", ledger, "--ts", "2026-10-01T08:00:00+07:00"]) == 0
    assert main(["open", "D-1", "--name", LONG, "--owner", "\x1b[2Jmallory", "--stage", "quote", "--amount", "5k",
                 "--priority", "must", "--ledger", ledger, "--ts", "2026-10-01T09:00:00+07:00"]) == 0
    capsys.readouterr()
    assert main(["forecast", "--as-of", "2026-10-02", "--ledger", ledger]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "…" in out
    assert max(len(line) for line in out.splitlines()) <= 120
    assert "Ultra" in out and "\\x1" in out  # the escape code shown as text, not obeyed
