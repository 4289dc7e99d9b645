"""The command line as a tool among tools: --version, tab completion from the parser, whole ids when piped."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import line, opened

from tui.cli import build_parser, main

LONG_ID = "SF-0065g00000AbCdE1AAXYZ"  # a CRM record id, longer than the 16 characters once shown


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("dealbook ")


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_names_every_command(shell, capsys):
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    commands = build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001 (argparse's own registry)
    assert all(name in script for name in commands) and "--period" in script


def test_a_long_id_is_never_cut_when_piped(write_ledger):
    path = write_ledger(line("target_set", "t1", period="2026-10", amount=10000),
                        opened("e1", LONG_ID, name="A name long enough to be cut in a narrow terminal " * 2))
    for command in (["forecast", "--period", "2026-10", "--as-of", "2026-10-02"],
                    ["changes", "--from", "2026-10-01", "--to", "2026-10-02"]):
        out = subprocess.run([sys.executable, "-m", "tui.cli", "--ledger", str(path), *command],
                             capture_output=True, text=True, check=True).stdout  # stdout is a pipe here
        assert LONG_ID in out, out
