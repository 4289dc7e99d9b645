"""Store.resume's deals (deal_snapshot's rows, looked up by its deal index) equal the reader's full fold, every one."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from ledger import read_ledger
from queries import Store
from tests.conftest import line, opened

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from gen_big_ledger import generate  # noqa: E402


@pytest.mark.parametrize("source", ["sample", "generated"])
def test_every_deal_resumes_as_the_full_fold_left_it(tmp_path, source):
    path = tmp_path / "ledger.jsonl"
    if source == "sample":
        shutil.copyfile(ROOT / "sample_events.jsonl", path)
    else:
        generate(path, 6000, open_deals=300, seed=3)  # wins, losses, parked deals, splits of won deals
    full = read_ledger(path, keep_events=False).state
    assert any(d.split_line for d in full.deals.values())
    assert any(full.stages[d.stage].kind == "won" for d in full.deals.values() if d.split_line is None)
    with Store.open(path, cache=False) as store:
        resumed = store.resume(set(), set(full.deals) | {"D-NONE"})
    assert resumed is not None
    assert resumed.state.deals == full.deals


def test_deals_moved_between_won_stages_and_out_resume_as_folded(write_ledger):
    path = write_ledger(
        line("stage_defined", "01A", "2026-11-01T09:00:00+07:00", stage="signed", rate=1, lead_days=0,
             position=9, kind="won"),
        opened("01B", "D-1", "2026-11-01T10:00:00+07:00"),
        line("stage_changed", "01C", "2026-11-02T10:00:00+07:00", deal="D-1", stage="won"),
        line("stage_changed", "01D", "2026-11-03T10:00:00+07:00", deal="D-1", stage="signed"),
        opened("01E", "D-2", "2026-11-03T11:00:00+07:00"),
        line("stage_changed", "01F", "2026-11-04T10:00:00+07:00", deal="D-2", stage="won"),
        line("stage_changed", "01G", "2026-11-05T10:00:00+07:00", deal="D-2", stage="quote"),
    )
    read = read_ledger(path, keep_events=False)
    assert not read.problems, read.problems
    full = read.state
    assert (full.deals["D-1"].stage, full.deals["D-2"].stage) == ("signed", "quote")
    assert (full.deals["D-1"].opened_line, full.deals["D-2"].version) == (2, 3)
    with Store.open(path, cache=False) as store:
        assert store.resume(set(), {"D-1", "D-2"}).state.deals == full.deals


def test_deals_at_a_past_moment_are_the_fold_of_the_lines_up_to_it(tmp_path):
    """What a scenario at a past moment is checked against (scenarios.state_at): each deal as the reader's fold
    of the ledger's lines up to T leaves it, split parents included."""
    from ledger import StageChanged
    from queries import scenarios
    from queries.moments import epoch_us

    path = tmp_path / "ledger.jsonl"
    generate(path, 6000, open_deals=300, seed=3)
    lines = path.read_bytes().splitlines(keepends=True)
    events = read_ledger(path).events
    cut = len(events) * 2 // 3
    moment = events[cut - 1].ts
    while cut < len(events) and events[cut].ts == moment:  # every line stamped at T is known at T
        cut += 1
    prefix = tmp_path / "prefix.jsonl"
    prefix.write_bytes(b"".join(lines[:cut]))
    want = read_ledger(prefix, keep_events=False).state.deals
    assert any(d.split_line for d in want.values())
    scenario = [scenarios.hypothetical(StageChanged, deal=deal, stage="won") for deal in sorted(want)]
    with Store.open(path, cache=False) as store, store.cursor() as cur:
        state, last_line = scenarios.state_at(cur, moment, scenario)
    assert last_line == cut and epoch_us(state.last_ts) == epoch_us(moment)
    assert state.deals == want
