"""The parser itself, walked: --by only on commands that write, and help on every option of every command."""

from __future__ import annotations

import argparse

import pytest

from tui.cli import build_parser, main

# What each command does to the ledger. A new command must be put in one of the two sets.
WRITES = {"open", "move", "amount", "priority", "close-date", "owner", "split", "note", "target", "stage",
          "settings", "calibrate", "whatif", "plan", "key-result", "import", "init"}
READS = {"check", "verify", "log", "forecast", "replay", "changes", "accuracy", "backtest", "review", "activity",
         "okr", "export", "salvage", "sample", "config", "copy", "completion"}  # salvage/copy copy lines verbatim


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (group,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]  # noqa: SLF001
    return dict(group.choices)


def options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]  # noqa: SLF001


def test_every_command_is_said_to_write_or_to_read():
    assert set(commands()) == WRITES | READS and not WRITES & READS


def test_by_is_offered_only_where_something_is_written():
    with_by = {name for name, sub in commands().items() if any("--by" in a.option_strings for a in options(sub))}
    assert with_by == WRITES, (sorted(with_by - WRITES), sorted(WRITES - with_by))


def test_the_board_which_writes_keeps_by_before_any_command():
    assert build_parser().parse_args(["--by", "lan"]).by == "lan"


def test_a_reading_command_refuses_by(capsys):
    with pytest.raises(SystemExit) as done:
        main(["forecast", "--by", "lan"])
    assert done.value.code == 2 and "unrecognized arguments: --by lan" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--by", "lan", "forecast"], ["--by", "lan", "log"]])
def test_by_before_a_reading_command_is_refused_not_ignored(argv, capsys, tmp_path):
    assert main(["--ledger", str(tmp_path / "none.jsonl"), *argv]) == 1
    assert "writes nothing: leave --by out" in capsys.readouterr().err


def test_by_before_a_writing_command_is_taken():
    args = build_parser().parse_args(["--by", "lan", "note", "D-1", "call back"])
    assert args.by == "lan" and args.writes


def test_a_writing_command_takes_by_after_its_name():
    args = build_parser().parse_args(["note", "D-1", "call back", "--by", "lan"])
    assert args.by == "lan" and args.text == "call back"


@pytest.mark.parametrize("name", sorted(WRITES | READS))
def test_every_option_has_help(name):
    missing = [a.option_strings or [a.dest] for a in options(commands()[name]) if not a.help]
    assert not missing, f"{name}: no help for {missing}"


def test_every_top_level_option_has_help():
    parser = build_parser()
    missing = [a.option_strings for a in options(parser)
               if a.option_strings and not a.help]
    assert not missing
