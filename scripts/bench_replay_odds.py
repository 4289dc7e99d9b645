"""Measure a replay with the probability of making the target on every day against one without it.

    .venv/bin/python scripts/bench_replay_odds.py [--ledger bench-data/1m.jsonl] [--period 2026-10] [--runs 5]

Replays the period (team and, with --owners, each owner) with and without the probability, on a
warm cache, the runs interleaved (without, with, without, with ...: a neighbour's load falls on both
alike), and prints the medians of wall and CPU time and their ratio (the target: <= 2x), with the
machine's load average before and after. The figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queries import Store, replaying  # noqa: E402


def timed(store: Store, period: str, owner: str | None, odds: bool) -> tuple[float, float, object]:
    moment = store.as_of(None)
    calendar = store.calendar_at(moment)
    wall, cpu = time.perf_counter(), time.process_time()
    with store.cursor(calendar=calendar) as cur:
        result = replaying.replay(cur, period, owner, calendar.local(moment), calendar, odds=odds)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", default=str(ROOT / "sample_events.jsonl"))
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--owners", action="store_true", help="each owner's view too")
    args = parser.parse_args()
    store = Store.open(args.ledger)
    views = [None, *(sorted(store.facts().owners) if args.owners else ())]
    timed(store, args.period, None, True)  # warm the cache and the engine
    print(f"{args.ledger}: {store.events_loaded:,} events; {args.period}; median of {args.runs} runs, interleaved; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'view':<10} {'without':>9} {'with':>9} {'ratio':>6} {'cpu without':>11} {'cpu with':>9} {'ratio':>6}  methods")
    for owner in views:
        runs: dict[bool, list] = {False: [], True: []}
        for _ in range(args.runs):
            for odds in (False, True):
                runs[odds].append(timed(store, args.period, owner, odds))
        wall = {odds: statistics.median(r[0] for r in runs[odds]) for odds in runs}
        cpu = {odds: statistics.median(r[1] for r in runs[odds]) for odds in runs}
        days = runs[True][0][2].days
        methods = sorted({f"{d.odds.method}({d.odds.draws})" if d.odds.draws else d.odds.method
                          for d in days if d.odds})
        print(f"{owner or 'team':<10} {wall[False]:>8.3f}s {wall[True]:>8.3f}s {wall[True] / wall[False]:>5.2f}x "
              f"{cpu[False]:>10.3f}s {cpu[True]:>8.3f}s {cpu[True] / cpu[False]:>5.2f}x  {', '.join(methods)}")
    print(f"load average after: {os.getloadavg()[0]:.2f}; numpy imported (exact days on it): "
          f"{'yes' if 'numpy' in sys.modules else 'no'}")
    store.close()


if __name__ == "__main__":
    main()
