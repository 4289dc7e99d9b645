"""Time `dealbook import`: 10,000 deals into an empty ledger, then a daily re-import of them with 200 changes.

Targets (issue 15): the first import <= 10 s, the daily re-import <= 5 s. Prints the figures and where
the time goes (reading and planning apart from appending), so the bottleneck shows.

    .venv/bin/python scripts/bench_import.py [-n 10000] [--changes 200] [--dir /tmp/bench-import]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import tempfile
import time
from pathlib import Path

from ledger import read_ledger
from queries.crm import BUILT_IN, plan_import, read_snapshot
from tui.cli import main

HEADER = ["Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Amount", "Close Date", "Next Step",
          "Opportunity ID"]
STAGES = ["Prospecting", "Qualification", "Value Proposition", "Proposal/Price Quote", "Negotiation/Review",
          "Closed Won", "Closed Lost"]


def export_rows(n: int, rng: random.Random) -> list[list[str]]:
    rows = []
    for i in range(n):
        cents = rng.randrange(50_000, 20_000_000)
        rows.append([f"Rep {i % 40:02d}", f"Account {i % 3000}, Ltd.", f"Deal {i} \"renewal\"", rng.choice(STAGES),
                     f"${cents // 100:,}.{cents % 100:02d}", f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/2027",
                     rng.choice(["", "Call back", "Send the quote, then follow up"]), f"0065g{i:013d}"])
    return rows


def changed(rows: list[list[str]], count: int, rng: random.Random) -> list[list[str]]:
    rows = [list(r) for r in rows]
    for i in rng.sample(range(len(rows)), count):
        field = rng.choice([3, 4, 5, 6, 0])
        if field == 3:
            rows[i][3] = rng.choice([s for s in STAGES if s != rows[i][3]])
        elif field == 4:
            rows[i][4] = f"${rng.randrange(500, 200_000):,}.00"
        elif field == 5:
            rows[i][5] = "12/31/2027"
        elif field == 6:
            rows[i][6] = f"Changed next step {i}"
        else:
            rows[i][0] = "Rep 99"
    return rows


def write(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def timed_import(ledger: Path, sheet: Path) -> tuple[float, float, int]:
    """(seconds for the whole command, seconds to read + plan without appending, events appended)."""
    start = time.perf_counter()
    read = read_ledger(ledger, keep_events=False)
    snapshot = read_snapshot(sheet, list(read.state.stages), BUILT_IN["salesforce"])
    plan = plan_import(snapshot, read.state)
    planning = time.perf_counter() - start
    lines_before = read.next_line
    start = time.perf_counter()
    code = main(["--ledger", str(ledger), "import", str(sheet)])
    total = time.perf_counter() - start
    assert code == 0, code
    appended = read_ledger(ledger, keep_events=False).next_line - lines_before
    assert appended == len(plan.events)
    return total, planning, appended


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None, help="where the ledger goes (default: a temp dir)")
    args = parser.parse_args(argv)
    rng = random.Random(15)
    work = args.dir or Path(tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    ledger, day1, day2 = work / "ledger.jsonl", work / "day1.csv", work / "day2.csv"
    ledger.unlink(missing_ok=True)
    rows = export_rows(args.n, rng)
    write(day1, rows)
    write(day2, changed(rows, args.changes, rng))

    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        first = timed_import(ledger, day1)
        again = timed_import(ledger, day1)
        daily = timed_import(ledger, day2)
    print(f"first import of {args.n:,} deals: {first[0]:.2f} s (target <= 10 s); reading + planning "
          f"{first[1]:.2f} s, appending {first[2]:,} events {first[0] - first[1]:.2f} s "
          f"({(first[0] - first[1]) / max(first[2], 1) * 1000:.2f} ms per event; one write and one fsync for all)")
    print(f"same file again: {again[0]:.2f} s, {again[2]} events appended")
    print(f"daily re-import of {args.n:,} deals with {args.changes} changes: {daily[0]:.2f} s (target <= 5 s); "
          f"reading + planning {daily[1]:.2f} s, {daily[2]} events appended")
    if args.dir is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main_()
