"""The boards' part of scripts/bench_postgres.py: a change on one process to another board's view and repaint.

Run through bench_postgres.py (`--boards-only` for these alone); it prints figures and asserts nothing.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from pathlib import Path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


_amounts = itertools.count(40_001)


def board_change(deal: str, n: int):
    """The n-th change another laptop makes: a note (the odds stay as they were) or, every other one, a new
    amount (the pipeline's odds simulated again); and how a board's deal shows it."""
    from decimal import Decimal

    from ledger import AmountChanged, NoteAdded, stamp

    if n % 2:
        amount = Decimal(next(_amounts))  # never the amount the deal has: that change would change nothing
        return "amount", stamp(AmountChanged, deal=deal, amount=amount), lambda d: d is not None and d.amount == amount
    text = f"seen elsewhere {n}"
    return "note", stamp(NoteAdded, deal=deal, text=text), lambda d: getattr(d, "next_action", None) == text


def by_kind(kinds: list[str], values: list[float]) -> str:
    parts = []
    for kind in sorted(set(kinds)):
        mine = [v for k, v in zip(kinds, values) if k == kind]
        parts.append(f"{kind}s p50 {percentile(mine, 0.5):.0f} ms, max {max(mine):.0f} ms")
    return "; ".join(parts)


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

        for name in ("refresh", "facts", "forecast", "resume", "settings", "_load"):
            self.wrap(engine, name, name)
        for module, name in ((loading, "insert_chunk"), (loading, "update_snapshot"), (cache, "write_meta"),
                             (days, "redate"), (table_store, "fold_piece"), (home_table.TableHome, "id_at"),
                             (engine, "_last_row"), (engine, "_resume_base")):
            self.wrap(module, name, name)
