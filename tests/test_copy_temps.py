"""A copy into a new file killed before its end leaves a hidden temporary file; the next copy removes it."""

import os
import subprocess
import sys

from ledger.pgcopy import sweep_stale_temps


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_dead_copys_temporary_file_is_removed_and_a_running_ones_kept(tmp_path):
    ledger = tmp_path / "team [a].jsonl"  # glob characters in the name are taken as they are
    dead = tmp_path / f".{ledger.name}.copy-{_dead_pid()}"
    running = tmp_path / f".{ledger.name}.copy-{os.getpid()}"
    other = tmp_path / f".other.jsonl.copy-{_dead_pid()}"
    odd = tmp_path / f".{ledger.name}.copy-notapid"
    for f in (dead, running, other, odd):
        f.write_text("{}\n")
    assert sweep_stale_temps(ledger) == [dead]
    assert not dead.exists()
    assert running.exists() and other.exists() and odd.exists()
