"""Trying the app as the README's first command does leaves the clone clean: changes go to a working copy."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from textual.widgets import Input

from ledger import read_ledger
from queries.store import CACHE_SUFFIX
from tui.app import DealbookApp
from tui.board.screen import BoardScreen
from tui.cli import build_parser, main
from tui.cli.common import CommandError, resolve_ledger
from tui.cli.sample import BUNDLED, CACHE_SUFFIXES, data_home, fresh_copy, note

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_events.jsonl"
NOW = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def first_command() -> str:
    """The README's first shell block: the one line that sets everything up and opens the app."""
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert block, "README.md has no sh block"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(lines) == 1, f"the first command is one line, not {lines}"
    return lines[0]


def app_arguments() -> list[str]:
    """What the README's first command passes to `dealbook`."""
    last = first_command().split("&&")[-1]
    words = shlex.split(last)
    assert Path(words[0]).name == "dealbook", f"the first command ends by running dealbook: {last}"
    assert "--ledger" not in words, f"the first command names a ledger (the tracked file?): {last}"
    return words[1:]


def clone_state() -> tuple[str, frozenset[str], bytes]:
    """What trying the app must not change: git's view of the clone, the files beside the sample, its bytes."""
    status = ""
    if (ROOT / ".git").exists():
        status = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=all"],
                                capture_output=True, text=True, check=True, timeout=60).stdout
    beside = frozenset(p.name for p in ROOT.glob("sample_events*"))
    return status, beside, SAMPLE.read_bytes()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("DEALBOOK_LEDGER", raising=False)
    return tmp_path / "data" / "dealbook"


def test_the_first_command_opens_the_sample_through_a_working_copy_not_the_tracked_file():
    command = first_command()
    assert "sample_events.jsonl" not in command
    assert command.startswith("python3 -m venv .venv && .venv/bin/pip install")
    assert "--sample" in app_arguments()


def test_an_append_through_the_first_commands_path_leaves_the_clone_clean(data_dir: Path, capsys):
    before = clone_state()
    assert main([*app_arguments(), "target", "2026-12", "60k", "--by", "tester"]) == 0
    assert "on a fresh copy of the bundled sample" in capsys.readouterr().err
    copy = data_dir / "sample.jsonl"
    appended = read_ledger(copy).events[-1]
    assert (appended.__struct_config__.tag, appended.period, appended.by) == ("target_set", "2026-12", "tester")
    assert copy.read_bytes().startswith(SAMPLE.read_bytes())
    assert clone_state() == before


async def test_changing_and_saving_a_scenario_on_the_board_leaves_the_clone_clean(data_dir: Path):
    before = clone_state()
    args = build_parser().parse_args(app_arguments())
    resolve_ledger(args)
    assert args.ledger == data_dir / "sample.jsonl"
    app = DealbookApp(args.ledger, by="tester", now=NOW, watch=False, keymap_file=data_dir / "no-keymap.toml",
                      notes=(note(args.ledger),))
    async with app.run_test(size=(160, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        assert str(args.ledger) in screen.notes_text and "never to the repository's" in screen.notes_text
        await pilot.press("minus")  # the first deal down a priority: one event appended
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert read_ledger(args.ledger).events[-1].__struct_config__.tag == "priority_changed"
        await pilot.press("W", "minus")
        await app.workers.wait_for_complete()
        await pilot.press("S")
        await pilot.pause()
        assert app.screen.query_one("#value", Input).value == str(data_dir / "sample.whatif.jsonl")
        await pilot.press("enter")
        await pilot.pause()
    assert (data_dir / "sample.whatif.jsonl").is_file()
    assert len(read_ledger(args.ledger).events) == len(read_ledger(SAMPLE).events) + 1
    assert clone_state() == before


def test_each_fresh_copy_starts_from_the_bundled_bytes_and_drops_what_the_old_copy_left(tmp_path: Path):
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    bundled = tmp_path / "bundled.jsonl"
    bundled.write_bytes(b'{"any":"content"}\n' * 3)  # the mechanism copies bytes; it does not read them
    copy = fresh_copy(bundled, env)
    assert copy == tmp_path / "data" / "dealbook" / "sample.jsonl"
    assert copy.read_bytes() == bundled.read_bytes()
    with copy.open("ab") as out:
        out.write(b'{"appended":true}\n')
    derived = [copy.with_name(copy.name + s) for s in (".dealbook-seal", ".cut-off", *CACHE_SUFFIXES)]
    kept = copy.with_name("sample.whatif.jsonl")
    for path in (*derived, kept):
        path.write_text("left by the old copy")
    assert fresh_copy(bundled, env).read_bytes() == bundled.read_bytes()
    assert [p.name for p in derived if p.exists()] == []
    assert kept.read_text() == "left by the old copy"  # a saved scenario is the user's
    assert sorted(p.name for p in copy.parent.iterdir()) == ["sample.jsonl", "sample.whatif.jsonl"]


def test_the_cache_files_dropped_are_the_ones_the_store_makes():
    assert CACHE_SUFFIXES == (CACHE_SUFFIX, CACHE_SUFFIX + ".wal")


def test_the_data_directory_follows_xdg(tmp_path: Path):
    assert data_home({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "dealbook"
    assert data_home({"XDG_DATA_HOME": "relative/dir"}) == Path.home() / ".local" / "share" / "dealbook"
    assert data_home({}) == Path.home() / ".local" / "share" / "dealbook"


def test_no_bundled_sample_or_an_unwritable_place_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CommandError, match="the bundled sample is not at .*pass --ledger PATH"):
        fresh_copy(tmp_path / "missing.jsonl", {"XDG_DATA_HOME": str(tmp_path)})
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(CommandError, match="cannot make the sample's working copy .*XDG_DATA_HOME"):
        fresh_copy(BUNDLED, {"XDG_DATA_HOME": str(blocker)})


def test_sample_and_ledger_together_are_refused(data_dir: Path, tmp_path: Path, capsys):
    assert main(["--sample", "--ledger", str(tmp_path / "mine.jsonl"), "check"]) == 1
    assert "--sample and --ledger both name a ledger" in capsys.readouterr().err
    assert not data_dir.exists()


def test_dealbook_sample_prints_the_fresh_copy_for_the_tour(data_dir: Path, capsys):
    assert main(["sample"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == str(data_dir / "sample.jsonl")
    assert Path(printed).read_bytes() == SAMPLE.read_bytes()
