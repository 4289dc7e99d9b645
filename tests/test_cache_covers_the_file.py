"""Every open proves the cache covers the ledger as it is now: a same-length edit in the middle, its mtime
put back, is seen (issue 13, point 4), and the writer fed from the cache refuses what a full read refuses."""

from __future__ import annotations

import json
import os

import pytest
from conftest import line, opened

from ledger import LedgerError, NoteAdded, read_ledger, stamp
from ledger.writer import LedgerWriter
from queries import Store, cache_path_for
from tui.cli import main

# the edits fall well before the last 64 KiB, whose hash alone was checked on a reopen before
NOTES = [line("note_added", f"n{i}", deal="D-3", text=f"call number {i:04d} " + "x" * 80) for i in range(900)]
LINES = [line("target_set", "t1", period="2026-10", amount=10000), opened("e1", "D-1"), opened("e2", "D-2"),
         opened("e3", "D-3"), *NOTES]
FORECAST = ["forecast", "--period", "2026-10", "--as-of", "2026-10-02", "--json"]


def forecast(path, capsys) -> dict:
    assert main(["--ledger", str(path), *FORECAST]) == 0
    return json.loads(capsys.readouterr().out)


def edit_in_place(path, old: bytes, new: bytes) -> None:
    """Replace bytes with as many others and put the mtime (and the size) back: what a careless tool does."""
    assert len(old) == len(new)
    before = os.stat(path)
    data = path.read_bytes()
    assert data.count(old) == 1
    path.write_bytes(data.replace(old, new))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def test_a_same_length_edit_in_the_middle_with_the_mtime_put_back_is_seen(write_ledger, capsys):
    path = write_ledger(*LINES)
    assert forecast(path, capsys)["target"] == 10000
    assert path.stat().st_size > 2 * 64 * 1024
    edit_in_place(path, b'"amount": 10000', b'"amount": 90000')  # the target, line 1 of 904
    assert forecast(path, capsys)["target"] == 90000  # not the cached 10,000


def test_the_cache_fed_writer_refuses_what_a_full_read_refuses(write_ledger, capsys):
    path = write_ledger(*LINES)
    forecast(path, capsys)  # the cache now covers every line
    edit_in_place(path, b'"id": "e2"', b'"id": "e1"')  # line 3 now reuses line 2's id
    assert any("e1" in p.reason for p in read_ledger(path).problems)
    size = path.stat().st_size
    assert main(["--ledger", str(path), "note", "D-1", "call"]) == 1  # as without the cache: refused
    assert "ledger.jsonl:3:" in capsys.readouterr().err
    assert path.stat().st_size == size  # nothing written


def test_a_store_reopened_after_the_edit_folds_the_file_again(write_ledger):
    path = write_ledger(*LINES)
    with Store.open(path) as store:
        assert store.forecast("2026-10", "2026-10-02").target == 10000
    edit_in_place(path, b'"amount": 10000', b'"amount": 20000')
    with Store.open(path) as store:
        assert store.forecast("2026-10", "2026-10-02").target == 20000


def test_a_writer_fed_by_the_cache_proves_every_byte_before_trusting_it(write_ledger):
    path = write_ledger(*LINES)
    Store.open(path).close()  # the cache covers every line
    edit_in_place(path, b'"id": "e2"', b'"id": "e1"')  # line 3 reuses line 2's id, outside the last 64 KiB
    store = Store(path, cache_path_for(path))  # as the CLI hands it to the writer: no refresh
    try:
        with pytest.raises(LedgerError, match=r"ledger.jsonl:3"):
            LedgerWriter(path, source=store).append(stamp(NoteAdded, deal="D-1", text="call"))
    finally:
        store.close()
    assert b"call\"" not in path.read_bytes()[-200:]
