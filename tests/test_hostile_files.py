"""Only regular files are ledgers; a refused change leaves no file behind."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import opened
from tui.cli import main


def run(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own, so that a hang is a failure and not a stuck test run."""
    return subprocess.run([sys.executable, "-m", "tui.cli", *argv], capture_output=True, text=True, timeout=timeout)


def test_dev_null_is_not_a_ledger_and_gets_no_cache(capsys):
    before = os.path.exists("/dev/null.dealbook-cache.duckdb")
    assert main(["--ledger", "/dev/null", "forecast"]) == 1
    assert "/dev/null is a device, not a ledger" in capsys.readouterr().err
    assert os.path.exists("/dev/null.dealbook-cache.duckdb") == before is False


@pytest.mark.parametrize("command", [["check"], ["forecast"], ["log"], ["verify"], ["move", "D-1", "won"]])
def test_a_fifo_is_refused_without_waiting(tmp_path, command):
    fifo = tmp_path / "ledger.jsonl"
    os.mkfifo(fifo)
    done = run("--ledger", str(fifo), *command, timeout=30)
    assert done.returncode == 1
    assert f"{fifo} is a named pipe (FIFO), not a ledger" in done.stderr and "Traceback" not in done.stderr


def test_a_directory_is_refused(tmp_path, capsys):
    assert main(["--ledger", str(tmp_path), "check"]) == 1
    assert "is a directory, not a ledger" in capsys.readouterr().err


def test_a_fifo_scenario_is_refused(write_ledger, tmp_path):
    path = write_ledger(opened("e1", "D-1"))
    fifo = tmp_path / "s.jsonl"
    os.mkfifo(fifo)
    done = run("--ledger", str(path), "whatif", "--scenario", str(fifo), timeout=30)
    assert done.returncode == 1 and "is not a regular file" in done.stderr


def test_a_refused_change_on_a_mistyped_path_leaves_no_file(tmp_path, capsys):
    typo = tmp_path / "ledgr.jsonl"
    assert main(["--ledger", str(typo), "move", "D-1", "won"]) == 1
    assert "never opened" in capsys.readouterr().err
    assert not typo.exists()
    assert main(["--ledger", str(typo), "target", "2026-10", "10k"]) == 0  # an accepted change creates it
    assert typo.stat().st_size > 0
