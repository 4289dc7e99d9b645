"""Measure Dealbook on large generated ledgers: the medians of several runs, against the targets.

    .venv/bin/python scripts/bench.py [--sizes 10k,100k,1m] [--runs 5]

Ledgers are generated (fixed seed, scripts/gen_big_ledger.py) into bench-data/, which git ignores,
and reused while their size and seed match. Each measure runs in a child process of its own (whole
`dealbook` commands from the shell, or this script with --child), so that its peak memory is that
child's ru_maxrss; the figures printed are medians, with p50/p99 for appends.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts"), str(ROOT / "tests")]

from bench_ledgers import drop_cache, ledger_for, scratch_copy  # noqa: E402  (scripts/ is on the path from here)
from bench_report import PEAKS, show, show_floors  # noqa: E402

PYTHON = sys.executable
DEALBOOK = [PYTHON, "-m", "tui.cli"]
AS_OF = "2026-11-12"  # the generated ledgers end that day (gen_big_ledger.END)
PERIOD, REPLAYED = "2026-11", "2026-10"  # the forecast's month; a full month replayed
CHANGES = ["--from", "2026-10-01", "--to", "2026-10-31"]
APPENDS = 200
PROGRESS = re.compile(r"Progress (\S+)")  # the board header's progress figure
IMPORTS = "import tui.cli, tui.cli.reports, queries.store"  # what a report command imports before its work
# -- running children ------------------------------------------------------------------------------

class _Popen(subprocess.Popen):
    """Popen that keeps the child's rusage when it reaps it: ru_maxrss of that child alone."""

    rusage = None

    def _try_wait(self, wait_flags):  # type: ignore[override]
        try:
            pid, status, self.rusage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            pid, status = self.pid, 0
        return pid, status


def run_child(argv: list[str], cwd: Path = ROOT) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and stdout of one child process; it must succeed."""
    start = time.perf_counter()
    proc = _Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    rss = proc.rusage.ru_maxrss / 1024 if proc.rusage is not None else float("nan")
    return wall, rss, out.decode()


def compiled(tree: Path) -> None:
    """Byte-compile a checkout's own packages first, as pip does for an installed package: a machine that
    sets PYTHONDONTWRITEBYTECODE (this one does) would otherwise compile every module in every child
    (about 0.1 s of each whole command)."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", "ledger", "queries", "tui", "scripts"], cwd=tree, check=True,
                   stdout=subprocess.DEVNULL)


def child(mode: str, path: Path, *extra: str) -> tuple[float, float, dict]:
    wall, rss, out = run_child([PYTHON, __file__, "--child", mode, str(path), *extra])
    return wall, rss, json.loads(out.strip().splitlines()[-1])


# -- the measures run inside a child --------------------------------------------------------------

def child_first_load(path: Path) -> dict:
    from queries.store import Store

    start = time.perf_counter()
    with Store.open(path) as store:
        seconds = time.perf_counter() - start
        events = store.events_loaded
    return {"seconds": seconds, "events": events}


def child_board(path: Path, mode: str, spawned: float) -> dict:
    """The board, headless: first paint (from the child's spawn) or keystroke to repaint."""
    from textual import events

    from tui.app import DealbookApp
    from tui.board.deals_table import DealsTable
    from tui.board.header import BoardHeader

    now = dt.datetime(2026, 11, 12, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    app = DealbookApp(path, now=now, watch=False)
    result: dict = {}

    async def header_text(pilot, differs_from: str | None, limit: float = 120.0) -> str:
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            header = pilot.app.screen.query(BoardHeader)
            text = header.first().text if header else ""
            if "Progress" in text and text != differs_from:
                return text
            await asyncio.sleep(0.001)
        raise SystemExit(f"the header did not change within {limit} s")

    async def drive() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            await header_text(pilot, None)
            await pilot.pause()  # the frame is painted after the header's update
            result["first_paint"] = time.time() - spawned
            if mode == "keystroke":
                screen = pilot.app.screen
                table = screen.query_one(DealsTable)
                counting = [i for i, row in enumerate(table.rows)
                            if row.deal is not None and row.deal.priority == "must" and row.deal.counts]
                table.move_cursor(counting[0])  # a must-have that counts: its priority moves progress
                await pilot.pause()
                painted: list[float] = []  # when the screen last sent a frame out
                compose = screen._compositor_refresh

                def frame() -> None:
                    compose()
                    painted.append(time.perf_counter())

                screen._compositor_refresh = frame
                shown = screen.show
                confirmed: list[float] = []  # when the engine's view (not a carried one) was last shown

                def show(view) -> None:
                    shown(view)
                    if not view.provisional:
                        confirmed.append(time.perf_counter())

                screen.show = show

                def progress() -> str:
                    header = pilot.app.screen.query(BoardHeader)
                    found = PROGRESS.search(header.first().text if header else "")
                    return found.group(1) if found else ""

                async def key(name: str) -> tuple[float, float]:
                    """Send one key as a terminal would: (seconds to the repainted frame, when it was sent).

                    Pilot.press would also wait for the app to go idle (sleeps of 20 ms until the CPU
                    rests), which is not what the user waits for. The key's own repaint is the one whose
                    progress differs from the progress shown when it was sent (each key moves a must-have
                    that counts): the whole header also changes when the engine's view brings the odds,
                    and a key sent then would be timed to the previous key's frame."""
                    before = progress()
                    start = time.perf_counter()
                    pilot.app._driver.send_message(events.Key(name, None))
                    deadline = start + 30.0
                    while progress() == before:
                        if time.perf_counter() > deadline:
                            raise SystemExit("the header's progress did not change within 30 s")
                        await asyncio.sleep(0.0005)
                    changed = time.perf_counter()
                    while not painted or painted[-1] < changed:
                        await asyncio.sleep(0.0005)
                    return painted[-1] - start, start

                paused, confirms = [], []
                for name in ("minus", "plus") * 8:  # a key, then a pause in which the engine's view arrives
                    await pilot.pause()
                    seconds, start = await key(name)
                    paused.append(seconds)
                    while not confirmed or confirmed[-1] < start:
                        await asyncio.sleep(0.005)
                    confirms.append(confirmed[-1] - start)
                    await asyncio.sleep(0.3)
                burst = [(await key(name))[0] for name in ("minus", "plus") * 8]  # keys back to back
                result.update(keystroke=paused[1:], first_keystroke=paused[0], burst=burst, confirmed=confirms)
            await pilot.press("q")

    asyncio.run(drive())
    return result


def child_append(path: Path) -> dict:
    from ledger import LedgerWriter, NoteAdded, stamp

    writer = LedgerWriter(path)
    ts = dt.datetime(2026, 11, 12, 19, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    start = time.perf_counter()
    writer.append(stamp(NoteAdded, deal="D-1", text="first append: the writer reads the ledger", ts=ts))
    first = time.perf_counter() - start
    samples = []
    for i in range(APPENDS):
        event = stamp(NoteAdded, deal="D-1", text=f"bench {i}", ts=ts + dt.timedelta(seconds=i + 1))
        start = time.perf_counter()
        writer.append(event)
        samples.append(time.perf_counter() - start)
    return {"first": first, "samples": samples}


def child_reference(path: Path) -> dict:
    """The same forecast and replay by the plain fold (tests/reference.py) and by DuckDB, in-process."""
    import reference
    from ledger import read_ledger
    from queries.moments import parse_as_of
    from queries.store import Store

    events = read_ledger(path).events
    with Store.open(path) as store:
        as_of = store.as_of(AS_OF)
        start = time.perf_counter()
        engine_forecast = store.forecast(PERIOD, as_of)
        forecast_engine = time.perf_counter() - start
        start = time.perf_counter()
        store.replay(REPLAYED, now=as_of)
        replay_engine = time.perf_counter() - start
        tz = store.ledger_tz
    start = time.perf_counter()
    ref = reference.forecast(events, PERIOD, as_of)
    forecast_reference = time.perf_counter() - start
    assert abs(ref["progress"] - engine_forecast.progress) < 0.01, (ref["progress"], engine_forecast.progress)
    first, last = reference.period_days(REPLAYED)
    start = time.perf_counter()
    day = first
    while day <= last:
        reference.forecast(events, REPLAYED, parse_as_of(day.isoformat(), tz))
        day += dt.timedelta(days=1)
    replay_reference = time.perf_counter() - start
    return {"forecast_engine": forecast_engine, "forecast_reference": forecast_reference,
            "replay_engine": replay_engine, "replay_reference": replay_reference}


def run_as_child(mode: str, path: Path, extra: list[str]) -> None:
    if mode == "first-load":
        result = child_first_load(path)
    elif mode in ("paint", "keystroke"):
        result = child_board(path, mode, float(extra[0]))
    elif mode == "append":
        result = child_append(path)
    elif mode == "reference":
        result = child_reference(path)
    elif mode.startswith("floor-"):
        from bench_floors import FLOORS

        result = FLOORS[mode.removeprefix("floor-")](path)
    else:
        raise SystemExit(f"unknown child mode {mode!r}")
    print(json.dumps(result))


# -- the parent: every measure, medians, the table ----------------------------------------------------

def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(size: str, runs: int, reference_runs: int, against: Path | None = None,
            only_load: bool = False) -> dict[str, float]:
    path = ledger_for(size)
    figures: dict[str, list[float]] = {}
    peaks: dict[str, float] = {}  # measure -> the largest ru_maxrss of its children (MiB)

    def add(name: str, value: float, rss: float | None = None) -> None:
        figures.setdefault(name, []).append(value)
        if rss is not None:
            peaks[name] = max(rss, peaks.get(name, 0.0))

    def command(*args: str) -> list[str]:
        return [*DEALBOOK, *args, "--ledger", str(path)]

    for _ in range(runs):  # each measure, then its floors, then the same measure by the other tree's code
        wall, rss, _ = run_child(command("check"))
        add("check", wall, rss)
        wall, rss, _ = run_child([PYTHON, __file__, "--child", "floor-decode", str(path)])
        add("floor_decode", wall, rss)
        drop_cache(path)
        _, rss, out = child("first-load", path)
        add("first_load", out["seconds"], rss)
        for floor in ("ndjson", "tables", "json_fold"):
            _, rss, out = child(f"floor-{floor}", path)
            add(f"floor_{floor}", out["seconds"], rss)
        if against is not None:
            python = str(against / ".venv/bin/python")
            wall, rss, _ = run_child([python, "-m", "tui.cli", "check", "--ledger", str(path)], cwd=against)
            add("check_against", wall, rss)
            drop_cache(path)
            wall, rss, out = run_child([python, str(against / "scripts/bench.py"), "--child", "first-load", str(path)],
                                       cwd=against)
            add("first_load_against", json.loads(out.strip().splitlines()[-1])["seconds"], rss)
            drop_cache(path)
    if only_load:
        return medians_of(figures, peaks)
    run_child(command("forecast", "--as-of", AS_OF))  # the cache is current from here on
    for _ in range(runs):
        spawned = time.time()
        _, rss, out = child("paint", path, str(spawned))
        add("reopen_to_board", out["first_paint"], rss)
        wall, rss, _ = run_child(command("forecast", "--as-of", AS_OF))
        add("forecast", wall, rss)
        wall, rss, _ = run_child(command("replay", "--period", REPLAYED))
        add("replay", wall, rss)
        wall, rss, _ = run_child(command("changes", *CHANGES))
        add("changes", wall, rss)
        wall, rss, _ = run_child([PYTHON, "-c", IMPORTS])
        add("floor_imports", wall, rss)

    copy = scratch_copy(path, "append")
    _, rss, out = child("append", copy)
    peaks["append"] = rss
    add("append_first", out["first"])
    add("append_p50", percentile(out["samples"], 0.5) * 1000)
    add("append_p99", percentile(out["samples"], 0.99) * 1000)

    copy = scratch_copy(path, "keys")
    run_child([*DEALBOOK, "forecast", "--as-of", AS_OF, "--ledger", str(copy)])  # its cache, as a user has
    _, rss, out = child("keystroke", copy, str(time.time()))
    peaks["keystroke_to_repaint"] = rss
    for sample in out["keystroke"]:
        add("keystroke_to_repaint", sample * 1000)
    for sample in out["burst"]:
        add("keystroke_burst", sample * 1000)
    for sample in out["confirmed"]:
        add("keystroke_confirmed", sample * 1000)
    add("first_keystroke", out["first_keystroke"] * 1000)

    for _ in range(reference_runs):
        _, rss, out = child("reference", path)
        add("forecast_engine", out["forecast_engine"])
        add("forecast_reference", out["forecast_reference"])
        add("replay_engine", out["replay_engine"])
        add("replay_reference", out["replay_reference"])
        add("forecast_vs_reference", out["forecast_reference"] / out["forecast_engine"])
        add("replay_vs_reference", out["replay_reference"] / out["replay_engine"])

    return medians_of(figures, peaks)


def medians_of(figures: dict[str, list[float]], peaks: dict[str, float]) -> dict[str, float]:
    medians = {name: statistics.median(values) for name, values in figures.items()}
    medians["peak_rss"] = max(rss for name, rss in peaks.items() if name in PEAKS or name == "append")
    for name, rss in peaks.items():
        medians[f"peak_rss_{name}"] = rss
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated: 10k, 100k, 1m ...")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measure (the median is shown)")
    parser.add_argument("--reference-runs", type=int, default=1,
                        help="runs of the plain fold (slow: a month's replay at 1M takes minutes)")
    parser.add_argument("--json", type=Path, help="also write the medians to this file")
    parser.add_argument("--against", type=Path, metavar="TREE",
                        help="also run check and the first load by another checkout (with its own .venv), "
                             "interleaved with this one's: before and after")
    parser.add_argument("--only-load", action="store_true",
                        help="only check, the first load and their floors (and --against): no board, no appends")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_as_child(args.child[0], Path(args.child[1]), args.child[2:])
        return
    for tree in [ROOT, *([args.against] if args.against else [])]:
        compiled(tree)
    results = {}
    for size in args.sizes.split(","):
        print(f"measuring {size} ...", file=sys.stderr)
        results[size] = measure(size.strip(), args.runs, args.reference_runs, args.against, args.only_load)
    print(f"nproc {os.cpu_count()}, Python {sys.version.split()[0]}, runs {args.runs}; target checked on the "
          "largest size")
    show(results)
    show_floors(results, args.against)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
