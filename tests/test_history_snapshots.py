"""What the replay screen looks like (SVG snapshot at 160x45, fixed clock): update with --snapshot-update."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_history_screens import SAMPLE, SIZE, app_for, settled

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="the sample ledger is not generated yet")


def test_replay_of_october_2026_on_the_sample(snap_compare, tmp_path: Path):
    path = tmp_path / "sample.jsonl"
    shutil.copy(SAMPLE, path)

    async def replay_october(pilot) -> None:
        await settled(pilot)
        await pilot.press("H")
        await settled(pilot)
        await pilot.press(*["up"] * 17)  # the cursor on the 14th, the day the Mekong tranche was lost
        await pilot.pause()

    assert snap_compare(app_for(path), terminal_size=SIZE, run_before=replay_october)
