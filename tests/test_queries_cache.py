"""The cache beside the ledger: reused when it holds the ledger's bytes, extended on append, rebuilt otherwise."""

from __future__ import annotations

import datetime as dt
import os

import pytest

import queries.store
from conftest import cache_held
from ledger.events import DealOpened, NoteAdded, StageChanged, TargetSet, encode_event
from queries import Store, cache_path_for

ICT = dt.timezone(dt.timedelta(hours=7))


def line(n: int) -> bytes:
    """The n-th event of a simple ledger: a target, then deals opened and noted in turn."""
    ts = dt.datetime(2026, 10, 1, 8, tzinfo=ICT) + dt.timedelta(minutes=n)
    if n == 0:
        return encode_event(TargetSet(id="E0", ts=ts, period="2026-10", amount=50_000))
    if n % 2:
        return encode_event(DealOpened(id=f"E{n}", ts=ts, deal=f"D-{n}", name=f"deal {n}", owner="lan",
                                       stage="quote", amount=1_000 * n, priority="must"))
    return encode_event(NoteAdded(id=f"E{n}", ts=ts, deal=f"D-{n - 1}", text=f"call {n}"))


def lines(start: int, stop: int) -> bytes:
    return b"".join(line(n) for n in range(start, stop))


@pytest.fixture
def reads(monkeypatch):
    """The (start_offset, start_line) of every ledger read the store makes."""
    calls = []
    real = queries.store.read_pieces

    def spy(path, buf, **kwargs):
        calls.append((kwargs.get("start_offset", 0), kwargs.get("start_line", 1)))
        return real(path, buf, **kwargs)

    monkeypatch.setattr(queries.store, "read_pieces", spy)
    return calls


def progress(path) -> float:
    with Store.open(path, cache=False) as fresh:
        return fresh.forecast("2026-10", "2026-10-02").progress


def test_a_reopen_reuses_the_cache_without_reading_the_ledger(tmp_path, reads):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(lines(0, 40))
    with Store.open(path) as store:
        first = store.forecast("2026-10", "2026-10-02")
    assert cache_path_for(path).exists() and reads == [(0, 1)]
    with Store.open(path) as store:
        assert store.forecast("2026-10", "2026-10-02") == first
        assert store.events_loaded == 40
    assert reads == [(0, 1)]


def test_lines_appended_are_read_from_where_the_cache_stops(tmp_path, reads):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(lines(0, 20))
    size = path.stat().st_size
    with Store.open(path) as store:
        with path.open("ab") as f:
            f.write(lines(20, 30))
        assert store.refresh() == 10
        assert store.refresh() == 0
        with path.open("ab") as f:
            f.write(lines(30, 41))
    with Store.open(path) as store:
        assert store.events_loaded == 41
        assert [r.deal for r in store.pipeline("2026-10-02")] == [f"D-{n}" for n in range(39, 0, -2)]
        assert store.pipeline("2026-10-02")[0].next_action == "call 40"
        assert store.forecast("2026-10", "2026-10-02").progress == pytest.approx(progress(path))
    assert reads[0] == (0, 1) and reads[1] == (size, 21) and reads[2][1] == 31


@pytest.mark.parametrize("edit", ["same size", "same size and mtime", "truncated", "replaced", "shorter line"])
def test_a_ledger_changed_under_the_cache_is_read_again_from_the_start(tmp_path, reads, edit):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(lines(0, 30))
    Store.open(path).close()
    data = path.read_bytes()
    stat = path.stat()
    if edit.startswith("same size"):
        path.write_bytes(data.replace(b'"amount":3000', b'"amount":9000'))
        if edit == "same size and mtime":
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    elif edit == "truncated":
        path.write_bytes(data[: data.rindex(b"\n", 0, len(data) - 1) + 1])
    elif edit == "replaced":
        os.replace(path, tmp_path / "old.jsonl")
        path.write_bytes(lines(0, 12) + line(12).replace(b"call 12", b"other") + lines(13, 35))
    else:
        path.write_bytes(data.replace(b"deal 3", b"deal") + line(30))
    with Store.open(path) as store:
        assert store.forecast("2026-10", "2026-10-02").progress == pytest.approx(progress(path))
        assert not store.problems
    assert reads[-1] == (0, 1)


def test_every_open_finds_an_edit_that_kept_size_and_mtime(tmp_path, reads):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(lines(0, 30))
    Store.open(path).close()
    stat = path.stat()
    path.write_bytes(path.read_bytes().replace(b'"amount":3000', b'"amount":9000'))  # well before the tail
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with Store.open(path) as store:  # the whole covered prefix is hashed again on every open
        assert store.forecast("2026-10", "2026-10-02").progress == progress(path)
    assert reads[:2] == [(0, 1), (0, 1)]  # read again from the start (the third: the in-memory store)


def test_a_cache_written_by_other_code_is_rebuilt(tmp_path, reads, monkeypatch):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(lines(0, 10))
    Store.open(path).close()
    monkeypatch.setattr(queries.store, "engine_fingerprint", lambda: "another engine")
    Store.open(path).close()
    assert reads[:2] == [(0, 1), (0, 1)]  # (the third: the in-memory store it is checked against)


def test_a_cache_that_is_not_a_database_is_replaced(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(lines(0, 10))
    cache_path_for(path).write_bytes(b"not a database" * 100)
    with Store.open(path) as store:
        assert store.events_loaded == 10


def test_problems_are_kept_with_the_cache_and_a_cut_off_line_is_read_once_complete(tmp_path):
    path = tmp_path / "ledger.jsonl"
    bad = b'{"id":"X","ts":"2026-10-01T08:00:00+07:00","type":"stage_changed","deal":"D-404","stage":"won"}\n'
    path.write_bytes(lines(0, 5) + bad + lines(5, 9) + line(9)[:20])
    with Store.open(path) as store:
        assert [p.line for p in store.problems] == [6, 11]
        assert store.events_loaded == 9
    with Store.open(path) as store:  # from the cache: the same problems
        assert [p.line for p in store.problems] == [6, 11]
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"\n") + 1] + line(9))  # the writer sets the tail aside, appends
    with Store.open(path) as store:
        assert [p.line for p in store.problems] == [6]
        assert store.events_loaded == 10


def test_a_missing_ledger_is_empty_and_a_removed_one_empties_the_cache(tmp_path):
    path = tmp_path / "ledger.jsonl"
    with Store.open(path) as store:
        assert store.pipeline("2026-10-01") == [] and store.forecast("2026-10").target is None
    path.write_bytes(lines(0, 4))
    with Store.open(path) as store:
        assert len(store.pipeline("2026-10-02")) == 2
        path.unlink()
        store.refresh()
        assert store.pipeline("2026-10-02") == []


def test_a_cache_held_by_another_process_is_left_alone(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(lines(0, 6))
    Store.open(path).close()
    with cache_held(cache_path_for(path)):
        with Store.open(path) as store:  # not waiting for the lock: the Store works in memory instead
            assert store.cache_path is None and "in use" in store.cache_note
            assert store.events_loaded == 6
