"""The first load and large refreshes (queries/pieces.py): the rows of a load in many pieces, on a thread or not,
equal those of a load in one piece, and a load that fails leaves the cache claiming nothing it does not hold."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import queries.pieces
import queries.store
from ledger import SettingsChanged, read_ledger, stamp
from ledger.events import encode_event
from queries import Store, loading
from queries.store import cache_path_for
from scripts.gen_big_ledger import generate

EVENTS = 3000


@pytest.fixture(scope="module")
def ledger_text(tmp_path_factory) -> bytes:
    """A generated ledger (splits, stage moves, revivals) whose time zone is set half-way through."""
    path = tmp_path_factory.mktemp("gen") / "gen.jsonl"
    generate(path, EVENTS, open_deals=200, seed=11)
    lines = path.read_bytes().splitlines(keepends=True)
    half = len(lines) // 2
    before = read_ledger(path).events[half - 1]
    zone = stamp(SettingsChanged, tz="Asia/Bangkok", ts=before.ts)
    return b"".join(lines[:half]) + encode_event(zone) + b"".join(lines[half:])


def rows(store: Store) -> tuple[list[tuple], list[tuple]]:
    with store.cursor() as cur:
        return (cur.execute("SELECT * FROM ledger_events ORDER BY seq").fetchall(),
                cur.execute("SELECT * FROM deal_snapshot ORDER BY deal").fetchall())


def stages_before(path: Path) -> dict[int, str]:
    """The reference: each stage_changed's line -> the deal's stage before it, by the reader's own fold."""
    stages: dict[int, str] = {}
    read = read_ledger(path, keep_events=False)
    assert read.ok
    state = type(read.state)()
    for line, event in enumerate(read_ledger(path).events, start=1):
        if type(event).__name__ == "StageChanged":
            stages[line] = state.deals[event.deal].stage  # type: ignore[attr-defined]
        state.apply(event, line)
    return stages


@pytest.mark.parametrize("threaded", [True, False])
def test_a_load_in_many_pieces_stores_the_rows_of_a_load_in_one(tmp_path, monkeypatch, ledger_text, threaded):
    path = tmp_path / "l.jsonl"
    path.write_bytes(ledger_text)
    with Store.open(path, cache=False) as whole:  # one piece
        expected = rows(whole)
        assert whole.time_zone == "Asia/Bangkok"
    prior = {row[1]: row[18] for row in expected[0] if row[4] == "stage_changed"}
    assert prior == stages_before(path)  # prev_stage, column 18, is the stage the reader's fold had
    monkeypatch.setattr(queries.store, "LOAD_PIECE_BYTES", 20_000)  # about 25 pieces, the zone set in one
    monkeypatch.setattr(queries.pieces, "THREADED", threaded)
    with Store.open(path) as store:
        assert rows(store) == expected
    with Store.open(path) as reopened:  # the coverage written with the rows is trusted: nothing reloaded
        assert rows(reopened) == expected
        assert reopened.refresh() == 0


def test_a_refresh_finds_the_prior_stage_among_the_rows_stored(tmp_path, ledger_text):
    path = tmp_path / "l.jsonl"
    path.write_bytes(ledger_text)
    with Store.open(path, cache=False) as whole:
        expected = rows(whole)
    lines = ledger_text.splitlines(keepends=True)
    path.write_bytes(b"".join(lines[: len(lines) // 3]))
    with Store.open(path) as store:
        path.write_bytes(ledger_text)  # the rest appended: deals moved now were opened in the cache
        assert store.refresh() == len(lines) - len(lines) // 3
        assert rows(store) == expected


@pytest.mark.parametrize("threaded", [True, False])
def test_a_load_that_fails_midway_leaves_the_cache_as_it_was(tmp_path, monkeypatch, ledger_text, threaded):
    path = tmp_path / "l.jsonl"
    path.write_bytes(ledger_text)
    with Store.open(path, cache=False) as whole:
        expected = rows(whole)
    monkeypatch.setattr(queries.store, "LOAD_PIECE_BYTES", 20_000)
    monkeypatch.setattr(queries.pieces, "THREADED", threaded)
    insert, calls = loading.insert_chunk, []

    def fails_on_the_fifth(*args):
        calls.append(1)
        if len(calls) == 5:
            raise OSError("disk full (simulated)")
        insert(*args)

    monkeypatch.setattr(loading, "insert_chunk", fails_on_the_fifth)
    with pytest.raises(OSError, match="simulated"):
        Store.open(path)
    assert len(calls) == 5  # nothing ran after the failure
    con = duckdb.connect(str(cache_path_for(path)))
    try:
        assert con.execute("SELECT count(*) FROM ledger_events").fetchone() == (0,)
        assert con.execute("SELECT value FROM cache_meta WHERE key = 'covered'").fetchone() == ("0",)
    finally:
        con.close()
    monkeypatch.setattr(loading, "insert_chunk", insert)
    with Store.open(path) as store:
        assert rows(store) == expected
