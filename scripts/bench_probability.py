"""Measure the probability of making the target: median time over generated pipelines of 100 to 10,000 deals.

    .venv/bin/python scripts/bench_probability.py [--sizes 100,1000,10000] [--runs 7]

Two mixes, with fixed seeds: *cents* (amounts 500.00 to 60,000.00 with cents, as a team with exact
quotes has: totals barely merge, so beyond about twenty deals the figure is simulated) and
*hundreds* (the sample ledger's round amounts, 500 to 60,000 in steps of 100: exact much further).
Rates are the sample's stage rates (0.1 to 0.8); the target sits near the expected total, where the
probability is least certain. The target to meet: 10,000 open deals in <= 0.3 s. Beside the wall
time, the CPU time of this process: on a machine shared with other work, the nearer to what a
quiet machine's wall clock shows.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queries.probability import target_odds  # noqa: E402

RATES = [Decimal(r) for r in ("0.1", "0.2", "0.3", "0.4", "0.6", "0.8")]
LIMIT_S = 0.3


def pipeline(n: int, mix: str, seed: int = 17) -> list[tuple[Decimal, Decimal]]:
    rng = random.Random(seed)
    if mix == "cents":
        return [(Decimal(rng.randint(50_000, 6_000_000)).scaleb(-2), rng.choice(RATES)) for _ in range(n)]
    return [(Decimal(rng.randint(5, 600) * 100), rng.choice(RATES)) for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"{'deals':>6} {'mix':<9} {'method':<10} {'draws':>6} {'error':>7} {'P(target)':>9} "
          f"{'median s':>9} {'min s':>7} {'cpu s':>7}")
    for n in (int(size) for size in args.sizes.split(",")):
        for mix in ("cents", "hundreds"):
            deals = pipeline(n, mix)
            won = Decimal("25000")
            target = won + sum(amount * rate for amount, rate in deals)
            times, cpu = [], []
            for _ in range(args.runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                odds = target_odds(won, target, deals)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            median = statistics.median(times)
            flag = "  over 0.3 s" if n >= 10_000 and median > LIMIT_S else ""
            print(f"{n:>6} {mix:<9} {odds.method:<10} {odds.draws:>6} {odds.error:>7.4f} {odds.probability:>9.4f} "
                  f"{median:>9.3f} {min(times):>7.3f} {statistics.median(cpu):>7.3f}{flag}")


if __name__ == "__main__":
    main()
