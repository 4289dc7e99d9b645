"""Every `dealbook` command the README shows runs on the bundled sample, in the README's order, without a traceback."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

# Shown but not run here, each with the reason (the README must still show each one).
SKIPPED = {
    ".venv/bin/dealbook --sample": "opens the app (tests/test_try_sample.py drives that path)",
}
# The exit code of a command the README shows failing on purpose; every other command exits 0.
EXPECTED_CODES: dict[str, int] = {}


def optional_parts(line: str) -> str:
    """`[--slip-days 10]` is run with its words; `[more.jsonl ...]`, a placeholder, is left out."""
    return re.sub(r"\[([^\]]*)\]", lambda m: "" if "..." in m.group(1) else m.group(1), line)


def readme_commands(text: str) -> list[str]:
    """Each `dealbook ...` command of the README's sh blocks, in order, including those inside `$(...)`."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = optional_parts(line)
            inner = [shlex.split(m, comments=True) for m in re.findall(r"\$\((dealbook [^)]*)\)", line)]
            words = shlex.split(re.sub(r"\$\([^)]*\)", "SUBSTITUTED", line), comments=True)
            pieces, current = [], []
            for word in words:
                if word == "&&":
                    pieces.append(current)
                    current = []
                else:
                    current.append(word)
            pieces.append(current)
            for piece in [*inner, *pieces]:
                if piece and Path(piece[0]).name == "dealbook":
                    commands.append(shlex.join(piece))
    return commands


def test_the_extraction_reads_continuations_options_and_substitutions():
    text = ("```sh\nexport X=\"$(dealbook sample)\"   # a copy\n"
            "a && .venv/bin/dealbook --sample\n"
            "dealbook open D-1 --name \"A b\" \\\n    [--close-date 2026-12-18]  # a comment\n"
            "dealbook whatif --scenario big.jsonl [more.jsonl ...]\n```\n```toml\ndealbook = 1\n```\n")
    assert readme_commands(text) == [
        "dealbook sample", ".venv/bin/dealbook --sample", "dealbook open D-1 --name 'A b' --close-date 2026-12-18",
        "dealbook whatif --scenario big.jsonl"]


def test_the_skipped_commands_are_still_shown_and_only_open_the_app():
    commands = readme_commands(README.read_text(encoding="utf-8"))
    for command in SKIPPED:
        assert command in commands, f"SKIPPED lists {command!r}, which the README no longer shows"
        assert all(word.startswith("--") for word in shlex.split(command)[1:]), f"{command!r} does not open the app"


def test_every_readme_command_runs_on_a_copy_of_the_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("DEALBOOK_LEDGER", raising=False)
    monkeypatch.chdir(tmp_path)  # scenario files the README saves land here
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert len(commands) > 20
    ledger: Path | None = None
    failures, ran = [], 0
    for command in commands:
        if command in SKIPPED:
            continue
        argv = shlex.split(command)[1:]
        if argv[0] != "sample":
            assert ledger is not None, "the README sets DEALBOOK_LEDGER to `dealbook sample` before the tour"
            argv += ["--ledger", str(ledger)]
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse refusing the words
            code = exit_.code
        out, err = capsys.readouterr()
        ran += 1
        if argv[0] == "sample":
            ledger = Path(out.strip())
            assert ledger.parent == tmp_path / "data" / "dealbook"
        if code != EXPECTED_CODES.get(command, 0) or "Traceback" in out + err:
            failures.append(f"{command}\n  exit {code}: {(err or out).strip()[:300]}")
    assert not failures, "README commands that fail on the sample:\n" + "\n".join(failures)
    assert ran == len(commands) - len(SKIPPED)
