"""The same contract for both homes of a ledger, a file and a PostgreSQL table (a real server): appends,
versions and conflicts, refusals, stamping, reading from a position, waiting for new lines."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from ledger import (
    AmountChanged, Conflict, DealOpened, LedgerError, LedgerWriter, NoteAdded, SettingsChanged, StageChanged, Unchanged,
    append_event, read_ledger, stamp,
)
from ledger.home import FileHome, home_for

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["file", "table"])
def ledger(request, tmp_path) -> str | Path:
    """A fresh, empty ledger: a file path, or the URL of a new table on the test server."""
    if request.param == "file":
        yield tmp_path / "ledger.jsonl"
        return
    from ledger import postgres

    url = request.getfixturevalue("pg_url")
    postgres.init(url)
    yield url
    from ledger.home import forget_tables

    forget_tables()


def laptop(ledger):
    """A second writer, as another process would hold: its own fold (and, for a table, its own connection)."""
    if isinstance(ledger, Path):
        return LedgerWriter(ledger)
    from ledger.home_table import TableHome

    return TableHome(ledger)


def lines_of(ledger) -> list[str]:
    if isinstance(ledger, Path):
        return ledger.read_text().splitlines() if ledger.exists() else []
    from ledger import postgres

    where = postgres.parse_url(ledger)
    with postgres.connect(where) as conn:
        return [text for _, text in postgres.read_from(conn, where.table)]


def deal(name="D-1", **fields):
    base = dict(deal=name, name="Acme", owner="lan", stage="quote", amount=Decimal(5000), priority="must", ts=NOW)
    return stamp(DealOpened, **{**base, **fields})


def test_appends_are_read_back_in_order_with_their_lines_and_versions(ledger):
    first = append_event(ledger, deal())
    second = append_event(ledger, stamp(StageChanged, deal="D-1", stage="negotiation", ts=NOW), expect_version=1)
    third = append_event(ledger, deal("D-2"))
    assert (first.line, second.line, third.line) == (1, 2, 3)
    assert (first.deal_version, second.deal_version, third.deal_version) == (1, 2, 1)
    read = read_ledger(ledger)
    assert read.ok and [e.id for e in read.events] == [first.event.id, second.event.id, third.event.id]
    assert read.lines == [1, 2, 3] and read.state.deals["D-1"].stage == "negotiation"
    assert len(lines_of(ledger)) == 3


def test_two_laptops_changing_one_deal_from_one_version_get_one_write_and_one_conflict(ledger):
    append_event(ledger, deal())
    mine, theirs = laptop(ledger), laptop(ledger)
    assert mine.append(stamp(NoteAdded, deal="D-1", text="seen", ts=NOW)).deal_version == 2
    assert theirs.append(stamp(NoteAdded, deal="D-1", text="seen too", ts=NOW)).deal_version == 3  # both at 3
    assert mine.append(stamp(AmountChanged, deal="D-1", amount=Decimal(7000), ts=NOW), expect_version=3).deal_version == 4
    before = lines_of(ledger)
    with pytest.raises(Conflict, match=r"conflict: deal 'D-1' is at version 4 \(last changed on line 4\), you "
                                       r"expected 3.*Nothing was written"):
        theirs.append(stamp(AmountChanged, deal="D-1", amount=Decimal(9000), ts=NOW), expect_version=3)
    assert lines_of(ledger) == before
    # the refused laptop caught up meanwhile: from the version it now knows, it is written
    assert theirs.append(stamp(AmountChanged, deal="D-1", amount=Decimal(9000), ts=NOW), expect_version=4).line == 5


@pytest.mark.parametrize("bad, reason", [
    (lambda: stamp(StageChanged, deal="D-9", stage="won", ts=NOW), "never opened"),
    (lambda: stamp(StageChanged, deal="D-1", stage="signed", ts=NOW), "stage"),
    (lambda: deal("D-1"), "opened twice"),
])
def test_what_the_ledger_refuses_is_refused_and_nothing_is_written(ledger, bad, reason):
    append_event(ledger, deal())
    before = lines_of(ledger)
    with pytest.raises(LedgerError, match=f"refused: .*{reason}.*nothing was written"):
        append_event(ledger, bad())
    assert lines_of(ledger) == before


def test_a_reused_id_is_refused(ledger):
    first = append_event(ledger, deal())
    with pytest.raises(LedgerError, match="duplicate id|already in the ledger table"):
        laptop(ledger).append(deal("D-2", id=first.event.id))
    assert len(lines_of(ledger)) == 1


def test_a_change_that_changes_nothing_is_not_written(ledger):
    append_event(ledger, deal())
    with pytest.raises(Unchanged, match="nothing to do"):
        append_event(ledger, stamp(AmountChanged, deal="D-1", amount=Decimal(5000), ts=NOW))
    assert len(lines_of(ledger)) == 1


def test_the_clock_stamps_in_the_ledgers_zone_and_never_before_the_last_line(ledger):
    append_event(ledger, stamp(SettingsChanged, tz="Asia/Ho_Chi_Minh", ts=NOW))
    later = append_event(ledger, deal(), clock=lambda: NOW + dt.timedelta(hours=1))
    assert later.event.ts.isoformat() == "2026-10-01T16:00:00+07:00"
    behind = laptop(ledger).append(stamp(NoteAdded, deal="D-1", text="x", ts=NOW),
                                   clock=lambda: NOW + dt.timedelta(minutes=58))
    assert behind.event.ts == later.event.ts  # another laptop's clock behind the last line: stamped at it
    with pytest.raises(LedgerError, match="more than 5 minutes past this machine's clock"):
        append_event(ledger, stamp(NoteAdded, deal="D-1", text="y", ts=NOW), clock=lambda: NOW - dt.timedelta(hours=1))
    assert read_ledger(ledger).ok and len(lines_of(ledger)) == 3


def test_a_broken_ledger_takes_no_line(ledger):
    append_event(ledger, deal())
    bad = '{"id":"zz","ts":"2026-10-01T08:00:00+00:00","type":"no_such_event"}'
    if isinstance(ledger, Path):
        with open(ledger, "a") as f:
            f.write(bad + "\n")
    else:  # another client than Dealbook's writer put it there
        from ledger import postgres

        where = postgres.parse_url(ledger)
        with postgres.connect(where) as conn:
            conn.execute(f"INSERT INTO {where.table} (id, ts, line) VALUES ('zz', 'x', %s)", (bad,))
    read = read_ledger(ledger)
    assert [(p.line, "unknown event type" in p.reason) for p in read.problems] == [(2, True)]
    with pytest.raises(LedgerError, match=r"1 problem\(s\), first .*:2: unknown event type"):
        laptop(ledger).append(stamp(NoteAdded, deal="D-1", text="x", ts=NOW))
    assert len(lines_of(ledger)) == 2


def test_reading_from_a_position_gives_only_the_lines_after_it(ledger):
    append_event(ledger, deal())
    append_event(ledger, deal("D-2"))
    home = home_for(ledger)
    first = home.read_from()
    assert first.next_line == 3 and len(first.events) == 2
    laptop(ledger).append(stamp(NoteAdded, deal="D-2", text="later", ts=NOW))
    more = home.read_from(first.end_offset, first.next_line, first.state)
    assert [(type(e).__name__, line) for e, line in zip(more.events, more.lines)] == [("NoteAdded", 3)]
    assert more.state.deals["D-2"].version == 2  # folded on top of the first read
    assert home.read_from(more.end_offset, more.next_line, more.state).events == []


def test_wait_wakes_on_another_writers_append_and_not_without_one(ledger):
    append_event(ledger, deal())
    home = home_for(ledger) if not isinstance(ledger, Path) else FileHome(ledger)
    assert home.wait(0.3) is False
    writer = laptop(ledger)
    timer = threading.Timer(0.2, lambda: writer.append(stamp(NoteAdded, deal="D-1", text="x", ts=NOW)))
    timer.start()
    try:
        assert home.wait(5.0) is True
    finally:
        timer.join()
