"""The README's "A team on several machines" commands, run in order against a real server (the URL's host swapped)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from ledger.home import forget_tables
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
URL = re.compile(r"postgresql://(\w+)@db\.example\.com/sales\?table=team_a")


def section_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## A team on several machines\n", 1)[1].split("\n## ", 1)[0]
    return [line for block in re.findall(r"```shell\n(.*?)```", section, re.S) for line in block.splitlines() if line]


def test_the_section_shows_init_copy_and_commands_on_the_table():
    commands = section_commands()
    assert any(c.startswith("dealbook init ") for c in commands) and any(c.startswith("dealbook copy ") for c in commands)
    assert any(c.startswith("export DEALBOOK_LEDGER=") for c in commands)


def test_the_sections_commands_run_against_a_real_server(pg_url, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("DEALBOOK_LEDGER", raising=False)
    shutil.copy(ROOT / "sample_events.jsonl", tmp_path / "dealbook.jsonl")
    ran = []
    try:
        for command in section_commands():
            words = [URL.sub(pg_url, word) for word in shlex.split(command)]
            if words[0].endswith("pip"):
                pytest.importorskip("psycopg")  # what the extra installs; this run has it
                continue
            if words[0] == "export":
                name, value = words[1].split("=", 1)
                monkeypatch.setenv(name, value)
                continue
            assert words[0] == "dealbook", command
            code = main(words[1:])
            out, err = capsys.readouterr()
            assert code == 0, f"{command}: {err or out}"
            ran.append((words[1], out))
    finally:
        forget_tables()
    said = dict(ran)
    assert "created the ledger table" in said["init"] and "copied 2338 line(s)" in said["copy"]
    assert said["check"].startswith("ok: 2,338 events")
    assert "call the buyer on Tuesday" in said["log"]
