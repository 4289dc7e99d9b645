"""What the board looks like (SVG snapshots at 160x45, fixed clock): update with --snapshot-update after a look."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from test_board_app import NOW, SMALL, event, ledger, select
from tui.app import DealbookApp

__all__ = ["ledger"]

SAMPLE = Path(__file__).resolve().parents[1] / "sample_events.jsonl"
TZ = dt.timezone(dt.timedelta(hours=7))
SIZE = (160, 45)

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="the sample ledger is not generated yet")


def app_for(path: Path, now: dt.datetime) -> DealbookApp:
    return DealbookApp(path, now=now, watch=False, keymap_file=path.parent / "no-keymap.toml")


def sample_until(tmp_path: Path, moment: dt.datetime) -> Path:
    """The sample as it stood at a moment: its lines up to then (the board never reads past its clock)."""
    path = tmp_path / "sample.jsonl"
    with SAMPLE.open() as src, path.open("w") as dst:
        dst.writelines(line for line in src if dt.datetime.fromisoformat(json.loads(line)["ts"]) <= moment)
    return path


async def loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_sample_opened_after_november_shows_november_and_says_so(snap_compare, tmp_path: Path):
    path = tmp_path / "sample.jsonl"
    shutil.copy(SAMPLE, path)
    app = app_for(path, dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ))
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)


def test_sample_mid_october_team_with_promotions(snap_compare, tmp_path: Path):
    moment = dt.datetime(2026, 10, 14, 18, 0, tzinfo=TZ)
    app = app_for(sample_until(tmp_path, moment), moment)
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)


def test_sample_mid_october_one_owner(snap_compare, tmp_path: Path):
    moment = dt.datetime(2026, 10, 13, 18, 0, tzinfo=TZ)
    app = app_for(sample_until(tmp_path, moment), moment)

    async def owner_lan(pilot) -> None:
        await loaded(pilot)
        await pilot.press("v")
        await loaded(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=owner_lan)


def test_help_screen(snap_compare, ledger: Path):
    async def help_open(pilot) -> None:
        await loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app_for(ledger, NOW), terminal_size=SIZE, run_before=help_open)


def test_split_form(snap_compare, ledger: Path):
    async def split_open(pilot) -> None:
        await loaded(pilot)
        select(pilot.app, "D-6")
        await pilot.press("x")
        await pilot.pause()

    assert snap_compare(app_for(ledger, NOW), terminal_size=SIZE, run_before=split_open)


def test_read_only_board_lists_its_problems(snap_compare, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the problems name the file as given: keep it the same on every machine
    Path("broken.jsonl").write_text("".join(line + "\n" for line in SMALL) + "{not json\n"
                                    + event("stage_changed", 99, day=4, deal="D-404", stage="won") + "\n")

    async def press_a_change_key(pilot) -> None:
        await loaded(pilot)
        await pilot.press("greater_than_sign")
        await pilot.pause()

    assert snap_compare(app_for(Path("broken.jsonl"), NOW), terminal_size=SIZE, run_before=press_a_change_key)
