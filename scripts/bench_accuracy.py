"""Measure `dealbook accuracy` (twelve months) and `dealbook backtest` on a ledger: wall and CPU time, printed.

    .venv/bin/python scripts/bench_accuracy.py [--ledger bench-data/1m.jsonl] [--months 12] [--backtest]

The cache is warmed first (one forecast), so the figures are the queries' own. The issue's target for
the accuracy table over twelve months of the 1M-event ledger is <= 10 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queries import Store  # noqa: E402
from queries.accuracy import accuracy, ledger_backtest  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", default=str(ROOT / "sample_events.jsonl"))
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--backtest", action="store_true", help="time the back-test too (every view, every day)")
    args = parser.parse_args()
    store = Store.open(args.ledger)
    store.forecast()
    print(f"{args.ledger}: {store.events_loaded:,} events, {len(store.facts().owners)} owners")
    wall, cpu = time.perf_counter(), time.process_time()
    result = accuracy(store, args.months)
    print(f"accuracy, {len(result.months)} months (team): {time.perf_counter() - wall:.2f} s wall, "
          f"{time.process_time() - cpu:.2f} s CPU")
    if args.backtest:
        wall, cpu = time.perf_counter(), time.process_time()
        bt = ledger_backtest(store, args.months, owners=False)
        print(f"backtest (team), {len(bt.months)} month-views, {bt.reliability.count} predictions: "
              f"{time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU; "
              f"Brier {bt.reliability.brier}")
    store.close()


if __name__ == "__main__":
    main()
