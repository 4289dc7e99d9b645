"""Appends seeded by the query cache: the same refusals and results as a full read, and a full read whenever in doubt."""

from __future__ import annotations

from decimal import Decimal

import os
import re
import shutil
from pathlib import Path

import pytest

import ledger.writer
import tui.cli.edits
from ledger import (
    Conflict, DealOpened, DealSplit, LedgerError, LedgerState, LedgerWriter, NoteAdded, Resumed,
    StageChanged, StageDefined, TargetSet, append_event, read_ledger, side_file, stamp,
)
from queries import Store, cache_path_for
from tests.conftest import cache_held, line, opened
from tui.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample_events.jsonl"
TS = "2026-11-30T20:00:00+07:00"  # after the sample's last line
FIRST_ID = "01KYXKBBA8AWDA6BN7ZESBXH4Z"  # the sample's first line


@pytest.fixture
def full_reads(monkeypatch):
    """The number of times a writer reads the ledger from its first byte."""
    calls = []
    real = ledger.writer.read_ledger

    def spy(path, **kwargs):
        if kwargs.get("start_offset", 0) == 0:
            calls.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(ledger.writer, "read_ledger", spy)
    return calls


def sample_copy(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return Path(shutil.copy(SAMPLE, folder / "ledger.jsonl"))


def outcome(writer: LedgerWriter, event, expect_version=None):
    """What an append did, comparable across two copies of a ledger in two folders."""
    try:
        appended = writer.append(event, expect_version=expect_version)
    except LedgerError as err:
        return type(err), str(err).replace(str(writer.path.parent), "DIR")
    return appended, writer.path.read_bytes()


def event(kind, **fields):
    fields.setdefault("id", "01NEWEVENT0000000000000001")
    fields.setdefault("ts", TS)
    return stamp(kind, **fields)


SCENARIOS = {
    "accepted": (event(StageChanged, deal="D-1078", stage="negotiation"), None),
    "duplicate id": (event(NoteAdded, id=FIRST_ID, deal="D-1078", text="call"), None),
    "unknown deal": (event(StageChanged, deal="D-9999", stage="won"), None),
    "split deal": (event(NoteAdded, deal="D-1038", text="call"), None),
    "event on a split part": (event(NoteAdded, deal="D-1038-2", text="call"), 1),
    "unknown stage": (event(StageChanged, deal="D-1078", stage="signed"), None),
    "ts earlier than the last line": (event(NoteAdded, deal="D-1078", text="x", ts="2026-11-29T09:00:00+07:00"), None),
    "ts a moment early moves up": (event(NoteAdded, deal="D-1078", text="x", ts="2026-11-30T17:59:46+07:00"), None),
    "stale expect_version": (event(StageChanged, deal="D-1078", stage="won"), 1),
    "expect_version of an unknown deal": (event(StageChanged, deal="D-9999", stage="won"), 0),
    "opened twice": (event(DealOpened, deal="D-1078", name="x", owner="lan", stage="quote", amount=1,
                           priority="must"), None),
    "split part opened twice": (event(DealOpened, deal="D-1038-1", name="x", owner="lan", stage="quote", amount=1,
                                      priority="must"), None),
    "new deal in an unknown stage": (event(DealOpened, deal="D-NEW", name="x", owner="lan", stage="signed",
                                           amount=1, priority="must"), None),
    "new deal in a defined stage": (event(DealOpened, deal="D-NEW", name="x", owner="lan", stage="demo",
                                          amount=1, priority="must"), None),
    "split into a used id": (event(DealSplit, deal="D-1078", parts=[
        {"deal": "D-NEW", "amount": 1, "priority": "must"}, {"deal": "D-1225", "amount": 1, "priority": "must"}]), None),
    "split accepted": (event(DealSplit, deal="D-1078", parts=[
        {"deal": "D-NEW-1", "amount": 1, "priority": "must"}, {"deal": "D-NEW-2", "amount": 1, "priority": "could"}]),
        None),
    "stage defined": (event(StageDefined, stage="pilot", rate=Decimal("0.5"), lead_days=10, position=4), None),
    "target set": (event(TargetSet, period="2026-12", amount=10), None),
}


def seeded_and_full(tmp_path, event, expect_version=None, before=b""):
    """The outcome of one append to two copies of the sample (plus `before`, written after the Store's load)."""
    full, seeded = sample_copy(tmp_path, "full"), sample_copy(tmp_path, "seeded")
    with Store.open(seeded, cache=False) as store:
        for path in (full, seeded):
            with open(path, "ab") as f:
                f.write(before)
        unseeded = outcome(LedgerWriter(full), event, expect_version)
        return unseeded, outcome(LedgerWriter(seeded, source=store), event, expect_version)


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_seeded_append_does_what_a_full_read_does(tmp_path, full_reads, name):
    event, expect_version = SCENARIOS[name]
    unseeded, seeded = seeded_and_full(tmp_path, event, expect_version)
    assert len(full_reads) == 1  # the unseeded writer's only
    assert seeded == unseeded
    if name == "stale expect_version":
        assert seeded[0] is Conflict
    if name == "accepted":
        assert seeded[0].line == 2339


AFTER_COVERAGE = {
    # lines another writer appended after the Store loaded, then the event checked against them
    "a deal opened since": (opened("01NEWOPEN", "D-LATE", TS) + "\n",
                            event(NoteAdded, deal="D-LATE", text="call"), 1),
    "an id used since": (line("note_added", "01NEWEVENT0000000000000001", TS, deal="D-1078", text="x") + "\n",
                         event(NoteAdded, deal="D-1078", text="call"), None),
    "a stage defined since": (line("stage_defined", "01NEWSTAGE", TS, stage="pilot", rate=0.5, lead_days=1,
                                   position=4) + "\n", event(StageChanged, deal="D-1078", stage="pilot"), None),
    "a version moved since": (line("note_added", "01NEWNOTE", TS, deal="D-1078", text="x") + "\n",
                              event(StageChanged, deal="D-1078", stage="won"), 1),
    "a later ts since": (line("note_added", "01NEWNOTE", "2026-12-02T09:00:00+07:00", deal="D-1078", text="x")
                         + "\n", event(NoteAdded, deal="D-1078", text="call"), None),
    "a deal split since": (line("deal_split", "01NEWSPLIT", TS, deal="D-1078",
                                parts=[{"deal": "D-1078-A", "amount": 1, "priority": "must"}]) + "\n",
                           event(NoteAdded, deal="D-1078-A", text="call"), 1),
    "a split parent since": (line("deal_split", "01NEWSPLIT", TS, deal="D-1078",
                                  parts=[{"deal": "D-1078-A", "amount": 1, "priority": "must"}]) + "\n",
                             event(NoteAdded, deal="D-1078", text="call"), None),
    "a cut-off line": (opened("01NEWOPEN", "D-LATE", TS)[:40], event(NoteAdded, deal="D-1078", text="call"), None),
    "a broken line": ("garbage\n", event(NoteAdded, deal="D-1078", text="call"), None),
}


@pytest.mark.parametrize("name", AFTER_COVERAGE)
def test_lines_appended_after_the_cache_count(tmp_path, full_reads, name):
    before, event, expect_version = AFTER_COVERAGE[name]
    unseeded, seeded = seeded_and_full(tmp_path, event, expect_version, before.encode())
    assert len(full_reads) == 1
    assert seeded == unseeded
    if name == "a deal opened since":
        assert seeded[0].line == 2340 and seeded[0].deal_version == 2
    if name == "an id used since":
        assert seeded == (LedgerError, "refused: duplicate id '01NEWEVENT0000000000000001' (first used on line 2339); "
                                       "nothing was written")
    if name == "a cut-off line":
        assert seeded[0].set_aside == 40
        assert side_file(tmp_path / "seeded" / "ledger.jsonl").read_bytes() == before.encode() + b"\n"


def test_the_store_resumes_the_fold_a_full_read_makes(tmp_path):
    path = sample_copy(tmp_path, "s")
    full = read_ledger(path, keep_events=False).state
    deals = {"D-1078", "D-1038", "D-1038-2", "D-1225", "D-9999"}
    ids = {FIRST_ID, "nope"}
    with Store.open(path, cache=False) as store:
        resumed = store.resume(ids, deals)
    stat = os.stat(path)
    assert (resumed.end_offset, resumed.next_line, resumed.file) == (stat.st_size, 2339, (stat.st_dev, stat.st_ino))
    state = resumed.state
    assert list(state.stages.items()) == list(full.stages.items())  # order too: a refusal lists them
    assert (state.last_ts, state.first_ts, state.events, state.targets) == (
        full.last_ts, full.first_ts, full.events, full.targets)
    assert state.ids == {FIRST_ID: 1}
    assert state.deals == {d: full.deals[d] for d in deals if d in full.deals}


def test_a_seeded_writer_keeps_no_partial_fold(tmp_path, full_reads):
    path = sample_copy(tmp_path, "s")
    with Store.open(path, cache=False) as store:
        writer = LedgerWriter(path, source=store)
        first = writer.append(event(NoteAdded, id="01A", deal="D-1078", text="a"))
        assert writer._seen is None
        second = writer.append(event(StageChanged, id="01B", deal="D-1225", stage="won"))
        third = append_event(path, event(NoteAdded, id="01C", deal="D-1078", text="c"), source=store)
    assert (first.line, second.line, third.line) == (2339, 2340, 2341)
    assert first.deal_version + 1 == third.deal_version
    assert full_reads == [] and read_ledger(path).ok


def test_a_replaced_file_is_read_in_full(tmp_path, full_reads):
    path = sample_copy(tmp_path, "s")
    with Store.open(path, cache=False) as store:
        other = path.with_name("other.jsonl")
        other.write_bytes(path.read_bytes().replace(b'"D-1078"', b'"D-1078x"'))  # same size, other inode
        os.replace(other, path)
        with pytest.raises(LedgerError, match="'D-1078' was never opened"):
            LedgerWriter(path, source=store).append(event(NoteAdded, deal="D-1078", text="call"))
    assert len(full_reads) == 1


def test_bytes_rewritten_in_place_are_read_in_full(tmp_path, full_reads):
    path = sample_copy(tmp_path, "s")
    with Store.open(path, cache=False) as store:
        data = path.read_bytes()
        with open(path, "r+b") as f:  # same inode, same size, another last line
            f.write(data.replace(b'"deal":"D-1078","text":"Find', b'"deal":"D-1079","text":"Find'))
        appended = LedgerWriter(path, source=store).append(event(NoteAdded, deal="D-1078", text="call"))
    assert len(full_reads) == 1 and appended.line == 2339


def test_a_truncated_file_is_read_in_full(tmp_path, full_reads):
    path = sample_copy(tmp_path, "s")
    with Store.open(path, cache=False) as store:
        data = path.read_bytes()
        os.truncate(path, data.rindex(b"\n", 0, len(data) - 1) + 1)
        appended = LedgerWriter(path, source=store).append(event(NoteAdded, deal="D-1078", text="call"))
    assert len(full_reads) == 1 and appended.line == 2338


def test_a_store_with_problems_in_its_lines_leaves_the_refusal_to_a_full_read(write_ledger, full_reads):
    path = write_ledger(opened("e1", "D-1"), "garbage", opened("e3", "D-3"))
    with Store.open(path, cache=False) as store:
        assert store.problems and store.resume({"x"}, {"D-1"}) is None
        with pytest.raises(LedgerError, match=r"has 1 problem\(s\), first .*:2: not valid JSON"):
            LedgerWriter(path, source=store).append(event(NoteAdded, deal="D-1", text="call"))
    assert len(full_reads) == 1
    assert path.read_bytes().count(b"\n") == 3


class Failing:
    def resume(self, ids, deals):
        raise RuntimeError("the cache broke")


def test_a_failing_or_far_behind_source_costs_a_full_read(tmp_path, full_reads):
    path = sample_copy(tmp_path, "s")
    first_line = path.read_bytes().split(b"\n")[0] + b"\n"
    with Store.open(path, cache=False) as store:
        LedgerWriter(path, source=Failing()).append(event(NoteAdded, id="01A", deal="D-1078", text="a"))
        assert len(full_reads) == 1
        behind = store.resume({"x"}, {"D-1078"})
        # the same file, as if the store had loaded only its first line: the rest is more than half the file
        far = Resumed(LedgerState(), len(first_line), 2, behind.file)

        class Behind:
            def resume(self, ids, deals):
                return far

        LedgerWriter(path, source=Behind()).append(event(NoteAdded, id="01B", deal="D-1078", text="b"))
        assert len(full_reads) == 2
    assert read_ledger(path).ok


def test_a_source_that_moves_on_is_asked_again(tmp_path, full_reads):
    path = sample_copy(tmp_path, "s")
    with Store.open(path, cache=False) as store:
        LedgerWriter(path).append(event(DealOpened, id="01A", deal="D-LATE", name="x", owner="lan", stage="quote",
                                        amount=1, priority="must"))
        asked = []

        class Refreshing:
            def resume(self, ids, deals):
                asked.append((set(ids), set(deals)))
                return store.resume(ids, deals)

        appended = LedgerWriter(path, source=Refreshing()).append(
            event(NoteAdded, id="01B", deal="D-1078", text="b"))
    assert asked == [({"01B"}, {"D-1078"}), ({"01A", "01B"}, {"D-1078", "D-LATE"})]
    assert appended.line == 2340 and len(full_reads) == 1  # the first writer's


def _run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err.replace(argv[-1], "LEDGER")


@pytest.mark.parametrize("argv", [
    ["priority", "D-1078", "could", "--ts", TS],
    ["move", "D-1078", "won", "--expect-version", "1", "--ts", TS],
    ["note", "D-9999", "call", "--ts", TS],
    ["move", "D-1078", "signed", "--ts", TS],
])
def test_the_change_commands_seed_from_the_cache(tmp_path, monkeypatch, capsys, full_reads, argv):
    full, seeded = sample_copy(tmp_path, "full"), sample_copy(tmp_path, "seeded")
    Store.open(seeded).close()
    unseeded_result = _run([*argv, "--ledger", str(full)], capsys)
    assert len(full_reads) == 1  # a small ledger: no cache opened
    monkeypatch.setattr(tui.cli.edits, "SEED_FROM_CACHE_BYTES", 0)
    seeded_result = _run([*argv, "--ledger", str(seeded)], capsys)
    assert len(full_reads) == 1
    assert seeded_result == unseeded_result
    fresh_id = re.compile(rb'"id":"[^"]*"')  # the commands make a new id each
    assert fresh_id.sub(b"", full.read_bytes()) == fresh_id.sub(b"", seeded.read_bytes())


def test_a_change_command_without_a_usable_cache_reads_the_ledger(tmp_path, monkeypatch, capsys, full_reads):
    path = sample_copy(tmp_path, "s")
    with tui.cli.edits._cache_source(path) as source:
        assert source is None  # a small ledger
    monkeypatch.setattr(tui.cli.edits, "SEED_FROM_CACHE_BYTES", 0)
    with tui.cli.edits._cache_source(path) as source:
        assert source is None and not cache_path_for(path).exists()  # no cache: none made
    Store.open(path).close()
    with cache_held(cache_path_for(path)):
        with tui.cli.edits._cache_source(path) as source:
            assert source is None  # the Store would load the whole ledger into memory
        assert main(["note", "D-1078", "again", "--ts", TS, "--ledger", str(path)]) == 0
    assert len(full_reads) == 1
    assert capsys.readouterr().out == "line 2339: D-1078: next action: again (version 14)\n"
