"""The bundled sample ledger: rebuilt byte for byte by its script, valid, and rich enough to learn from."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ledger import read_ledger
from ledger.events import DealOpened, DealSplit, PriorityChanged, StageChanged, StageDefined

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_events.jsonl"
SCRIPT = ROOT / "scripts" / "make_sample.py"
REPS = {"lan", "marco", "priya", "sam"}
MONTHS = ("2026-08", "2026-09", "2026-10", "2026-11")
ULID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")


@pytest.fixture(scope="module")
def sample():
    read = read_ledger(SAMPLE)
    assert read.events, f"{SAMPLE.name} is missing or empty: run scripts/make_sample.py"
    return read


def walk(events):
    """Each event with the deal it is about as it stood just before (stage, priority, owner); None if none."""
    deals: dict[str, dict] = {}
    for event in events:
        before = dict(deals[event.deal_id]) if event.deal_id in deals else None
        yield event, before
        if isinstance(event, DealOpened):
            deals[event.deal] = dict(stage=event.stage, priority=event.priority, owner=event.owner)
        elif isinstance(event, DealSplit):
            parent = deals.pop(event.deal)
            deals.update((part.deal, dict(parent, priority=part.priority)) for part in event.parts)
        elif isinstance(event, StageChanged):
            deals[event.deal]["stage"] = event.stage
        elif isinstance(event, PriorityChanged):
            deals[event.deal]["priority"] = event.priority


def test_the_script_rebuilds_the_committed_sample_byte_for_byte(tmp_path):
    out = tmp_path / "sample.jsonl"
    subprocess.run([sys.executable, str(SCRIPT), str(out)], check=True, cwd=tmp_path, timeout=120)
    assert out.read_bytes() == SAMPLE.read_bytes(), "sample_events.jsonl is stale: run scripts/make_sample.py"


def test_the_sample_is_a_valid_ledger(sample):
    assert sample.problems == []
    assert sample.cut_tail == b""


def test_ids_are_ulid_like_and_increase_with_ts(sample):
    ids = [event.id for event in sample.events]
    assert all(ULID.match(id_) for id_ in ids)
    assert ids == sorted(ids)
    assert all(a.ts <= b.ts for a, b in zip(sample.events, sample.events[1:]))
    assert {event.ts.utcoffset() for event in sample.events} == {dt.timedelta(hours=7)}
    assert sum(event.ts.weekday() < 5 for event in sample.events) > 0.9 * len(ids)  # weekdays mostly


def test_the_sample_is_big_enough(sample):
    opened = [event for event in sample.events if isinstance(event, DealOpened)]
    assert len(sample.events) >= 2000
    assert len(opened) >= 150
    assert {event.owner for event in opened} == REPS
    amounts = [event.amount for event in opened]
    assert sum(2_000 <= a <= 15_000 for a in amounts) > 0.7 * len(amounts)
    assert any(a >= 40_000 for a in amounts)


def test_every_month_has_a_target_per_rep_and_for_the_team(sample):
    targets = sample.state.targets
    for month in MONTHS:
        for owner in (None, *sorted(REPS)):
            assert targets.get((month, owner), 0) > 0, (month, owner)


def test_the_team_defines_its_own_stages(sample):
    defined = [event for event in sample.events if isinstance(event, StageDefined)]
    assert "demo" in {event.stage for event in defined}
    assert sample.state.stages["demo"].position < sample.state.stages["proposal"].position


def test_big_deals_are_split_into_tranches(sample):
    splits = [event for event in sample.events if isinstance(event, DealSplit)]
    assert splits
    assert any(len(split.parts) >= 2 and any(p.close_date for p in split.parts) for split in splits)


def test_a_deal_goes_inactive_and_comes_back(sample):
    kinds = {name: stage.kind for name, stage in sample.state.stages.items()}
    returns = [event.deal for event, before in walk(sample.events)
               if isinstance(event, StageChanged) and before and kinds[before["stage"]] == "inactive"
               and kinds[event.stage] == "open"]
    assert returns


def test_a_loss_is_followed_at_once_by_promoting_a_should_have(sample):
    kinds = {name: stage.kind for name, stage in sample.state.stages.items()}
    pairs = list(walk(sample.events))
    promotions = [
        event.deal for (lost, _), (event, before) in zip(pairs, pairs[1:])
        if isinstance(lost, StageChanged) and kinds[lost.stage] == "lost"
        and isinstance(event, PriorityChanged) and event.priority == "must" and before["priority"] == "should"
        and event.by == lost.by
    ]
    assert promotions


def test_months_tell_different_stories():
    """August and November are hit, September missed; October looked safe until a big loss mid-month."""
    reference = pytest.importorskip("tests.reference")
    events = read_ledger(SAMPLE).events
    tz = events[-1].ts.tzinfo

    def team(month: str, day: int) -> dict:
        return reference.forecast(events, month, dt.datetime(int(month[:4]), int(month[5:]), day, 23, 59, 59, 999999, tz))

    month_end = {"2026-08": 31, "2026-09": 30, "2026-10": 31, "2026-11": 30}
    hit = {month: team(month, last)["won"] >= team(month, last)["target"] for month, last in month_end.items()}
    assert hit == {"2026-08": True, "2026-09": False, "2026-10": False, "2026-11": True}
    october = team("2026-10", 31)
    assert october["won"] >= Decimal("0.9") * october["target"]  # a near miss
    assert all(team("2026-10", day)["on_track"] for day in range(1, 14))
    assert not any(team("2026-10", day)["on_track"] for day in range(14, 32))
