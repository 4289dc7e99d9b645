"""An id the caller minted just now is not looked up in the cache; everything else an append checks still is."""

from __future__ import annotations

from pathlib import Path

import pytest

import ledger.writer
from ledger import NoteAdded, StageChanged, read_ledger, stamp
from queries import Store
from tests.test_writer_seeded import TS, sample_copy


@pytest.mark.parametrize("fresh", [True, False])
def test_a_fresh_id_is_not_asked_of_the_source(tmp_path: Path, monkeypatch, fresh):
    monkeypatch.setattr(ledger.writer, "_writers", {})
    path = sample_copy(tmp_path, "s")
    asked = []
    with Store.open(path) as store:
        real = store.resume
        monkeypatch.setattr(store, "resume", lambda ids, deals: (asked.append((set(ids), set(deals))), real(ids, deals))[1])
        event = stamp(StageChanged, deal="D-1078", stage="negotiation", ts=TS)  # a new ULID
        appended = ledger.writer.append_event(path, event, source=store, fresh_id=fresh)
    assert asked and all(deals == {"D-1078"} for _, deals in asked)
    assert all(ids == (set() if fresh else {event.id}) for ids, _ in asked)
    assert appended.line == read_ledger(path).next_line - 1 and not read_ledger(path).problems


def test_the_deal_is_still_checked_with_a_fresh_id(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ledger.writer, "_writers", {})
    path = sample_copy(tmp_path, "s")
    with Store.open(path) as store:
        with pytest.raises(ledger.writer.LedgerError, match="D-9999"):
            ledger.writer.append_event(path, stamp(NoteAdded, deal="D-9999", text="x", ts=TS), source=store,
                                       fresh_id=True)
