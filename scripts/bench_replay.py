"""Time month `replay` and `changes` as whole commands, interleaved with their floors (and another checkout's).

    .venv/bin/python scripts/bench_replay.py [--ledger bench-data/1m.jsonl] [--runs 5]
        [--before /work/main --before-ledger bench-data/main/1m.jsonl]

Each round runs, in turn: the floors (the interpreter alone; the interpreter importing the libraries
any report needs: duckdb, msgspec, rich), then each command with this checkout's code and, with
--before, with that checkout's (its own venv, on its own copy of the ledger: a cache is made by one
engine only). Prints the median wall and CPU time (user + system of the child) of each, and the
ratios to the floor and to before. A first untimed round warms the caches. Figures are printed,
never asserted; on a shared machine say so beside them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "replay": ["replay", "--period", "2026-10"],
    "changes": ["changes", "--from", "2026-10-01", "--to", "2026-10-31"],
}
FLOORS = {
    "interpreter": ["-c", "pass"],
    "interpreter + imports": ["-c", "import duckdb, msgspec, rich.console"],
}


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", default=str(ROOT / "bench-data" / "1m.jsonl"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another checkout (with its .venv) to time beside this one")
    parser.add_argument("--before-ledger", help="its copy of the ledger (default: --ledger)")
    parser.add_argument("--only", choices=sorted(COMMANDS), action="append", help="time only this command")
    args = parser.parse_args()
    python = str(ROOT / ".venv" / "bin" / "python")
    runs: dict[str, list[list[str]]] = {name: [[python, *argv]] for name, argv in FLOORS.items()}
    checkouts = [("after", ROOT, python, args.ledger)]
    if args.before:
        checkouts.insert(0, ("before", args.before.resolve(), str(args.before.resolve() / ".venv" / "bin" / "python"),
                             args.before_ledger or args.ledger))
    for command in args.only or sorted(COMMANDS):
        for label, _, py, ledger in checkouts:
            runs[f"{command} {label}"] = [[py, "-m", "tui.cli", *COMMANDS[command], "--ledger", str(Path(ledger).absolute())]]
    cwd = {name: (args.before.resolve() if name.endswith(" before") else ROOT) for name in runs}
    for name, (argv,) in runs.items():  # warm: caches built, files in the page cache
        timed(argv, cwd[name])
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(args.runs):
        for name, (argv,) in runs.items():
            times[name].append(timed(argv, cwd[name]))
    load = os.getloadavg()[0]
    print(f"{args.ledger}: median of {args.runs} interleaved runs; load average {load:.2f} at the end "
          f"({os.cpu_count()} CPUs, shared)")
    floor = statistics.median(w for w, _ in times["interpreter + imports"])
    print(f"{'':<24} {'wall':>8} {'cpu':>8} {'/ floor':>8} {'/ before':>9}")
    for name, samples in times.items():
        wall = statistics.median(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        vs_before = ""
        if name.endswith(" after") and f"{name[:-6]} before" in times:
            before = statistics.median(w for w, _ in times[f"{name[:-6]} before"])
            vs_before = f"{wall / before:>8.2f}x"
        print(f"{name:<24} {wall:>7.3f}s {cpu:>7.3f}s {wall / floor:>7.2f}x {vs_before:>9}")


if __name__ == "__main__":
    main()
