"""Write a large valid ledger for measuring: N events, about 10k open deals, fixed seed."""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

from ledger.events import (
    AmountChanged, CloseDateChanged, DealOpened, DealSplit, NoteAdded, OwnerChanged,
    PriorityChanged, SplitPart, StageChanged, StageDefined, TargetSet, encode_event,
)

OPEN_STAGES = ["lead", "qualified", "proposal", "quote", "negotiation"]
OWNERS = [f"rep{i:02d}" for i in range(40)]
PRIORITIES = ["must", "should", "could"]


def generate(path: Path, n: int, open_deals: int = 10_000, seed: int = 7) -> None:
    """Write n events to path; the pool of open deals grows to open_deals and stays there."""
    rng = random.Random(seed)
    tz = dt.timezone(dt.timedelta(hours=7))
    start = dt.datetime(2024, 1, 1, 8, tzinfo=tz)
    step = dt.timedelta(seconds=(3 * 365 * 86400) / n)  # three years of history
    ts = start
    pool: list[str] = []
    stage_of: dict[str, int] = {}
    next_deal = 1
    month_done: set[str] = set()
    written = 0
    with path.open("wb") as out:
        def emit(event) -> None:
            nonlocal written
            out.write(encode_event(event))
            written += 1

        def eid() -> str:
            return f"E{written:09d}"

        emit(StageDefined(id=eid(), ts=ts, stage="demo", rate=0.3, lead_days=25, position=3))
        while written < n:
            ts += step
            month = f"{ts.year:04d}-{ts.month:02d}"
            if month not in month_done:
                month_done.add(month)
                emit(TargetSet(id=eid(), ts=ts, period=month, amount=2_000_000.0))
                for owner in OWNERS:
                    emit(TargetSet(id=eid(), ts=ts, period=month, amount=50_000.0, owner=owner))
                continue
            roll = rng.random()
            if not pool or (len(pool) < open_deals and roll < 0.2):
                deal = f"D-{next_deal}"
                next_deal += 1
                close = (ts + dt.timedelta(days=rng.randint(5, 90))).date() if rng.random() < 0.5 else None
                emit(DealOpened(id=eid(), ts=ts, deal=deal, name=f"Deal {deal}", owner=rng.choice(OWNERS),
                                stage=rng.choice(OPEN_STAGES[:3]), amount=float(rng.randint(1, 200) * 500),
                                priority=rng.choice(PRIORITIES), close_date=close, account=f"ACC-{rng.randint(1, 3000)}"))
                pool.append(deal)
                stage_of[deal] = 0
                continue
            i = rng.randrange(len(pool))
            deal = pool[i]
            if roll < 0.45:
                s = min(stage_of[deal] + rng.choice([1, 1, 1, -1]), len(OPEN_STAGES) - 1)
                stage_of[deal] = max(s, 0)
                emit(StageChanged(id=eid(), ts=ts, deal=deal, stage=OPEN_STAGES[stage_of[deal]]))
            elif roll < 0.55:
                emit(AmountChanged(id=eid(), ts=ts, deal=deal, amount=float(rng.randint(1, 200) * 500)))
            elif roll < 0.62:
                emit(PriorityChanged(id=eid(), ts=ts, deal=deal, priority=rng.choice(PRIORITIES)))
            elif roll < 0.68:
                close = (ts + dt.timedelta(days=rng.randint(-5, 60))).date() if rng.random() < 0.9 else None
                emit(CloseDateChanged(id=eid(), ts=ts, deal=deal, close_date=close))
            elif roll < 0.71:
                emit(OwnerChanged(id=eid(), ts=ts, deal=deal, owner=rng.choice(OWNERS)))
            elif roll < 0.80:
                emit(NoteAdded(id=eid(), ts=ts, deal=deal, text="call back",
                               due=(ts + dt.timedelta(days=rng.randint(0, 10))).date()))
            elif roll < 0.81:
                parts = []
                for _ in range(rng.randint(2, 3)):
                    part = f"D-{next_deal}"
                    next_deal += 1
                    parts.append(SplitPart(deal=part, amount=float(rng.randint(1, 50) * 500),
                                           priority=rng.choice(PRIORITIES)))
                    pool.append(part)
                    stage_of[part] = stage_of[deal]
                emit(DealSplit(id=eid(), ts=ts, deal=deal, parts=parts))
                pool[i] = pool[-1]
                pool.pop()
            else:
                end = rng.choice(["won", "lost", "lost", "inactive"]) if stage_of[deal] >= 2 or roll > 0.9 else None
                if end is None:
                    continue
                emit(StageChanged(id=eid(), ts=ts, deal=deal, stage=end))
                pool[i] = pool[-1]
                pool.pop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--open-deals", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.path, args.n, args.open_deals, args.seed)


if __name__ == "__main__":
    main()
