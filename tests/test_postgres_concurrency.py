"""Several writers on one ledger table: serialized appends, conflicts, many processes, a killed writer, wake-ups."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from ledger import Conflict, LedgerError
from ledger import postgres
from tests.conftest import line

ROOT = Path(__file__).resolve().parent.parent


def changed(id_: str, deal: str = "D-1") -> str:
    return line("amount_changed", id_, deal=deal, amount=6000)


def test_two_writers_from_the_same_position_one_gets_the_conflict(pg_url):
    postgres.init(pg_url)
    where = postgres.parse_url(pg_url)
    order: list[str] = []
    a_holds_lock = threading.Event()

    def same_deal_untouched(name: str, rows):
        order.append(f"{name} checks {[seq for seq, _ in rows]}")
        if name == "a":
            a_holds_lock.set()
            time.sleep(0.3)  # b asks for the lock meanwhile, and must wait
        if any(json.loads(text).get("deal") == "D-1" for _, text in rows):
            raise Conflict("conflict: deal 'D-1' changed since you last saw it")

    outcome: dict[str, object] = {}

    def append(name: str) -> None:
        with postgres.connect(where) as conn:
            if name == "b":
                a_holds_lock.wait(10)
            try:
                outcome[name] = postgres.append_lines(conn, where.table, 0, [changed(name)],
                                                      lambda rows: same_deal_untouched(name, rows))
            except LedgerError as err:
                outcome[name] = err

    threads = [threading.Thread(target=append, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert isinstance(outcome["a"], postgres.Appended) and outcome["a"].seqs == [1]
    assert isinstance(outcome["b"], Conflict)
    assert order == ["a checks []", "b checks [1]"]  # b's check ran after a's commit, and saw it
    with postgres.connect(where) as conn:
        assert [text for _, text in postgres.read_from(conn, where.table)] == [changed("a")]


WRITER = textwrap.dedent("""
    import datetime as dt, json, sys
    from ledger import postgres
    url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    where = postgres.parse_url(url)
    known, mine, seen = 0, [], []
    with postgres.connect(where) as conn:
        for i in range(count):
            id_ = f"{name}-{i:04d}"
            def stamped(rows, id_=id_):
                seen.extend(seq for seq, _ in rows)
                ts = dt.datetime.now(dt.timezone.utc).isoformat()  # the clock, read under the lock
                return [json.dumps({"id": id_, "ts": ts, "type": "note_added", "deal": "D-1", "text": name})]
            result = postgres.append_lines(conn, where.table, known, [stamped([])[0]], stamped)
            assert all(a < b for a, b in zip(seen, seen[1:])) and (not seen or seen[0] > 0)
            known = result.seqs[-1]
            seen.append(known)
            mine.append(known)
    print(json.dumps(mine))
""")


def test_eight_writer_processes_lose_and_double_nothing_and_ts_follows_seq(pg_url):
    postgres.init(pg_url)
    where = postgres.parse_url(pg_url)
    writers, appends = 8, 250
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, pg_url, f"w{n}", str(appends)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for n in range(writers)]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (_, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    acknowledged = [seq for out, _ in outputs for seq in json.loads(out)]
    with postgres.connect(where) as conn:
        rows = list(postgres.read_from(conn, where.table))
    events = [json.loads(text) for _, text in rows]
    expected = {f"w{n}-{i:04d}" for n in range(writers) for i in range(appends)}
    assert len(rows) == writers * appends and {e["id"] for e in events} == expected  # nothing lost or doubled
    assert sorted(acknowledged) == [seq for seq, _ in rows]  # each acknowledged seq is there, once
    stamps = [dt.datetime.fromisoformat(e["ts"]) for e in events]
    assert stamps == sorted(stamps)  # seq order is ts order
    for n in range(writers):  # each writer's lines in its own order
        ids = [e["id"] for e in events if e["text"] == f"w{n}"]
        assert ids == sorted(ids)


KILLED = textwrap.dedent("""
    import json, sys
    from ledger import postgres
    url, count = sys.argv[1], int(sys.argv[2])
    where = postgres.parse_url(url)
    lines = [json.dumps({"id": f"big-{i}", "ts": "2026-10-01T08:00:00+07:00", "type": "note_added",
                         "deal": "D-1", "text": "x" * 200}) for i in range(count)]
    def checked(rows):
        print("checked", flush=True)
    with postgres.connect(where) as conn:
        postgres.append_lines(conn, where.table, 0, lines, checked)
    print("committed", flush=True)
""")


def test_a_writer_killed_mid_append_leaves_no_partial_row(pg_url):
    postgres.init(pg_url)
    where = postgres.parse_url(pg_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with postgres.connect(where) as conn:
        postgres.append_lines(conn, where.table, 0, [changed("before")], lambda rows: None)
    proc = subprocess.Popen([sys.executable, "-c", KILLED, pg_url, "200000"], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "checked"
    time.sleep(0.2)  # the insert of 200,000 lines is under way
    proc.send_signal(signal.SIGKILL)
    rest = proc.stdout.read()
    proc.wait()
    assert "committed" not in rest, "the append finished before the kill: the test proves nothing"
    with postgres.connect(where) as conn:  # the next append waits for the dead writer's lock, then goes in
        after = postgres.append_lines(conn, where.table, 1, [changed("after")], lambda rows: None)
        assert after.caught_up == []
        texts = [text for _, text in postgres.read_from(conn, where.table)]
    assert texts == [changed("before"), changed("after")]


NOTIFIER = textwrap.dedent("""
    import sys, time
    from ledger import postgres
    url, line = sys.argv[1], sys.argv[2]
    where = postgres.parse_url(url)
    with postgres.connect(where) as conn:
        postgres.append_lines(conn, where.table, 0, [line], lambda rows: None)
    print(time.time(), flush=True)
""")


def test_an_append_by_another_process_wakes_a_waiting_listener(pg_url):
    postgres.init(pg_url)
    where = postgres.parse_url(pg_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with postgres.Listener(where) as listener:
        proc = subprocess.Popen([sys.executable, "-c", NOTIFIER, pg_url, changed("far")], stdout=subprocess.PIPE,
                                text=True, env=env)
        woken = listener.wait(60)
        woke_at = time.time()
        out, _ = proc.communicate(timeout=60)
    assert woken == 1
    print(f"woken {max(0.0, woke_at - float(out)) * 1000:.1f} ms after the writer's commit returned")
    with postgres.connect(where) as conn:
        assert list(postgres.read_from(conn, where.table, 0)) == [(1, changed("far"))]


def test_a_listener_whose_server_went_away_is_offline(tmp_path):
    from tests import pgserver

    try:
        server = pgserver.start()
    except pgserver.Unavailable as err:
        pytest.skip(f"no PostgreSQL server: {err}")
    try:
        url = server.url(table="team_a")
        postgres.init(url)
        with postgres.Listener(postgres.parse_url(url)) as listener:
            server.stop()
            with pytest.raises(postgres.Offline, match="reconnecting"):
                listener.wait(10)
        with pytest.raises(postgres.Offline, match="cannot reach"):
            postgres.connect(postgres.parse_url(url + "&connect_timeout=2"))
    finally:
        server.stop()
