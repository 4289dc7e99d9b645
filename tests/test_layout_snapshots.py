"""The board, a deal's detail, the replay and what-if at 80x24, 160x45 and 220x60 (SVG snapshots, fixed clock):
update with --snapshot-update after a look."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from test_board_snapshots import SAMPLE, app_for, loaded
from test_board_app import select

TZ = dt.timezone(dt.timedelta(hours=7))
MOMENT = dt.datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
SIZES = [(80, 24), (160, 45), (220, 60)]

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="the sample ledger is not generated yet")


def sample_until(tmp_path: Path) -> Path:
    """The sample up to 20 Nov 2026 09:00 (the board never reads past its clock)."""
    import json

    path = tmp_path / "sample.jsonl"
    with SAMPLE.open() as src, path.open("w") as dst:
        dst.writelines(line for line in src if dt.datetime.fromisoformat(json.loads(line)["ts"]) <= MOMENT)
    return path


async def board(pilot) -> None:
    await loaded(pilot)


async def detail(pilot) -> None:
    await loaded(pilot)
    select(pilot.app, "D-1156")  # a slipped deal: its close date passed while it is still open
    await pilot.press("enter")
    await loaded(pilot)


async def replay(pilot) -> None:
    await loaded(pilot)
    await pilot.press("H")
    await loaded(pilot)


async def whatif(pilot) -> None:
    await loaded(pilot)
    await pilot.press("B")
    await loaded(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("run_before", [board, detail, replay, whatif], ids=lambda f: f.__name__)
def test_layout(snap_compare, tmp_path: Path, size, run_before):
    app = app_for(sample_until(tmp_path), MOMENT)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), (124, 40), (160, 45)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_header_never_cuts_a_figure_silently(tmp_path: Path, size):
    """Beside the promotions (160 columns and more) the header's lines wrap: every figure is on screen, the
    big-deal threshold at the end included. Narrower, the promotions go under the header, whose lines keep
    the whole width, one line each (the deals need the rows), and end in an ellipsis where they are cut."""
    from screen_text import joined, screen_lines

    app = app_for(sample_until(tmp_path), MOMENT)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        header = app.screen.query_one("BoardHeader")
        said = " ".join(header.text.split())
        odds = said[said.index("odds "):said.index(")", said.index("odds ")) + 1]
        coverage = said[said.index("Must-have coverage"):]
        assert "p90" in odds and "big ★ from" in coverage
        lines = screen_lines(app)
        assert max(len(line.rstrip()) for line in lines) <= size[0]
        if size[0] >= 124:
            shown = " ".join(joined(app).split())
            title, numbers = (" ".join(line.split()) for line in header.text.splitlines()[:2])
            assert odds in shown and coverage in shown and title in shown and numbers in shown
        else:
            odds_line = next(line for line in lines if "odds " in line)
            coverage_line = next(line for line in lines if "Must-have coverage" in line)
            assert odds_line.rstrip().endswith("…") and coverage_line.rstrip().endswith("…")
