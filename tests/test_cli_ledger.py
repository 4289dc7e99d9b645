"""The command line's change commands, check and log, as a script would use them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledger import read_ledger
from tui.cli import main

OPEN = ["open", "D-1", "--name", "Acme renewal", "--owner", "lan", "--stage", "quote", "--amount", "5k",
        "--priority", "must", "--close-date", "2026-10-20", "--account", "Acme"]

CHANGES = [
    (["move", "D-1", "negotiation"], {"type": "stage_changed", "stage": "negotiation"}),
    (["amount", "D-1", "6.5k"], {"type": "amount_changed", "amount": 6500}),
    (["priority", "D-1", "should"], {"type": "priority_changed", "priority": "should"}),
    (["close-date", "D-1", "2026-11-02"], {"type": "close_date_changed", "close_date": "2026-11-02"}),
    (["close-date", "D-1", "none"], {"type": "close_date_changed", "close_date": None}),
    (["owner", "D-1", "marco", "--new-owner"], {"type": "owner_changed", "owner": "marco"}),
    (["note", "D-1", "send the quote", "--due", "2026-10-03"], {"type": "note_added", "text": "send the quote",
                                                                 "due": "2026-10-03"}),
    (["split", "D-1", "--part", "D-1a:2k:must", "--part", "D-1b:3k:should:2026-12-01"],
     {"type": "deal_split", "parts": [{"deal": "D-1a", "amount": 2000, "priority": "must"},
                                      {"deal": "D-1b", "amount": 3000, "priority": "should",
                                       "close_date": "2026-12-01"}]}),
    (["target", "2026-10", "20k", "--owner", "lan"], {"type": "target_set", "period": "2026-10",
                                                       "amount": 20000, "owner": "lan"}),
    (["stage", "demo", "--rate", "0.3", "--lead-days", "25", "--position", "3"],
     {"type": "stage_defined", "stage": "demo", "rate": 0.3, "lead_days": 25, "position": 3}),
]


def lines(path):
    return [json.loads(x) for x in path.read_text().splitlines()]


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    path = tmp_path / "team.jsonl"
    monkeypatch.setenv("DEALBOOK_LEDGER", str(path))
    assert main(OPEN + ["--by", "lan"]) == 0
    return path


@pytest.mark.parametrize("argv, expected", CHANGES, ids=lambda x: x[0] if isinstance(x, list) else "")
def test_each_change_appends_exactly_one_event(ledger, argv, expected, capsys):
    assert main(argv + ["--by", "priya"]) == 0
    events = lines(ledger)
    assert len(events) == 2
    assert {k: events[1].get(k) for k in expected} == expected
    assert events[1]["by"] == "priya" and events[1]["id"] and events[1]["ts"]
    assert capsys.readouterr().out.startswith("line 2: ")


@pytest.mark.parametrize("argv, message", [
    (["move", "D-9", "won"], "deal 'D-9' was never opened"),
    (["move", "D-1", "signed"], "unknown stage 'signed'"),
    (OPEN, "opened twice"),
    (["move", "D-1", "won", "--expect-version", "7"], "conflict: deal 'D-1' is at version 1"),
    (["move", "D-1", "won", "--ts", "2020-01-01T00:00:00+00:00"], "earlier than the line before"),
])
def test_a_refused_change_writes_nothing_and_says_why(ledger, argv, message, capsys):
    before = ledger.read_bytes()
    assert main(argv) == 1
    assert message in capsys.readouterr().err
    assert ledger.read_bytes() == before


@pytest.mark.parametrize("argv", [["amount", "D-1", "lots"], ["priority", "D-1", "high"],
                                  ["close-date", "D-1", "tomorrow"], ["split", "D-1", "--part", "D-1a:2k"]])
def test_bad_input_is_a_usage_error_that_says_what_to_type(ledger, argv, capsys):
    before = ledger.read_bytes()
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "such as" in err or "must be" in err
    assert ledger.read_bytes() == before


def test_expect_version_lets_a_current_writer_through(ledger):
    assert main(["move", "D-1", "negotiation", "--expect-version", "1"]) == 0
    assert read_ledger(ledger).state.deals["D-1"].version == 2


def test_check_summarises_a_valid_ledger(ledger, capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: 1 event, 1 deal, 1 owner, ") and str(ledger) in out


def test_check_lists_every_problem_and_exits_1(ledger, capsys):
    with open(ledger, "a") as f:
        f.write("oops\n[]\n")
    assert main(["check", "--ledger", str(ledger)]) == 1
    out = capsys.readouterr().out
    assert f"{ledger}:2: not valid JSON" in out and f"{ledger}:3: not a JSON object" in out
    assert "2 problem(s)" in out


def test_check_on_a_missing_ledger_says_how_to_start(tmp_path, capsys):
    missing = tmp_path / "none.jsonl"
    assert main(["check", "--ledger", str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"no ledger at {missing}" in err and f"`dealbook init {missing}`" in err


def test_log_shows_events_readably_and_user_text_inertly(ledger, capsys):
    assert main(["note", "D-1", "[b]call[/b] \x1b[31mnow"]) == 0
    capsys.readouterr()
    assert main(["log", "--deal", "D-1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "opened 'Acme renewal' at Acme for lan" in out[0]
    assert "[b]call[/b] \\x1b[31mnow" in out[1] and "\x1b" not in out[1]


def test_the_installed_command_runs(ledger):
    done = subprocess.run([str(Path(sys.executable).with_name("dealbook")), "check", "--ledger", str(ledger)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("ok: ")


def test_check_ends_at_once_yet_prints_everything_through_a_pipe(tmp_path):
    """`dealbook check` ends its process without freeing its fold (common.leave_to_exit): what it printed to
    a pipe (block-buffered) must still all arrive, and its exit code be the command's."""
    ledger = tmp_path / "big.jsonl"
    good = (tmp_path / "good.jsonl")
    assert main(["init", str(good)]) == 0
    lines = good.read_bytes().splitlines(keepends=True)
    ledger.write_bytes(b"".join(lines) + b"not json\n" * 3000)  # 3,000 problems: more than a pipe's buffer
    dealbook = str(Path(sys.executable).with_name("dealbook"))
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    done = subprocess.run([dealbook, "check", "--ledger", str(ledger)], capture_output=True, text=True, env=buffered)
    out = done.stdout.splitlines()
    assert done.returncode == 1 and done.stderr == ""
    told = [line for line in out if line.startswith(f"{ledger}:")]
    assert len(told) == 3000 and out[-1].startswith("3000 problem(s)")
    assert told[0].startswith(f"{ledger}:{len(lines) + 1}: not valid JSON")
    assert told[-1].startswith(f"{ledger}:{len(lines) + 3000}: not valid JSON")
    fine = subprocess.run([dealbook, "check", "--ledger", str(good)], capture_output=True, text=True, env=buffered)
    assert fine.returncode == 0 and fine.stdout.startswith("ok: ")


def test_check_keeps_its_verdict_when_its_reader_leaves_early(tmp_path):
    """`dealbook check | head -1` on a ledger with problems: the reader closes the pipe after one line; check
    still exits 1 (a script with pipefail must not read a clean ledger), and says nothing on stderr."""
    ledger = tmp_path / "bad.jsonl"
    ledger.write_bytes(b"not json\n" * 20_000)
    dealbook = str(Path(sys.executable).with_name("dealbook"))
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    with subprocess.Popen([dealbook, "check", "--ledger", str(ledger)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=buffered) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read()
        code = proc.wait()
    assert first.startswith(f"{ledger}:1: not valid JSON".encode())
    assert (code, err) == (1, b"")
