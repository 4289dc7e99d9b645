"""Write a large, valid ledger for measuring: the sample's shape at any size, with a fixed seed.

The sample's shape: a team stage table (with `demo`, and a later revision of a rate), targets each
month for the team and for every rep, deals opened, moved, re-priced and handed over, slips (a close
date pushed into the next month), splits into tranches, deals parked inactive and revived, won and
lost. The pool of open deals grows to `open_deals` (10k by default) and stays there; the history
spans three years and ends on 2026-11-12: October is a full month to replay, and November's
deals can still close in it.

    .venv/bin/python scripts/gen_big_ledger.py bench-data/1m.jsonl -n 1m
"""

from __future__ import annotations

from decimal import Decimal

import argparse
import datetime as dt
import random
from pathlib import Path

from ledger.events import (
    AmountChanged, CloseDateChanged, DealOpened, DealSplit, NoteAdded, OwnerChanged,
    PriorityChanged, SplitPart, StageChanged, StageDefined, TargetSet, encode_event,
)
try:  # the sample's stage table (demo goes in after qualified): imported as scripts.*, or run from scripts/
    from scripts.sample_story import PATH, TEAM_STAGES
except ImportError:
    from sample_story import PATH, TEAM_STAGES

OWNERS = [f"rep{i:02d}" for i in range(40)]
PRIORITIES = ["must", "should", "could"]
TZ = dt.timezone(dt.timedelta(hours=7))
END = dt.datetime(2026, 11, 12, 18, tzinfo=TZ)  # mid-month: deals can still close in it
SPAN = dt.timedelta(days=3 * 365)


def parse_size(text: str) -> int:
    """`10k`, `100k`, `1m` or a plain number of events."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def next_month_start(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def generate(path: Path, n: int, open_deals: int = 10_000, seed: int = 7) -> None:
    """Write exactly n events to path."""
    rng = random.Random(seed)
    step = SPAN / n
    ts = END - SPAN
    pool: list[str] = []  # open deals
    parked: list[str] = []  # inactive deals, which may come back
    stage_of: dict[str, int] = {}  # index in PATH: where the deal is, or was when parked
    next_deal = 1
    months_done: set[str] = set()
    written = 0
    with path.open("wb") as out:
        def emit(event) -> None:
            nonlocal written
            if written < n:
                out.write(encode_event(event))
                written += 1

        def eid() -> str:
            return f"E{written:09d}"

        def close_after(days_min: int, days_max: int) -> dt.date:
            return (ts + dt.timedelta(days=rng.randint(days_min, days_max))).date()

        for stage, rate, lead_days, position, kind in TEAM_STAGES:
            emit(StageDefined(id=eid(), ts=ts, stage=stage, rate=rate, lead_days=lead_days, position=position,
                              kind=kind))
        rate_reviewed = False
        while written < n:
            ts = END - SPAN + step * written  # by events written, so that every size ends on END
            month = f"{ts.year:04d}-{ts.month:02d}"
            if month not in months_done:  # the month's targets, the team's and each rep's
                months_done.add(month)
                emit(TargetSet(id=eid(), ts=ts, period=month, amount=2_000_000))
                for owner in OWNERS:
                    emit(TargetSet(id=eid(), ts=ts, period=month, amount=rng.randint(80, 120) * 500,
                                   owner=owner))
                continue
            if not rate_reviewed and ts >= END - SPAN / 2:  # a mid-course review of a stage's rate
                rate_reviewed = True
                emit(StageDefined(id=eid(), ts=ts, stage="negotiation", rate=Decimal("0.7"), lead_days=7, position=6))
                continue
            roll = rng.random()
            if not pool or (len(pool) < open_deals and roll < 0.2):
                deal = f"D-{next_deal}"
                next_deal += 1
                stage_of[deal] = rng.randrange(3)
                emit(DealOpened(id=eid(), ts=ts, deal=deal, name=f"Deal {deal}", owner=rng.choice(OWNERS),
                                stage=PATH[stage_of[deal]], amount=rng.randint(1, 200) * 500,
                                priority=rng.choice(PRIORITIES),
                                close_date=close_after(5, 90) if rng.random() < 0.7 else None,
                                account=f"ACC-{rng.randint(1, 3000)}"))
                pool.append(deal)
                continue
            if parked and roll < 0.22:  # an inactive deal comes back to the stage it was parked from
                deal = parked.pop(rng.randrange(len(parked)))
                emit(StageChanged(id=eid(), ts=ts, deal=deal, stage=PATH[stage_of[deal]]))
                pool.append(deal)
                continue
            i = rng.randrange(len(pool))
            deal = pool[i]
            if roll < 0.45:
                stage_of[deal] = max(0, min(stage_of[deal] + rng.choice([1, 1, 1, -1]), len(PATH) - 1))
                emit(StageChanged(id=eid(), ts=ts, deal=deal, stage=PATH[stage_of[deal]]))
            elif roll < 0.53:
                emit(AmountChanged(id=eid(), ts=ts, deal=deal, amount=rng.randint(1, 200) * 500))
            elif roll < 0.60:
                emit(PriorityChanged(id=eid(), ts=ts, deal=deal, priority=rng.choice(PRIORITIES)))
            elif roll < 0.64:
                emit(CloseDateChanged(id=eid(), ts=ts, deal=deal,
                                      close_date=close_after(-5, 60) if rng.random() < 0.9 else None))
            elif roll < 0.67:  # a slip: the close date goes into next month
                slipped = next_month_start(ts.date()) + dt.timedelta(days=rng.randint(0, 20))
                emit(CloseDateChanged(id=eid(), ts=ts, deal=deal, close_date=slipped))
            elif roll < 0.70:
                emit(OwnerChanged(id=eid(), ts=ts, deal=deal, owner=rng.choice(OWNERS)))
            elif roll < 0.79:
                emit(NoteAdded(id=eid(), ts=ts, deal=deal, text="call back", due=close_after(0, 10)))
            elif roll < 0.80:  # a split into tranches, each with its own priority (and maybe close date)
                parts = []
                for _ in range(rng.randint(2, 3)):
                    part = f"D-{next_deal}"
                    next_deal += 1
                    close = close_after(10, 90) if rng.random() < 0.5 else None
                    parts.append(SplitPart(deal=part, amount=Decimal(rng.randint(1, 50) * 500),
                                           priority=rng.choice(PRIORITIES), **({"close_date": close} if close else {})))
                    pool.append(part)
                    stage_of[part] = stage_of[deal]
                emit(DealSplit(id=eid(), ts=ts, deal=deal, parts=parts))
                pool[i] = pool[-1]
                pool.pop()
            elif stage_of[deal] >= 2 or roll > 0.9:
                end = rng.choice(["won", "won", "lost", "lost", "inactive"])
                emit(StageChanged(id=eid(), ts=ts, deal=deal, stage=end))
                pool[i] = pool[-1]
                pool.pop()
                if end == "inactive":
                    parked.append(deal)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("-n", type=parse_size, default=1_000_000, help="events: 10k, 100k, 1m (default) or a number")
    parser.add_argument("--open-deals", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.path, args.n, args.open_deals, args.seed)


if __name__ == "__main__":
    main()
