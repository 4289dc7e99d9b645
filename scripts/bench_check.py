"""`dealbook check` against its floor (the project's decoder over the same file), paired and interleaved in one run.

    .venv/bin/python scripts/bench_check.py bench-data/1m.jsonl --runs 5 [--before /path/to/other/checkout]

Each run starts, in turn, the floor (a child that reads the file and decodes it with the ledger's own
msgspec decoder, in the reader's 8 MiB pieces and whole), `dealbook check` of this checkout and, with
--before, of another checkout (its own .venv, run from its directory). Prints the median wall and CPU
seconds, the peak memory of each, and check's ratio to the floor.

This floor is msgspec's decoder alone, the lowest a reader of these structs could go. scripts/bench.py's
floor for check (the one docs/performance.md and issue 19's goal read) is the project's decoder
(ledger.events.decode_lines: the same decode plus its scans for quoted numbers and odd stamps) over the
whole file: about twice this one, so the ratios here are about twice bench.py's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOOR = """
import sys
from ledger.events import AnyEvent
import msgspec
decoder = msgspec.json.Decoder(AnyEvent)
buf = open(sys.argv[2], "rb").read()
if sys.argv[1] == "whole":
    n = len(decoder.decode_lines(buf))
else:
    n, at, size = 0, 0, 8 * 1024 * 1024
    while at < len(buf):
        cut = buf.rfind(b"\\n", at, at + size) + 1 if at + size < len(buf) else len(buf)
        n += len(decoder.decode_lines(buf[at:cut]))
        at = cut
print(n)
"""


def run(argv: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one child."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # check exits 1 on problems, which is still a measure
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another checkout to time beside this one (its .venv)")
    args = parser.parse_args()
    ledger = args.ledger.resolve()
    measures = {
        "floor (pieces)": ([sys.executable, "-c", FLOOR, "pieces", str(ledger)], ROOT),
        "floor (whole)": ([sys.executable, "-c", FLOOR, "whole", str(ledger)], ROOT),
        "check": ([sys.executable, "-m", "tui.cli", "check", "--ledger", str(ledger)], ROOT),
    }
    if args.before:
        before = args.before.resolve()
        measures["check (before)"] = ([str(before / ".venv/bin/python"), "-m", "tui.cli", "check", "--ledger",
                                       str(ledger)], before)
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name in measures}
    for i in range(args.runs):
        for name, (argv, cwd) in measures.items():
            samples[name].append(run(argv, cwd))
        print(f"run {i + 1}: " + ", ".join(f"{name} {samples[name][-1][0]:.2f} s" for name in measures),
              file=sys.stderr)
    print(f"{ledger.name}, {args.runs} runs, nproc {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} "
          "(a shared machine: CPU seconds vary less than wall seconds)")
    floor_wall = statistics.median(s[0] for s in samples["floor (pieces)"])
    floor_cpu = statistics.median(s[1] for s in samples["floor (pieces)"])
    print(f"{'measure':<16} {'wall s':>7} {'cpu s':>7} {'peak MiB':>9} {'wall/floor':>11} {'cpu/floor':>10}")
    for name, rows in samples.items():
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        peak = max(r[2] for r in rows)
        print(f"{name:<16} {wall:7.2f} {cpu:7.2f} {peak:9.0f} {wall / floor_wall:10.2f}x {cpu / floor_cpu:9.2f}x")


if __name__ == "__main__":
    main()
