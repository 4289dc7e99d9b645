"""How long proving the cache's coverage costs: the covered prefix hashed on every open, side by side.

Prints, for the generated ledger of each size (bench-data/, as scripts/bench.py makes it), the median of
several runs of: reading the file alone (the floor), xxh3-128 over it (what every open now does), sha256
over it (what the cache used before), and the ratio of each to the read.

    .venv/bin/python scripts/bench_hash.py [--sizes 100k,1m] [--runs 5]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path

import xxhash

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ledgers import ledger_for  # noqa: E402  (the same generated ledgers)

BLOCK = 4 * 1024 * 1024


def timed(path: Path, make) -> float:
    start = time.perf_counter()
    digest = make() if make else None
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            if digest is not None:
                digest.update(block)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for size in args.sizes.split(","):
        path = ledger_for(size)
        mb = path.stat().st_size / 1e6
        timed(path, None)  # warm the page cache: every open after the first finds it there
        figures = {name: statistics.median(timed(path, make) for _ in range(args.runs))
                   for name, make in (("read", None), ("xxh3_128", xxhash.xxh3_128), ("sha256", hashlib.sha256))}
        print(f"{size}: {mb:.1f} MB, median of {args.runs}")
        for name, seconds in figures.items():
            print(f"  {name:9} {seconds * 1000:8.1f} ms  {mb / seconds:7.0f} MB/s  "
                  f"{seconds / figures['read']:5.2f}x the read")


if __name__ == "__main__":
    main()
