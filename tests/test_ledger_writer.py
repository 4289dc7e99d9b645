"""Appends: checked before writing, whole lines under a lock, cut-off tails set aside, stale versions refused."""

import multiprocessing
import os

import pytest

from ledger import (
    Conflict, DealOpened, LedgerError, LedgerWriter, NoteAdded, StageChanged, append_event, read_ledger, side_file, stamp,
)
from tests.conftest import opened


def open_deal(path, deal="D-1"):
    return append_event(path, stamp(DealOpened, deal=deal, name="Acme", owner="lan", stage="quote",
                                    amount=5000, priority="must"))


def test_append_checks_before_writing(tmp_path):
    path = tmp_path / "l.jsonl"
    open_deal(path)
    before = path.read_bytes()
    for bad in [stamp(StageChanged, deal="D-2", stage="won"), stamp(StageChanged, deal="D-1", stage="signed")]:
        with pytest.raises(LedgerError):
            append_event(path, bad)
    assert path.read_bytes() == before


def test_a_stale_expected_version_is_refused(tmp_path):
    path = tmp_path / "l.jsonl"
    assert open_deal(path).deal_version == 1
    assert append_event(path, stamp(StageChanged, deal="D-1", stage="negotiation"), expect_version=1).deal_version == 2
    before = path.read_bytes()
    with pytest.raises(Conflict, match="version 2.*expected 1"):
        append_event(path, stamp(StageChanged, deal="D-1", stage="won"), expect_version=1)
    assert path.read_bytes() == before


def test_a_ledger_with_problems_takes_no_append(write_ledger):
    path = write_ledger("garbage")
    with pytest.raises(LedgerError, match=":1: not valid JSON"):
        open_deal(path)
    assert path.read_bytes() == b"garbage\n"


def test_cut_off_tail_at_every_offset_is_set_aside(tmp_path):
    full = (opened("e2", "D-2") + "\n").encode()
    for cut in range(1, len(full)):  # every byte offset of the last line, newline excluded
        path = tmp_path / f"l{cut}.jsonl"
        open_deal(path)
        acknowledged = path.read_bytes()
        with open(path, "ab") as f:
            f.write(full[:cut])
        assert "cut off" in read_ledger(path).problems[0].reason
        append_event(path, stamp(NoteAdded, deal="D-1", text="call"))
        data = path.read_bytes()
        assert data.startswith(acknowledged)  # nothing acknowledged is lost
        assert read_ledger(path).ok and len(data.splitlines()) == 2
        assert side_file(path).read_bytes() == full[:cut] + b"\n"


def _append_many(path, worker, count, persistent):
    writer = LedgerWriter(path)
    for i in range(count):
        event = stamp(NoteAdded, deal="D-1", text=f"w{worker} n{i}")
        if persistent:
            writer.append(event)
        else:
            append_event(path, event)


@pytest.mark.parametrize("writers, each, persistent", [(4, 500, False), (8, 250, True)],
                         ids=["4x500-one-shot", "8x250-long-lived"])
def test_parallel_writers_lose_and_interleave_nothing(tmp_path, writers, each, persistent):
    path = tmp_path / "l.jsonl"
    open_deal(path)
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_append_many, args=(path, w, each, persistent)) for w in range(writers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    result = read_ledger(path)
    assert result.ok
    notes = [e.text for e in result.events[1:]]
    assert len(notes) == 2000 and len(set(notes)) == 2000
    for w in range(writers):  # each writer's own appends stay in its order
        mine = [n for n in notes if n.startswith(f"w{w} ")]
        assert mine == [f"w{w} n{i}" for i in range(each)]


class FailingOps:
    def __init__(self, fail_on, errno_):
        self.fail_on, self.errno = fail_on, errno_

    def write(self, fd, data):
        if self.fail_on == "write":
            os.write(fd, bytes(data[:7]))  # a partial line reaches the disk first
            raise OSError(self.errno, os.strerror(self.errno))
        return os.write(fd, data)

    def fsync(self, fd):
        if self.fail_on == "fsync":
            raise OSError(self.errno, os.strerror(self.errno))
        os.fsync(fd)

    def truncate(self, fd, length):
        os.ftruncate(fd, length)


@pytest.mark.parametrize("fail_on", ["write", "fsync"])
@pytest.mark.parametrize("errno_", [28, 5])  # ENOSPC, EIO
def test_an_io_error_reports_failure_and_leaves_the_ledger_as_it_was(tmp_path, fail_on, errno_):
    import errno as errno_mod
    assert {28: errno_mod.ENOSPC, 5: errno_mod.EIO}[errno_] == errno_
    path = tmp_path / "l.jsonl"
    open_deal(path)
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="write failed"):
        append_event(path, stamp(NoteAdded, deal="D-1", text="x"), ops=FailingOps(fail_on, errno_))
    assert path.read_bytes() == before


def test_a_long_lived_writer_sees_other_writers_and_a_replaced_file(tmp_path):
    path = tmp_path / "l.jsonl"
    writer = LedgerWriter(path)
    writer.append(stamp(DealOpened, deal="D-1", name="A", owner="lan", stage="quote", amount=1, priority="must"))
    open_deal(path, "D-2")  # another writer
    assert writer.append(stamp(StageChanged, deal="D-2", stage="won"), expect_version=1).line == 3
    path.write_bytes(b"")  # the file replaced behind its back: it must reread, not trust its memory
    open_deal(path, "D-9")
    with pytest.raises(LedgerError, match="never opened"):
        writer.append(stamp(StageChanged, deal="D-1", stage="won"))
    assert writer.append(stamp(StageChanged, deal="D-9", stage="won")).line == 2
