"""`read_ledger(keep_events=False)` cuts the bytes into pieces: the fold and the problems must be those of one read."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger import reader

SAMPLE = Path(__file__).resolve().parent.parent / "sample_events.jsonl"


@pytest.mark.parametrize("piece_bytes", [1, 97, 400, 4096])
def test_pieces_fold_as_one_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece_bytes: int) -> None:
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    # a refused line in the middle, and a last line cut off (no newline): both must be reported where they are
    text = b"".join(lines[:40]) + b'{"type": "nonsense"}\n' + b"".join(lines[40:]) + b'{"type": "deal_op'
    ledger = tmp_path / "events.jsonl"
    ledger.write_bytes(text)
    whole = reader.read_ledger(ledger)
    monkeypatch.setattr(reader, "FOLD_PIECE_BYTES", piece_bytes)
    pieces = reader.read_ledger(ledger, keep_events=False)
    assert pieces.events == []
    assert [(p.line, p.reason) for p in pieces.problems] == [(p.line, p.reason) for p in whole.problems]
    assert [p.line for p in whole.problems] == [41, len(lines) + 2]
    assert pieces.state.deals == whole.state.deals
    assert pieces.state.events == whole.state.events == len(lines)
    assert (pieces.end_offset, pieces.next_line, pieces.cut_tail) == (whole.end_offset, whole.next_line, whole.cut_tail)
