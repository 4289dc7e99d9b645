"""A table writer's first append starts from the query cache on this laptop: only the rows past it are read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ledger import Conflict, NoteAdded, StageChanged, postgres, stamp
from ledger.home import forget_tables, home_for
from ledger.pgcopy import copy_to_table
from queries.table_store import TableStore, table_source
from tests.conftest import line, opened
from tui.cli import main

T0 = dt.datetime(2026, 10, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def at(minutes: int) -> str:
    return (T0 + dt.timedelta(minutes=minutes)).isoformat()


CACHED = [
    opened("e1", "D-1", at(1)), opened("e2", "D-2", at(2)), opened("e3", "D-3", at(3)),
    line("stage_changed", "e4", at(4), deal="D-1", stage="negotiation"),
    line("note_added", "e5", at(5), deal="D-2", text="call"),
]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield
    forget_tables()


@pytest.fixture
def reads(monkeypatch) -> list[int]:
    """The seq after which each read of the table's rows starts (a full read starts at 0)."""
    starts: list[int] = []
    rows_after, read_from, read_pieces = postgres._rows_after, postgres.read_from, postgres.read_pieces

    def spy_rows_after(conn, table, seq):
        starts.append(seq)
        return rows_after(conn, table, seq)

    def spy_read_from(conn, table, seq=0, batch=postgres.READ_BATCH):
        starts.append(seq)
        return read_from(conn, table, seq, batch)

    def spy_read_pieces(conn, table, seq, rows):
        starts.append(seq)
        return read_pieces(conn, table, seq, rows)

    monkeypatch.setattr(postgres, "_rows_after", spy_rows_after)
    monkeypatch.setattr(postgres, "read_pieces", spy_read_pieces)
    monkeypatch.setattr(postgres, "read_from", spy_read_from)
    return starts


def cached_table(url: str, tmp_path: Path, lines: list[str] = CACHED) -> None:
    """A table holding `lines`, read into this laptop's cache, then a new process (nothing held in memory)."""
    source = tmp_path / "cached.jsonl"
    source.write_text("".join(text + "\n" for text in lines))
    postgres.init(url)
    copy_to_table(source, url)
    TableStore.open_table(url).close()
    forget_tables()


def another_laptop(url: str, *events) -> None:
    """Rows appended by someone else after this laptop's cache was last refreshed."""
    for event in events:
        home_for(url).append(event)
    forget_tables()


def test_a_first_append_reads_only_the_rows_past_the_cache(pg_url, tmp_path, reads):
    cached_table(pg_url, tmp_path)
    another_laptop(pg_url, stamp(NoteAdded, ts=at(6), deal="D-3", text="past the cache"))
    reads.clear()
    with table_source(pg_url) as source:
        assert source is not None
        appended = home_for(pg_url).append(stamp(StageChanged, ts=at(7), deal="D-1", stage="quote"),
                                           expect_version=2, source=source)
    assert appended.line == 7 and appended.deal_version == 3
    assert reads and min(reads) == len(CACHED)  # never from 0: the cache's rows are not read again
    rows = [text for _, text in postgres.read_from(postgres.connect(postgres.parse_url(pg_url)),
                                                   postgres.parse_url(pg_url).table)]
    assert len(rows) == 7 and '"stage":"quote"' in rows[-1].replace(" ", "")


def test_a_stale_version_is_a_conflict_from_the_cached_fold_and_rows_past_it(pg_url, tmp_path, reads):
    cached_table(pg_url, tmp_path)
    another_laptop(pg_url, stamp(StageChanged, ts=at(6), deal="D-1", stage="quote"))  # D-1 now at version 3
    reads.clear()
    with table_source(pg_url) as source, pytest.raises(Conflict, match="version 3"):
        home_for(pg_url).append(stamp(StageChanged, ts=at(7), deal="D-1", stage="won"), expect_version=2,
                                source=source)
    assert min(reads) == len(CACHED)
    with table_source(pg_url) as source:
        appended = home_for(pg_url).append(stamp(StageChanged, ts=at(7), deal="D-1", stage="won"),
                                           expect_version=3, source=source)
    assert (appended.line, appended.deal_version) == (7, 4)


def test_rows_past_the_cache_naming_other_deals_are_checked_against_their_cached_fold(pg_url, tmp_path, reads):
    cached_table(pg_url, tmp_path)
    # past the cache: changes of D-2 and D-3, which the new event does not name; their fold comes from the cache
    another_laptop(pg_url, stamp(StageChanged, ts=at(6), deal="D-2", stage="negotiation"),
                   stamp(NoteAdded, ts=at(6), deal="D-3", text="x"))
    reads.clear()
    with table_source(pg_url) as source:
        appended = home_for(pg_url).append(stamp(NoteAdded, ts=at(7), deal="D-1", text="y"), source=source)
        assert appended.line == 8
        # and the next process changing D-2 from the version the rows past the cache gave it
        forget_tables()
        appended = home_for(pg_url).append(stamp(StageChanged, ts=at(8), deal="D-2", stage="won"),
                                           expect_version=3, source=source)
    assert appended.deal_version == 4
    assert min(reads) == len(CACHED)


def test_a_table_made_again_under_the_same_name_is_read_whole(pg_url, tmp_path, reads):
    cached_table(pg_url, tmp_path)
    where = postgres.parse_url(pg_url)
    with postgres.connect(where) as conn:
        conn.execute(f"DROP TABLE {where.table}")
    other = [opened(f"n{i}", "D-1", at(i)) if i == 1 else line("note_added", f"n{i}", at(i), deal="D-1", text="n")
             for i in range(1, 8)]
    source_file = tmp_path / "other.jsonl"
    source_file.write_text("".join(text + "\n" for text in other))
    postgres.init(pg_url)
    copy_to_table(source_file, pg_url)  # as many rows and more: the row at the cache's last seq is another's
    forget_tables()
    reads.clear()
    with table_source(pg_url) as source:
        assert source is not None and source.resume(set(), {"D-1"}).state.deals["D-1"].version == 2  # the old table
        appended = home_for(pg_url).append(stamp(StageChanged, ts=at(9), deal="D-1", stage="won"),
                                           expect_version=7, source=source)
    assert (appended.line, appended.deal_version) == (8, 8)  # the new table's D-1 (its 6 notes), read whole
    assert 0 in reads


def test_a_change_command_on_a_table_takes_its_fold_from_the_cache(pg_url, tmp_path, reads, capsys):
    cached_table(pg_url, tmp_path)
    reads.clear()
    assert main(["--ledger", pg_url, "move", "D-1", "quote", "--expect-version", "2", "--ts", at(8)]) == 0
    assert capsys.readouterr().out.startswith("line 6: D-1: ")
    assert reads and min(reads) == len(CACHED)


def test_the_owner_check_of_a_change_command_reads_the_cache_and_the_rows_past_it(pg_url, tmp_path, reads, capsys):
    cached_table(pg_url, tmp_path)
    from ledger import DealOpened

    another_laptop(pg_url, stamp(DealOpened, ts=at(6), deal="D-4", name="Deal D-4", owner="mai", stage="quote",
                                 amount=1000, priority="must"))
    reads.clear()
    assert main(["--ledger", pg_url, "owner", "D-1", "maii", "--ts", at(7)]) == 1
    assert "did you mean mai" in capsys.readouterr().err  # mai: seen only in a row past the cache
    assert main(["--ledger", pg_url, "owner", "D-1", "mai", "--ts", at(7)]) == 0
    assert reads and min(reads) == len(CACHED)


def test_a_refresh_keeps_the_ledger_wide_fold_that_the_cache_would_answer(pg_url, tmp_path):
    from queries import loading

    more = [line("settings_changed", "s1", at(6), tz="Asia/Ho_Chi_Minh"),
            line("stage_defined", "s2", at(7), stage="demo", rate=0.3, lead_days=20, position=3, kind="open"),
            line("target_set", "s3", at(8), period="2026-10", amount=9000),
            line("target_set", "s4", at(9), period="2026-10", owner="lan", amount=4000),
            line("stage_changed", "s5", at(10), deal="D-3", stage="demo")]
    cached_table(pg_url, tmp_path, CACHED + more[:1])
    where = postgres.parse_url(pg_url)
    with postgres.connect(where) as conn:
        postgres.append_lines(conn, where.table, 0, more[1:], lambda rows: None)
    store = TableStore.open_table(pg_url)  # the rows past the cache loaded: the base kept from their fold
    try:
        kept = store._base
        assert kept is not None and kept[0] == (store._coverage.covered, store._coverage.next_line)
        with store.cursor() as cur:
            asked = loading.resume_base(cur)
        fields = ("last_ts", "stages", "targets", "events", "first_ts", "settings", "key_results")
        assert [getattr(kept[1], f) for f in fields] == [getattr(asked, f) for f in fields]
        assert list(kept[1].stages) == list(asked.stages) and "demo" in kept[1].stages
        assert kept[1].targets[("2026-10", "lan")] == 4000 and kept[1].events == 10
    finally:
        store.close()
