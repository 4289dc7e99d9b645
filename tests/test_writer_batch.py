"""Many events at once (an import): all or nothing, one write and one fsync, each checked against the ones before."""

from __future__ import annotations

import pytest
from conftest import line, opened

from ledger import Conflict, LedgerError, NoteAdded, StageChanged, read_ledger, stamp
from ledger.events import DealOpened
from ledger.writer import SYSTEM, FileOps, LedgerWriter, now


class Counting(FileOps):
    def __init__(self) -> None:
        self.writes = self.fsyncs = 0

    def write(self, fd: int, data: bytes) -> int:
        self.writes += 1
        return SYSTEM.write(fd, data)

    def fsync(self, fd: int) -> None:
        self.fsyncs += 1
        SYSTEM.fsync(fd)


def new_deal(deal: str) -> DealOpened:
    return stamp(DealOpened, deal=deal, name=deal, owner="lan", stage="quote", amount=1000, priority="must")


def test_a_batch_is_one_write_and_one_fsync_and_each_event_sees_the_ones_before(write_ledger):
    path = write_ledger(opened("e1", "D-1"))
    ops = Counting()
    items = [(new_deal(f"N-{i}"), None) for i in range(200)]
    items += [(stamp(StageChanged, deal="N-0", stage="won"), 1), (stamp(NoteAdded, deal="N-0", text="x"), 2)]
    done = LedgerWriter(path, ops).append_all(items, clock=now)
    assert (ops.writes, ops.fsyncs) == (1, 1)
    assert [a.line for a in done] == list(range(2, 204)) and done[-1].deal_version == 3
    ledger = read_ledger(path)
    assert ledger.ok and ledger.state.deals["N-0"].stage == "won" and len(ledger.events) == 203


@pytest.mark.parametrize(("bad", "error", "said"), [
    ((stamp(StageChanged, deal="N-1", stage="won"), 7), Conflict, "event 3 of 3"),  # a stale version
    ((new_deal("D-1"), None), LedgerError, "opened twice"),  # already in the ledger
    ((stamp(StageChanged, deal="N-9", stage="won"), None), LedgerError, "never opened"),
])
def test_one_refused_event_writes_nothing_and_says_which(write_ledger, bad, error, said):
    path = write_ledger(opened("e1", "D-1"))
    before = path.read_bytes()
    writer = LedgerWriter(path)
    with pytest.raises(error, match=said):
        writer.append_all([(new_deal("N-1"), None), (new_deal("N-2"), None), bad], clock=now)
    assert path.read_bytes() == before
    assert writer.append_all([(new_deal("N-1"), None)], clock=now)[0].line == 2  # the writer recovers


def test_a_failed_write_is_cut_back(write_ledger):
    class Failing(FileOps):
        def fsync(self, fd: int) -> None:
            raise OSError(28, "No space left on device")

    path = write_ledger(opened("e1", "D-1"), line("note_added", "e2", deal="D-1", text="x"))
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="write failed"):
        LedgerWriter(path, Failing()).append_all([(new_deal(f"N-{i}"), None) for i in range(50)], clock=now)
    assert path.read_bytes() == before
