"""Reading in pieces (the store's first load) and the shared writer of append_event: same results, less work."""

from __future__ import annotations

import os

import pytest

import queries.store
from ledger import DealOpened, LedgerError, StageChanged, append_event, read_ledger, stamp
from ledger.events import encode_event
from ledger.reader import read_pieces
from ledger.state import LedgerState
from queries import Store
from tests.test_queries_cache import line, lines


@pytest.mark.parametrize("piece_bytes", [1, 150, 700, 10**6])
def test_pieces_read_what_one_pass_reads(tmp_path, piece_bytes):
    path = tmp_path / "l.jsonl"
    data = lines(0, 30) + b'{"type": "nope"}\n' + line(30) + line(31)[:-9]  # a bad line and a cut-off tail
    path.write_bytes(data)
    whole = read_ledger(path)
    pieces = list(read_pieces(path, data, start_offset=0, start_line=1, state=LedgerState(), piece_bytes=piece_bytes))
    assert [e for p in pieces for e in p.events] == whole.events
    assert [n for p in pieces for n in p.lines] == whole.lines
    assert [p for piece in pieces for p in piece.problems] == whole.problems
    assert (pieces[-1].end_offset, pieces[-1].next_line, pieces[-1].cut_tail) == (
        whole.end_offset, whole.next_line, whole.cut_tail)
    assert all(piece.end_offset <= len(data) for piece in pieces)


def test_a_load_in_pieces_holds_what_a_load_in_one_piece_holds(tmp_path, monkeypatch):
    path = tmp_path / "l.jsonl"
    path.write_bytes(lines(0, 60))
    with Store.open(path, cache=False) as whole:
        expected = whole.forecast("2026-10", "2026-10-02")
    monkeypatch.setattr(queries.store, "LOAD_PIECE_BYTES", 500)
    with Store.open(path) as store:
        assert store.forecast("2026-10", "2026-10-02") == expected
        assert store.events_loaded == 60
    with Store.open(path) as reopened:  # the coverage written with the last piece is trusted
        assert reopened.forecast("2026-10", "2026-10-02") == expected


def test_append_event_reuses_its_writer_but_sees_other_writers_and_a_replaced_file(tmp_path):
    path = tmp_path / "l.jsonl"

    def open_deal(deal: str) -> None:
        append_event(path, stamp(DealOpened, deal=deal, name="A", owner="lan", stage="quote", amount=1,
                                 priority="must"))

    open_deal("D-1")
    with open(path, "ab") as other:  # another process appends
        other.write(encode_event(stamp(DealOpened, deal="D-7", name="B", owner="sam", stage="quote", amount=2,
                                       priority="must")))
    assert append_event(path, stamp(StageChanged, deal="D-7", stage="won"), expect_version=1).line == 3
    os.replace(_fresh_copy(tmp_path, b""), path)  # replaced by another file: read again
    open_deal("D-9")
    with pytest.raises(LedgerError, match="never opened"):
        append_event(path, stamp(StageChanged, deal="D-1", stage="won"))
    assert append_event(path, stamp(StageChanged, deal="D-9", stage="won")).line == 2


def _fresh_copy(tmp_path, data: bytes):
    other = tmp_path / "other.jsonl"
    other.write_bytes(data)
    return other
