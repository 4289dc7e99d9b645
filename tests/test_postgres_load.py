"""The query cache's load of a table: in pieces fetched ahead, stored as a file's lines are, all or nothing."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import psycopg
import pytest

from ledger import postgres
from ledger.home import forget_tables
from ledger.home_table import TableHome
from queries import Store, table_store
from queries.ahead import ahead
from queries.table_store import TABLE_KEY, TableStore, cache_path_for_table
from tests.conftest import line, opened

ROOT = Path(__file__).resolve().parent.parent
T0 = dt.datetime(2026, 10, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def at(minutes: int) -> str:
    return (T0 + dt.timedelta(minutes=minutes)).isoformat()


def ledger_lines(count: int, start: int = 0) -> list[str]:
    """`count` lines from minute `start` on: deals opened, moved, noted, with a time zone set midway."""
    lines = []
    for n in range(start, start + count):
        deal = f"D-{n // 4}"
        kind = n % 4
        if kind == 0:
            lines.append(opened(f"e{n}", deal, at(n)))
        elif kind == 1:
            lines.append(line("stage_changed", f"e{n}", at(n), deal=deal, stage="negotiation"))
        elif kind == 2:
            lines.append(line("note_added", f"e{n}", at(n), deal=deal, text=f"call {n}"))
        else:
            lines.append(line("stage_changed", f"e{n}", at(n), deal=deal, stage="won"))
        if n == start + count // 2:
            lines.append(line("settings_changed", f"s{n}", at(n), tz="Asia/Ho_Chi_Minh"))
    return lines


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(table_store, "PIECE_ROWS", 5)  # many pieces from few rows
    yield
    forget_tables()


def add_rows(url: str, lines: list[str]) -> None:
    """Rows as the server takes them, unchecked (a line the ledger refuses included)."""
    postgres.init(url)
    where = postgres.parse_url(url)
    with postgres.connect(where) as conn:
        postgres.append_lines(conn, where.table, postgres.last_seq(conn, where.table), lines, lambda rows: None)


def cache_held(url: str) -> tuple:
    """What the cache file on this laptop holds: its rows, its snapshot, its coverage and the table's last row."""
    with duckdb.connect(str(cache_path_for_table(postgres.parse_url(url)))) as con:
        meta = dict(con.execute("SELECT key, value FROM cache_meta").fetchall())
        return (con.execute("SELECT count(*), max(line) FROM ledger_events").fetchone(),
                con.execute("SELECT deal, stage, events FROM deal_snapshot ORDER BY deal").fetchall(),
                meta.get("covered"), meta.get(TABLE_KEY))


def rows_of(store: Store) -> tuple[list, list]:
    with store.cursor() as cur:
        return (cur.execute("SELECT * FROM ledger_events ORDER BY seq").fetchall(),
                cur.execute("SELECT * FROM deal_snapshot ORDER BY deal").fetchall())


def test_a_table_loaded_in_pieces_holds_the_rows_a_file_holds(pg_url, tmp_path):
    lines = ledger_lines(40)
    lines[17] = line("note_added", "x1", at(17), deal="D-404", text="no such deal")  # refused by the reader
    lines[23] = line("stage_changed", "x2", at(22), deal="D-5", stage="nowhere")  # an unknown stage: refused
    add_rows(pg_url, lines)
    path = tmp_path / "ledger.jsonl"
    path.write_text("".join(text + "\n" for text in lines))
    with Store.open(path) as from_file, TableStore.open_table(pg_url) as from_table:
        assert rows_of(from_table) == rows_of(from_file) and len(rows_of(from_file)[0]) == 39
        assert [(p.line, p.reason) for p in from_table.problems] == [(p.line, p.reason) for p in from_file.problems]
        assert [p.line for p in from_table.problems] == [18, 24]
        assert from_table.time_zone == from_file.time_zone == "Asia/Ho_Chi_Minh"
        assert from_table.forecast(as_of=at(60)) == from_file.forecast(as_of=at(60))
        with postgres.connect(postgres.parse_url(pg_url)) as conn:
            last_seq, last_id = conn.execute(f"SELECT seq, id FROM {from_table.where.table} ORDER BY seq DESC "
                                             "LIMIT 1").fetchone()
    assert cache_held(pg_url)[3] == f"{last_seq} {last_id}"  # the proof a reopen checks


def test_rows_past_the_cache_are_checked_against_every_deal_they_name_in_any_piece(pg_url):
    cached = ledger_lines(12)  # D-0 .. D-2
    add_rows(pg_url, cached)
    TableStore.open_table(pg_url).close()
    forget_tables()
    later = ledger_lines(20, start=12)  # four pieces of new deals, then a row on a cached deal in the last
    later.append(line("note_added", "late", at(40), deal="D-1", text="back to an old deal"))
    add_rows(pg_url, later)
    with TableStore.open_table(pg_url) as store:
        assert store.problems == []
        assert store.events_loaded == len(cached) + len(later) == 35
        assert [d for d in store.pipeline(as_of=at(60)) if d.deal == "D-1"]


def test_a_small_refresh_keeps_its_events_for_the_board_and_a_large_one_does_not(pg_url, monkeypatch):
    add_rows(pg_url, ledger_lines(8))
    with TableStore.open_table(pg_url) as store:
        start = store.position
        add_rows(pg_url, ledger_lines(7, start=8))
        assert store.refresh() == 8  # with the time zone set midway
        assert store.recent is not None and store.recent[:2] == (start, store.position)
        assert [e.id for e in store.recent[2]] == [f"e{n}" for n in range(8, 12)] + ["s11"] + [f"e{n}" for n in range(12, 15)]
        monkeypatch.setattr(table_store, "RECENT_EVENTS", 3)
        add_rows(pg_url, ledger_lines(4, start=15))
        assert store.refresh() == 5 and store.recent is None
        assert store.refresh() == 0 and store.events_loaded == 9 + 8 + 5


def fail_after(pieces: int, fail):
    """TableHome.iter_pieces_after that calls `fail(home)` once `pieces` pieces were handed over."""
    original = TableHome.iter_pieces_after

    def cut(self, seq, rows):
        fetched = original(self, seq, rows)
        try:
            for n, piece in enumerate(fetched, 1):
                yield piece
                if n == pieces:
                    fail(self)
        finally:
            fetched.close()  # in the fetching thread, which holds the home

    return cut


def offline(home):
    raise postgres.Offline("the server went away (test)")


def server_lost(home):
    """The server ends this home's session, as a restart or a network loss would."""
    with psycopg.connect(home.where.conninfo, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (home._conn.info.backend_pid,))


@pytest.mark.parametrize("fail", [offline, server_lost])
def test_a_load_cut_short_leaves_the_cache_as_it_was(pg_url, monkeypatch, fail):
    add_rows(pg_url, ledger_lines(12))
    TableStore.open_table(pg_url).close()
    forget_tables()
    before = cache_held(pg_url)
    add_rows(pg_url, ledger_lines(30, start=12))
    with monkeypatch.context() as patch:
        patch.setattr(TableHome, "iter_pieces_after", fail_after(3, fail))
        with pytest.raises(postgres.Offline):
            TableStore.open_table(pg_url)
        assert cache_held(pg_url) == before  # three pieces were stored, uncommitted: none kept
        with TableStore.open_table(pg_url, offline_ok=True) as store:
            assert store.offline and store.events_loaded == 13
    with TableStore.open_table(pg_url) as store:  # the server back: the rows it lacks, and only those
        assert store.offline is None and store.problems == [] and store.events_loaded == 13 + 31
    assert cache_held(pg_url)[0] == (44, 44)


def test_a_first_load_cut_short_leaves_an_empty_cache(pg_url, monkeypatch):
    add_rows(pg_url, ledger_lines(30))
    monkeypatch.setattr(TableHome, "iter_pieces_after", fail_after(2, server_lost))
    with pytest.raises(postgres.Offline):
        TableStore.open_table(pg_url)
    assert cache_held(pg_url)[:3] == ((0, None), [], "0")


_KILLED = """
import sys, time
from queries import table_store
table_store.PIECE_ROWS = 5
fold = table_store.fold_piece
def slow(*args):
    read = fold(*args)
    print("piece", flush=True)
    time.sleep(0.3)
    return read
table_store.fold_piece = slow
table_store.TableStore.open_table(sys.argv[1])
"""


def test_a_process_killed_mid_load_leaves_the_cache_as_it_was(pg_url, tmp_path):
    add_rows(pg_url, ledger_lines(12))
    TableStore.open_table(pg_url).close()
    forget_tables()
    before = cache_held(pg_url)
    add_rows(pg_url, ledger_lines(40, start=12))
    proc = subprocess.Popen([sys.executable, "-c", _KILLED, pg_url], cwd=ROOT, stdout=subprocess.PIPE,
                            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}, text=True)
    try:
        for _ in range(3):  # three pieces read and handed to DuckDB
            assert proc.stdout.readline() == "piece\n"
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert cache_held(pg_url) == before
    with TableStore.open_table(pg_url) as store:
        assert store.problems == [] and store.events_loaded == 13 + 41


# --- fetching ahead ------------------------------------------------------------------------------------


def test_ahead_hands_over_the_items_in_order_and_then_their_error():
    def items():
        yield from range(10)
        raise ValueError("lost at 10")

    got = []
    with ahead(items()) as fetched, pytest.raises(ValueError, match="lost at 10"):
        for item in fetched:
            got.append(item)
    assert got == list(range(10))


def test_ahead_runs_on_its_own_thread_at_most_depth_items_ahead():
    made, threads = [], set()

    def items():
        for n in range(100):
            threads.add(threading.current_thread().name)
            made.append(n)
            yield n

    with ahead(items(), depth=2) as fetched:
        assert next(fetched) == 0
        time.sleep(0.3)
        assert len(made) <= 4  # one taken, two queued, one waiting to be queued
    assert threads == {"dealbook-fetch"}


def test_ahead_left_early_stops_its_thread_and_closes_the_items():
    closed = threading.Event()

    def items():
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    before = threading.active_count()
    with ahead(items()) as fetched:
        assert next(fetched) == 0
    assert closed.is_set() and threading.active_count() == before
