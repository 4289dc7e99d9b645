"""A ledger table on a real PostgreSQL server: init, the refused UPDATE/DELETE/TRUNCATE, appends and reads."""

from __future__ import annotations

import json

import psycopg
import pytest

from ledger import LedgerError
from ledger import postgres
from tests.conftest import line


def event(id_: str, ts: str = "2026-10-01T08:00:00+07:00", **fields: object) -> str:
    return line("note_added", id_, ts, **{"deal": "D-1", "text": f"note {id_}", **fields})


def accept(rows):
    return None


@pytest.fixture
def table(pg_url):
    assert postgres.init(pg_url) is True
    where = postgres.parse_url(pg_url)
    with postgres.connect(where) as conn:
        yield where, conn


# --- the URL -----------------------------------------------------------------------------------------


def test_url_names_the_table_and_keeps_the_rest_for_libpq():
    where = postgres.parse_url("postgresql://rep:secret@db.example:5433/sales?sslmode=require&table=team_a")
    assert where.table == "team_a"
    assert where.conninfo == "postgresql://rep:secret@db.example:5433/sales?sslmode=require"
    assert "secret" not in str(where) and str(where).endswith("sslmode=require&table=team_a")
    assert postgres.is_url("postgres://h/db?table=t") and not postgres.is_url("ledger.jsonl")
    assert not postgres.is_url("postgresql.jsonl")


@pytest.mark.parametrize("url, said", [
    ("postgresql://h/sales", "no table"),
    ("postgresql://h/sales?table=a&table=b", "more than one table"),
    ("postgresql://h/sales?table=Team", "not accepted"),
    ("postgresql://h/sales?table=a;drop", "not accepted"),
    ("postgresql://h/sales?table=" + "a" * 49, "not accepted"),
    ("mysql://h/sales?table=a", "not a PostgreSQL URL"),
])
def test_a_bad_url_is_refused_with_what_to_write(url, said):
    with pytest.raises(LedgerError, match=said):
        postgres.parse_url(url)


def test_an_unreachable_server_is_offline_with_what_to_check():
    with pytest.raises(postgres.Offline, match="cannot reach the ledger .*PGPASSWORD"):
        postgres.connect(postgres.parse_url("postgresql://rep@127.0.0.1:1/sales?table=team_a&connect_timeout=2"))


# --- init --------------------------------------------------------------------------------------------


def test_init_creates_an_empty_table_once(pg_url):
    assert postgres.init(pg_url) is True
    assert postgres.init(pg_url) is False  # a second init changes nothing
    where = postgres.parse_url(pg_url)
    with postgres.connect(where) as conn:
        postgres.require_table(conn, where)
        assert postgres.last_seq(conn, where.table) == 0


def test_init_refuses_a_table_that_is_not_a_ledger(pg_server, pg_url):
    where = postgres.parse_url(pg_url)
    with postgres.connect(where) as conn:
        conn.execute(f'CREATE TABLE "{where.table}" (x int)')
    with pytest.raises(LedgerError, match="not a Dealbook ledger table"):
        postgres.init(pg_url)


def test_a_missing_table_says_to_run_init(pg_url):
    where = postgres.parse_url(pg_url)
    with postgres.connect(where) as conn, pytest.raises(LedgerError, match="dealbook init"):
        postgres.require_table(conn, where)


@pytest.mark.parametrize("statement", [
    "UPDATE {t} SET line = line",
    "UPDATE {t} SET id = 'x' WHERE seq = 1",
    "DELETE FROM {t}",
    "DELETE FROM {t} WHERE seq = 999",
    "TRUNCATE {t}",
])
def test_the_server_refuses_any_change_or_removal(table, statement):
    where, conn = table
    postgres.append_lines(conn, where.table, 0, [event("a")], accept)
    with pytest.raises(psycopg.errors.RestrictViolation, match="only takes new lines"):
        conn.execute(statement.format(t=f'"{where.table}"'))
    assert list(postgres.read_from(conn, where.table)) == [(1, event("a"))]


def test_an_insert_past_the_library_still_takes_the_lock_and_wakes_listeners(table):
    where, conn = table
    with postgres.Listener(where) as listener:
        conn.execute(f'INSERT INTO "{where.table}" (id, ts, line) VALUES (%s, %s, %s)', ("x", "t", event("x")))
        assert listener.wait(10) == 1


# --- appends and reads -------------------------------------------------------------------------------


def test_lines_are_stored_verbatim_and_read_back_in_order(table):
    where, conn = table
    odd = '{"id":"b", "ts":"2026-10-01T08:00:00.1234567+07:00","type":"note_added","deal":"D-1","text":"é \\u0000 ✓","x":{"y":[1]}}'
    first = postgres.append_lines(conn, where.table, 0, [event("a"), odd], accept)
    second = postgres.append_lines(conn, where.table, 2, [event("c")], accept)
    assert first.seqs == [1, 2] and second.seqs == [3] and first.caught_up == []
    assert list(postgres.read_from(conn, where.table)) == [(1, event("a")), (2, odd), (3, event("c"))]
    assert list(postgres.read_from(conn, where.table, 2)) == [(3, event("c"))]
    assert list(postgres.read_from(conn, where.table, 0, batch=2)) == list(postgres.read_from(conn, where.table))
    assert postgres.last_seq(conn, where.table) == 3


def test_pieces_hold_the_lines_verbatim_as_a_files_bytes_with_their_last_row(table):
    where, conn = table
    assert list(postgres.read_pieces(conn, where.table, 0, 2)) == []
    odd = '{"id":"b","ts":"2026-10-01T08:00:00+07:00","type":"note_added","deal":"D-1","text":"é \\u0000 ✓ \\n"}'
    lines = [event("a"), odd, event("c"), event("d"), event("e")]
    postgres.append_lines(conn, where.table, 0, lines, accept)
    pieces = list(postgres.read_pieces(conn, where.table, 0, 2))
    assert [(p.rows, p.last_seq, p.last_id, p.table_last) for p in pieces] == [(2, 2, "b", 5), (2, 4, "d", 5), (1, 5, "e", 5)]
    assert b"".join(p.text for p in pieces) == "".join(text + "\n" for text in lines).encode()
    assert [p.text for p in postgres.read_pieces(conn, where.table, 3, 2)] == [(event("d") + "\n" + event("e") + "\n").encode()]
    assert list(postgres.read_pieces(conn, where.table, 5, 2)) == []


def test_the_check_sees_the_rows_past_what_the_writer_holds_and_can_restamp(table):
    where, conn = table
    postgres.append_lines(conn, where.table, 0, [event("a"), event("b")], accept)
    seen = []

    def restamp(rows):
        seen.extend(rows)
        return [event("c", ts="2026-10-01T09:00:00+07:00")]

    result = postgres.append_lines(conn, where.table, 1, [event("c")], restamp)
    assert seen == [(2, event("b"))] == result.caught_up
    assert [line for _, line in postgres.read_from(conn, where.table, 2)] == [event("c", ts="2026-10-01T09:00:00+07:00")]
    ts = conn.execute(f'SELECT ts FROM "{where.table}" WHERE id = %s', ("c",)).fetchone()[0]
    assert ts == "2026-10-01T09:00:00+07:00"


def test_a_check_that_raises_writes_nothing(table):
    where, conn = table

    def refuse(rows):
        raise LedgerError("refused: unknown deal")

    with pytest.raises(LedgerError, match="unknown deal"):
        postgres.append_lines(conn, where.table, 0, [event("a")], refuse)
    assert postgres.last_seq(conn, where.table) == 0
    assert postgres.append_lines(conn, where.table, 0, [event("a")], accept).seqs[0] >= 1  # nothing held


def test_a_repeat_is_ignored_and_a_reused_id_refused(table):
    where, conn = table
    postgres.append_lines(conn, where.table, 0, [event("a"), event("b")], accept)
    calls = []
    again = postgres.append_lines(conn, where.table, 2, [event("a"), event("b")], lambda rows: calls.append(rows))
    assert again.repeated and again.seqs == [1, 2] and calls == []
    with pytest.raises(LedgerError, match="already in the ledger table .* with other text"):
        postgres.append_lines(conn, where.table, 2, [event("a", text="other")], accept)
    with pytest.raises(LedgerError, match="1 of the 2 lines are already"):
        postgres.append_lines(conn, where.table, 2, [event("b"), event("c")], accept)
    with pytest.raises(LedgerError, match="already in the ledger table"):  # the same id twice in one append
        postgres.append_lines(conn, where.table, 2, [event("d"), event("d", text="x")], accept)
    assert postgres.last_seq(conn, where.table) == 2 and len(list(postgres.read_from(conn, where.table))) == 2


@pytest.mark.parametrize("bad, said", [
    ("not json", "not an event"),
    (json.dumps({"id": 5, "ts": "t"}), "not an event"),
    (json.dumps({"id": "", "ts": "t"}), "1 to 64"),
    (json.dumps({"id": "a", "ts": "t", "text": "x"}) + "\n" + json.dumps({"id": "b", "ts": "t"}), "line break"),
])
def test_a_line_that_is_not_one_event_is_refused_before_anything_is_written(table, bad, said):
    where, conn = table
    with pytest.raises(LedgerError, match=f"line 2 of the append .*{said}"):
        postgres.append_lines(conn, where.table, 0, [event("a"), bad], accept)
    assert postgres.last_seq(conn, where.table) == 0


def test_a_connection_with_a_transaction_open_is_refused(pg_url):
    postgres.init(pg_url)
    where = postgres.parse_url(pg_url)
    with postgres.connect(where, autocommit=False) as conn:
        conn.execute("SELECT 1")
        with pytest.raises(ValueError, match="no transaction open"):
            postgres.append_lines(conn, where.table, 0, [event("a")], accept)


def test_a_listener_is_woken_by_an_append_and_times_out_without_one(table):
    where, conn = table
    with postgres.Listener(where) as listener:
        assert listener.wait(0.05) is None
        postgres.append_lines(conn, where.table, 0, [event("a")], accept)
        postgres.append_lines(conn, where.table, 1, [event("b"), event("c")], accept)
        woken = [listener.wait(10)]
        while woken[-1] != 3 and len(woken) < 3:  # one wait may return before the second announcement arrives
            woken.append(listener.wait(10))
        assert woken[-1] == 3 and set(woken) <= {1, 3}
        assert listener.wait(0.05) is None


def test_the_table_home_pulls_in_neither_duckdb_nor_textual_and_the_file_home_no_psycopg():
    from tests.test_boundaries import loaded_after_import

    loaded = loaded_after_import("ledger.postgres, ledger.pgcopy")
    assert "duckdb" not in loaded and "textual" not in loaded and "psycopg" in loaded
    assert "psycopg" not in loaded_after_import("ledger")  # PostgreSQL stays optional for a file ledger
