"""Back-test the probability of making the target on a ledger: every past day's figure against its month's outcome.

    .venv/bin/python scripts/backtest_probability.py [--ledger sample_events.jsonl]

For every month of the ledger that has ended by the day of its last event, and every view with a
target (the team and each owner), the probability as of the end of each day of the month is set
against whether the month made its target (won at its end >= its target then). Prints the
reliability table, the Brier score, and each month's figure on days 1, 7, 14 and 21. With
--all-open, every open deal counts, whatever its lead time and close date: not METHOD's rule, but
it shows what the rule's cut-off costs.

By the rule, each day's figure is the forecast's own `odds` (queries/odds_of.py); `dealbook backtest`
gives the same from each month's replay, much faster. With --all-open, the rates are read back
exactly as estimated value / amount.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queries import Store, end_of_day, period_bounds  # noqa: E402
from queries.backtest import backtest  # noqa: E402
from queries.odds_of import rate_of  # noqa: E402
from queries.probability import target_odds  # noqa: E402

def odds_on(store: Store, period: str, owner: str | None, moment: dt.datetime, all_open: bool) -> float | None:
    forecast = store.forecast(period, moment, owner)
    if not forecast.target:
        return None
    if not all_open:
        return forecast.odds.probability
    deals = [(d.amount, rate_of(d)) for d in forecast.deals if d.stage_kind == "open" and d.amount]
    return target_odds(forecast.won, forecast.target, deals).probability


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", default=str(ROOT / "sample_events.jsonl"))
    parser.add_argument("--all-open", action="store_true",
                        help="count every open deal, whatever its lead time and close date (what the cut-off costs)")
    args = parser.parse_args()
    store = Store.open(args.ledger)
    facts = store.facts()
    last_day = facts.last_ts.date()
    tz = store.ledger_tz
    pairs, rows = [], []
    for period in sorted(facts.months):
        first, last = period_bounds(period)
        if last > last_day:
            continue
        for owner in (None, *facts.owners):
            outcome = store.forecast(period, end_of_day(last, tz), owner)
            if not outcome.target:
                continue
            made = outcome.won >= outcome.target
            by_day = {}
            day = first
            while day <= last:
                p = odds_on(store, period, owner, end_of_day(day, tz), args.all_open)
                if p is not None:
                    pairs.append((p, made))
                    by_day[day.day] = p
                day += dt.timedelta(days=1)
            rows.append((period, owner or "team", outcome.won, outcome.target, made, by_day))
    print(f"{'month':<8} {'view':<6} {'won':>9} {'target':>9} {'made':<5} " + " ".join(f"day{d:>2}" for d in (1, 7, 14, 21)))
    for period, view, won, target, made, by_day in rows:
        days = " ".join(f"{by_day[d]:>5.0%}" if d in by_day else "    -" for d in (1, 7, 14, 21))
        print(f"{period:<8} {view:<6} {won:>9,.0f} {target:>9,.0f} {'yes' if made else 'no':<5} {days}")
    result = backtest(pairs)
    print(f"\n{result.count} day-predictions over {len(rows)} month-views; Brier score "
          f"{result.brier:.4f}" if result.brier is not None else "no predictions")
    print(f"{'band':<9} {'count':>5} {'predicted':>9} {'came true':>9}")
    for band in result.bands:
        if band.count:
            print(f"{band.low:>3.0%}-{band.high:<4.0%} {band.count:>5} {band.mean_predicted:>9.1%} {band.observed:>9.1%}")


if __name__ == "__main__":
    main()
