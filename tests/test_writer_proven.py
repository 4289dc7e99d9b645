"""A seeded writer proves the source's prefix once, then hashes only the bytes after it (a board's keystrokes)."""

from __future__ import annotations

import ledger.writer
from ledger import LedgerError, LedgerWriter, NoteAdded, read_ledger
from queries import Store
from tests.test_writer_seeded import event, full_reads, sample_copy  # noqa: F401 (a fixture)

import pytest


@pytest.fixture
def hashed(monkeypatch):
    """(from, to) of each range of the ledger a writer hashes."""
    ranges = []
    real = ledger.writer.hash_into

    def spy(digest, fd, at, end):
        ranges.append((at, end))
        real(digest, fd, at, end)

    monkeypatch.setattr(ledger.writer, "hash_into", spy)
    return ranges


def test_the_next_appends_hash_only_what_follows_the_proven_prefix(tmp_path, hashed, full_reads):
    path = sample_copy(tmp_path, "s")
    size = path.stat().st_size
    with Store.open(path, cache=False) as store:
        writer = LedgerWriter(path, source=store)
        writer.append(event(NoteAdded, id="01A", deal="D-1078", text="a"))
        after_first = path.stat().st_size
        store.refresh()  # the source now covers the first append too
        writer.append(event(NoteAdded, id="01B", deal="D-1078", text="b"))
        writer.append(event(NoteAdded, id="01C", deal="D-1078", text="c"))
    assert hashed == [(0, size), (size, after_first), (after_first, after_first)]
    assert full_reads == [] and read_ledger(path).ok and read_ledger(path).state.deals["D-1078"].next_action == "c"


def test_a_proven_prefix_whose_last_line_changed_is_hashed_again_and_refused(tmp_path, hashed, full_reads):
    path = sample_copy(tmp_path, "s")
    size = path.stat().st_size
    with Store.open(path, cache=False) as store:
        writer = LedgerWriter(path, source=store)
        writer.append(event(NoteAdded, id="01A", deal="D-1078", text="a"))
        data = path.read_bytes()
        last = data.rindex(b"\n", 0, size - 1) + 1  # the line that ends the proven prefix
        with open(path, "r+b") as f:  # same inode, same size: that line rewritten
            f.seek(last)
            f.write(data[last:size].replace(b'"id":"', b'"id":"X', 1)[:-2] + b"\n")
        with pytest.raises(LedgerError):
            writer.append(event(NoteAdded, id="01B", deal="D-1078", text="b"))
    assert hashed[-1][0] == 0 and len(full_reads) == 1
