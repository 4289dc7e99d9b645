"""The first load and large refreshes (queries/pieces.py): the rows of a load in many pieces, on a thread or not,
equal those of a load in one piece, and a load that fails leaves the cache claiming nothing it does not hold."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings

import queries.pieces
import queries.store
from ledger import SettingsChanged, read_ledger, stamp
from ledger.collector import collector_back
from ledger.events import encode_event
from queries import Store, loading, sqlfiles
from queries.store import cache_path_for
from scripts.gen_big_ledger import generate
from tests.strategies import ledgers

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
@pytest.mark.parametrize("through_files", [True, False])
def test_a_load_in_many_pieces_stores_the_rows_of_a_load_in_one(tmp_path, monkeypatch, ledger_text, threaded,
                                                                through_files):
    path = tmp_path / "l.jsonl"
    path.write_bytes(ledger_text)
    with Store.open(path, cache=False) as whole:  # one piece
        expected = rows(whole)
        assert whole.time_zone == "Asia/Bangkok"
    prior = {row[1]: row[17] for row in expected[0] if row[4] == "stage_changed"}
    assert prior == stages_before(path)  # prev_stage, column 17, is the stage the reader's fold had
    monkeypatch.setattr(queries.store, "LOAD_PIECE_BYTES", 20_000)  # about 25 pieces, the zone set in one
    monkeypatch.setattr(queries.pieces, "THREADED", threaded)
    if through_files:  # each chunk's JSON read by DuckDB from a file (the whole load's was a string)
        monkeypatch.setattr(loading, "FILE_STAGED", 1)
    with Store.open(path) as store:
        assert rows(store) == expected
    with Store.open(path) as reopened:  # the coverage written with the rows is trusted: nothing reloaded
        assert rows(reopened) == expected
        assert reopened.refresh() == 0


def test_a_chunk_read_from_a_file_is_the_chunk_sent_as_a_string_whatever_its_text(tmp_path, monkeypatch):
    """Quotes, backslashes, commas, tabs and control characters (escaped), any script, a line longer than the
    CSV reader's default limit: a chunk staged through a file stores the rows a chunk sent as a string does;
    with no temporary file to be had, it goes as a string; the files are removed."""
    from ledger import DealOpened, NoteAdded
    odd = 'a "quoted", back\\slash\ttab \u0001 \n Ωμέγα 中文 🚀'
    events = [stamp(DealOpened, deal="D-1", name=odd, owner="o,1", stage="lead", amount="12.3456",
                    priority="must"),
              stamp(NoteAdded, deal="D-1", text="x" * 3_000_000, due=None),
              stamp(NoteAdded, deal="D-1", text=odd, due=None)]
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b"".join(encode_event(e) for e in events))
    with Store.open(path, cache=False) as whole:
        expected = rows(whole)
    written = []
    real = loading._written
    monkeypatch.setattr(loading, "_written", lambda text: written.append(real(text)) or written[-1])
    monkeypatch.setattr(loading, "FILE_STAGED", 1)
    with Store.open(path, cache=False) as store:
        assert rows(store) == expected
    assert written and all(p is not None and not Path(p).exists() for p in written)

    def no_file(*args, **kwargs):
        raise OSError("no room")

    monkeypatch.setattr(loading.tempfile, "mkstemp", no_file)
    with Store.open(path, cache=False) as store:
        assert rows(store) == expected


def test_a_temporary_directory_whose_path_is_a_pattern_is_not_used(tmp_path, monkeypatch):
    """DuckDB's readers take * ? [ in a path as a pattern (and read every file it matches): with such a
    temporary directory the chunks go as strings."""
    odd = tmp_path / "t*p?"
    odd.mkdir()
    path = tmp_path / "l.jsonl"
    path.write_bytes(b"".join(encode_event(e) for e in read_ledger(
        Path(__file__).resolve().parent.parent / "sample_events.jsonl").events))
    with Store.open(path, cache=False) as whole:
        expected = rows(whole)
    monkeypatch.setattr(loading.tempfile, "tempdir", str(odd))
    monkeypatch.setattr(loading, "FILE_STAGED", 1)
    written = []
    real = loading._written
    monkeypatch.setattr(loading, "_written", lambda text: written.append(real(text)) or written[-1])
    with Store.open(path, cache=False) as store:
        assert rows(store) == expected
    assert written and set(written) == {None}


def test_a_load_removes_the_chunk_files_that_loads_killed_outright_left(tmp_path, monkeypatch):
    """A load killed with SIGKILL (or by the kernel, out of memory) leaves its chunk file in the temporary
    directory: the next process to stage a chunk through a file removes it, as its writer no longer runs,
    and leaves the files of running processes (its own included), fresh ones and any other file."""
    import os
    import subprocess

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(loading.tempfile, "tempdir", str(tmp))
    monkeypatch.setattr(loading, "_swept", [])
    monkeypatch.setattr(loading, "FILE_STAGED", 1)
    ended = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                               text=True, check=True).stdout)
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        kept = [f"dealbook-chunk-{os.getpid()}-mine.jsonl", f"dealbook-chunk-{running.pid}-theirs.jsonl",
                "dealbook-chunk-notes.jsonl", f"dealbook-chunk-{ended}-x.txt", f"dealbook-chunk-{ended}-new.jsonl"]
        old = loading.time.time() - loading.SWEPT_AFTER - 60
        for name in [*kept, f"dealbook-chunk-{ended}-killed.jsonl"]:
            (tmp / name).write_text("{}")
            if not name.endswith("-new.jsonl"):  # a file this fresh may be a load's that this process cannot see
                os.utime(tmp / name, (old, old))
        path = tmp_path / "l.jsonl"
        path.write_bytes((Path(__file__).resolve().parent.parent / "sample_events.jsonl").read_bytes())
        with Store.open(path, cache=False) as store:
            assert store.events_loaded > 0
        assert sorted(p.name for p in tmp.iterdir()) == sorted(kept)  # the load's own chunk files gone too
    finally:
        running.kill()
        running.wait()


def snapshot_folded_again(store: Store) -> tuple[list[tuple], list[tuple]]:
    """deal_snapshot as the load made it, and as snapshot_rows.sql (a refresh's fold) makes it from the rows."""
    with store.cursor() as cur:
        made = cur.execute("SELECT * FROM deal_snapshot ORDER BY deal").fetchall()
        cur.begin()
        cur.execute("DELETE FROM deal_snapshot")
        folded = cur.execute(f"SELECT * FROM ({sqlfiles.sql('snapshot_rows')}) ORDER BY deal",
                             {"use_snapshot": True, "t_us": 2**62}).fetchall()
        cur.rollback()
    return made, folded


def test_the_snapshot_of_a_load_from_nothing_is_the_one_a_refresh_folds(tmp_path, ledger_text):
    """A load from nothing folds every row at once (snapshot_first.sql); a refresh merges new rows into the
    old snapshot (snapshot_rows.sql): the same rows, on splits, notes, won deals and a zone set half-way."""
    path = tmp_path / "l.jsonl"
    path.write_bytes(ledger_text)
    with Store.open(path) as store:
        made, folded = snapshot_folded_again(store)
    assert len(made) > 200 and any(row[-1] for row in made) and made == folded  # split parents among them
    sample = Path(__file__).resolve().parent.parent / "sample_events.jsonl"
    with Store.open(sample, cache=False) as store:
        made, folded = snapshot_folded_again(store)
    assert made and made == folded


@given(events=ledgers(max_events=40))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_snapshot_of_a_load_from_nothing_is_the_one_a_refresh_folds_on_any_ledger(tmp_path, events):
    path = tmp_path / "l.jsonl"
    path.write_bytes(b"".join(encode_event(e) for e in events))
    with Store.open(path, cache=False) as store:
        made, folded = snapshot_folded_again(store)
    assert made == folded


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
    interval = sys.getswitchinterval()
    with pytest.raises(OSError, match="simulated"):
        Store.open(path)
    assert len(calls) == 5  # nothing ran after the failure
    assert sys.getswitchinterval() == interval  # given back, failure or not
    con = duckdb.connect(str(cache_path_for(path)))
    try:
        assert con.execute("SELECT count(*) FROM ledger_events").fetchone() == (0,)
        assert con.execute("SELECT value FROM cache_meta WHERE key = 'covered'").fetchone() == ("0",)
    finally:
        con.close()
    monkeypatch.setattr(loading, "insert_chunk", insert)
    with Store.open(path) as store:
        assert rows(store) == expected


def test_a_large_load_hands_the_gil_over_quickly_and_folds_with_more_memory_then_gives_both_back(
        tmp_path, monkeypatch, ledger_text):
    """While the worker runs, Python switches threads every SWITCH_INTERVAL and its collector is paused;
    the snapshot's fold runs under FOLD_MEMORY times the text once Python has let go of it (more than the
    pieces' limit); all are as they were after."""
    path = tmp_path / "l.jsonl"
    path.write_bytes(ledger_text)
    monkeypatch.setattr(queries.store, "LOAD_PIECE_BYTES", 20_000)
    monkeypatch.setattr(queries.pieces, "FOLD_MEMORY", 2000.0)  # 2000 x the text: about 800 MB here
    insert, fold = loading.insert_chunk, loading.update_snapshot
    intervals, limits, collecting = [], {}, []

    def spied_insert(cur, *args):
        intervals.append(sys.getswitchinterval())
        collecting.append(gc.isenabled())
        limits.setdefault("pieces", cur.execute("SELECT current_setting('memory_limit')").fetchone()[0])
        insert(cur, *args)

    def spied_fold(cur, **kwargs):
        limits["fold"] = cur.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        fold(cur, **kwargs)

    monkeypatch.setattr(loading, "insert_chunk", spied_insert)
    monkeypatch.setattr(loading, "update_snapshot", spied_fold)
    interval = sys.getswitchinterval()
    with Store.open(path) as store, store.cursor() as cur:
        after = cur.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert len(intervals) > 10 and set(intervals) == {queries.pieces.SWITCH_INTERVAL} != {interval}
    assert sys.getswitchinterval() == interval
    assert set(collecting) == {False} and gc.isenabled() and gc.get_freeze_count() == 0

    def mib(setting: str) -> float:
        number, unit = setting.split()
        return float(number) * {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024}[unit]

    assert mib(limits["pieces"]) == pytest.approx(queries.pieces.LOAD_MEMORY / 2**20, rel=0.01)
    assert mib(limits["fold"]) == pytest.approx(2000 * len(ledger_text) / 2**20, rel=0.01)
    assert mib(after) > mib(limits["fold"])  # reset: DuckDB's own default (80% of the RAM)


def test_the_collector_comes_back_without_walking_what_was_made_while_it_was_off():
    """What a load made goes to the collector's oldest generation at once: a young collection no longer
    walks it (the first one walked every object of a 1M load, 0.15-0.2 s), and nothing stays frozen."""
    was = gc.isenabled()
    gc.disable()
    try:
        made = [[n] for n in range(1000)]  # tracked objects, made while the collector is off
        collector_back()
        assert gc.isenabled() and gc.get_freeze_count() == 0
        oldest = {id(obj) for obj in gc.get_objects(generation=2)}
        assert all(id(obj) in oldest for obj in made)
    finally:
        if not was:
            gc.disable()


def test_each_row_keeps_its_instant_its_offset_and_its_own_date(tmp_path):
    """ts_us, utc_offset and own_day of every stored row are the instant, the offset and the date the
    line's ts says, late at night, east and west, half hours, fractions of a second and Z included."""
    import datetime as dt
    from decimal import Decimal

    from ledger.events import DealOpened, NoteAdded

    zones = [dt.timezone.utc, dt.timezone(dt.timedelta(hours=7)), dt.timezone(dt.timedelta(hours=-5)),
             dt.timezone(dt.timedelta(hours=-3, minutes=-30)), dt.timezone(dt.timedelta(hours=14)),
             dt.timezone(dt.timedelta(hours=5, minutes=45))]
    start = dt.datetime(2026, 2, 28, 22, 59, 59, 999_999, tzinfo=dt.timezone.utc)
    events = [DealOpened(id="e0", ts=start, deal="D", name="n", owner="o", stage="quote", amount=Decimal(1),
                         priority="must")]
    for n in range(1, 60):
        instant = start + dt.timedelta(minutes=37 * n, microseconds=n)
        events.append(NoteAdded(id=f"e{n}", ts=instant.astimezone(zones[n % len(zones)]), deal="D", text="x"))
    path = tmp_path / "zones.jsonl"
    path.write_bytes(b"".join(map(encode_event, events)))
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    with Store.open(path) as store, store.cursor() as cur:
        stored = cur.execute("SELECT ts_us, utc_offset, own_day, day FROM ledger_events WHERE sub = 0 ORDER BY seq").fetchall()
    said = [((e.ts - epoch) // dt.timedelta(microseconds=1), int(e.ts.utcoffset().total_seconds()), e.ts.date(),
             e.ts.date()) for e in events]
    assert stored == said
    assert len({row[1] for row in stored}) == len(zones) and any(row[2] != (epoch + dt.timedelta(
        microseconds=row[0])).date() for row in stored)  # some own dates differ from the UTC date
