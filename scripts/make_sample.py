"""Writes the bundled sample ledger: four reps, Aug-Nov 2026, seeded so that every run gives the same bytes."""

from __future__ import annotations

from decimal import Decimal

import calendar
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script, from anywhere

from ledger.events import (  # noqa: E402
    AmountChanged, CloseDateChanged, DealOpened, DealSplit, Event, NoteAdded, OwnerChanged,
    PriorityChanged, SettingsChanged, SplitPart, StageChanged, StageDefined, TargetSet, encode_event,
)
from scripts.sample_story import (  # noqa: E402
    SEED, TEAM_ZONE, TZ, FIRST_DAY, LAST_DAY, PIPELINE_DAY, MANAGER, REPS, TARGETS, SAM_REVISED, TEAM_STAGES,
    NEGOTIATION_REVIEWED, PATH, RATE, LEAD_DAYS, ADVANCE, DWELL, COVER, OPEN_RATE, WEEKEND_ACTIVITY, ACCOUNTS,
    PRODUCTS, BIG_PRODUCTS, NEXT_STEPS, MEKONG_STORY,
)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def month_of(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_workdays(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        n -= day.weekday() < 5
    return day


def is_review_day(day: dt.date) -> bool:
    """Mondays, and the first weekday of each month."""
    first_weekday = all(day.replace(day=d).weekday() >= 5 for d in range(1, day.day))
    return day.weekday() < 5 and (day.weekday() == 0 or first_weekday)


def ulid(ts: dt.datetime, bits: int) -> str:
    """A ULID-like id: the 48-bit millisecond time, then 80 bits, in Crockford base32 (26 characters)."""
    value = (int(ts.timestamp() * 1000) << 80) | bits
    return "".join(CROCKFORD[(value >> shift) & 31] for shift in range(125, -5, -5))


@dataclass
class Deal:
    id: str
    name: str
    account: str
    owner: str
    stage: str
    amount: int
    priority: str
    close_date: dt.date | None = None
    parked_at: str | None = None  # the stage it went inactive from
    big: bool = False  # kept should-have until it is split into tranches
    scripted: bool = False  # MEKONG_STORY drives it, not the dice


class Sample:
    """The simulation: one day at a time, events recorded in the order they happen, then stamped."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.ids = random.Random(seed + 1)
        self.clock = random.Random(seed + 2)  # apart: more or fewer events in a day leave the deals' dice alone
        self.deals: dict[str, Deal] = {}
        self.won_on: dict[str, dt.date] = {}
        self.targets: dict[tuple[str, str | None], int] = {}
        self.mekong: list[Deal] = []  # the whole deal, then its tranches
        self.pending: list[tuple[type[Event], dict]] = []
        self.lines: list[bytes] = []
        self.today = FIRST_DAY
        self.number = 1000

    def record(self, cls: type[Event], by: str, **fields) -> None:
        self.pending.append((cls, dict(fields, by=by)))

    def stamp_day(self) -> None:
        """Spread the day's events over working hours (a short morning on weekends), in order, a second apart
        at least: ts and ids both increase strictly through the file."""
        start, span = (8 * 3600 + 900, 10 * 3600) if self.today.weekday() < 5 else (9 * 3600, 3 * 3600)
        seconds = sorted(self.clock.sample(range(span), len(self.pending)))
        midnight = dt.datetime.combine(self.today, dt.time(), TZ)
        for (cls, fields), second in zip(self.pending, seconds):
            ts = midnight + dt.timedelta(seconds=start + second)
            self.lines.append(encode_event(cls(id=ulid(ts, self.ids.getrandbits(80)), ts=ts, **fields)))
        self.pending.clear()

    def open_deal(self, owner: str, stage: str, account: str | None = None, amount: int | None = None,
                  big: bool | None = None, product: str | None = None, scripted: bool = False) -> Deal:
        self.number += 1
        big = self.rng.random() < 0.06 if big is None else big
        account = account or self.rng.choice(ACCOUNTS)
        product = product or self.rng.choice(BIG_PRODUCTS if big else PRODUCTS)
        amount = amount or (self.rng.randrange(40, 121) * 1000 if big else
                            int(round(min(max(self.rng.lognormvariate(8.75, 0.55), 1500), 28_000), -2)))
        close = self.expected_close(stage) if PATH.index(stage) >= 3 else None
        priority = "should" if big or PATH.index(stage) >= 2 else "could"
        deal = Deal(f"D-{self.number}", f"{account} {product}", account, owner, stage, amount, priority,
                    close, big=big, scripted=scripted)
        self.deals[deal.id] = deal
        self.record(DealOpened, owner, deal=deal.id, name=deal.name, owner=owner, stage=stage,
                    amount=amount, priority=priority, close_date=close, account=account)
        if self.rng.random() < 0.8:
            self.note(deal)
        return deal

    def expected_close(self, stage: str) -> dt.date:
        days = LEAD_DAYS[stage] + self.rng.randint(-3, 10)
        return add_workdays(self.today, max(1, days * 5 // 7))

    def note(self, deal: Deal, text: str | None = None) -> None:
        """The deal's next action; a parked deal's comes due weeks later, a closed deal's has no due date."""
        text = text or self.rng.choice(NEXT_STEPS[deal.stage])
        due_in = self.rng.randint(10, 25) if deal.stage == "inactive" else self.rng.randint(1, 6)
        due = None if deal.stage in ("won", "lost") else add_workdays(self.today, due_in)
        self.record(NoteAdded, deal.owner, deal=deal.id, text=text, due=due)

    def change(self, deal: Deal, cls: type[Event], by: str | None = None, **fields) -> None:
        """Any one-field change: the deal as the simulation sees it, and its event."""
        if fields.get("stage") == "inactive":
            deal.parked_at = deal.stage
        elif fields.get("stage") == "won":
            self.won_on[deal.id] = self.today
        for name, value in fields.items():
            setattr(deal, name, value)
        self.record(cls, by or deal.owner, deal=deal.id, **fields)

    def split(self, deal: Deal, shares: tuple[tuple[float, str, dt.date | None], ...]) -> list[Deal]:
        """Break a big deal into tranches: each share of the amount gets its own priority and close date."""
        del self.deals[deal.id]
        parts = [Deal(f"{deal.id}-{n}", deal.name, deal.account, deal.owner, deal.stage,
                      int(round(deal.amount * share, -3)), priority, close or deal.close_date, scripted=deal.scripted)
                 for n, (share, priority, close) in enumerate(shares, start=1)]
        self.deals.update((part.id, part) for part in parts)
        self.record(DealSplit, deal.owner, deal=deal.id, parts=[
            SplitPart(deal=p.id, amount=p.amount, priority=p.priority, **({"close_date": close} if close else {}))
            for p, (_, _, close) in zip(parts, shares)])
        return parts

    def can_close(self, deal: Deal, day: dt.date | None = None) -> bool:
        """Can the deal still close in the month of `day` (today by default), as docs/method.md counts it."""
        day = day or self.today
        return (deal.stage in PATH and day + dt.timedelta(days=LEAD_DAYS[deal.stage]) <= month_end(day)
                and (deal.close_date is None or deal.close_date <= month_end(day)))

    def won_in_month(self, rep: str, day: dt.date) -> int:
        return sum(d.amount for d in self.deals.values()
                   if d.owner == rep and d.stage == "won" and month_of(self.won_on[d.id]) == month_of(day))

    def review(self, rep: str) -> None:
        """The weekly board review: must-haves cover the rest of the target, later stages first (in a
        month's last week nothing can close in time any more: the review plans the next month)."""
        end = month_end(self.today)
        day = self.today if (end - self.today).days >= 7 else end + dt.timedelta(days=1)
        target = self.targets.get((month_of(day), rep), self.targets[month_of(self.today), rep])
        gap = target * COVER - self.won_in_month(rep, day)
        pool = sorted((d for d in self.deals.values() if d.owner == rep and d.stage in PATH),
                      key=lambda d: (-PATH.index(d.stage), -d.amount, d.id))
        for deal in pool:
            if deal.scripted:
                gap -= deal.amount if deal.priority == "must" and self.can_close(deal, day) else 0
                continue
            if not deal.big and gap > 0 and self.can_close(deal, day):
                want, gap = "must", gap - deal.amount
            else:
                want = "should" if deal.big or PATH.index(deal.stage) >= 2 else "could"
            if want != deal.priority:
                self.change(deal, PriorityChanged, priority=want)

    def promote_backups(self, rep: str, lost_value: float) -> None:
        """A must-have left the month: should-haves, then could-haves, that can still close take its place at once."""
        backups = sorted((d for d in self.deals.values() if d.owner == rep and d.priority != "must"
                          and not d.big and not d.scripted and self.can_close(d)),
                         key=lambda d: (d.priority != "should", -d.amount * RATE[d.stage], d.id))
        for deal in backups:
            if lost_value <= 0:
                break
            self.change(deal, PriorityChanged, priority="must")
            lost_value -= deal.amount * RATE[deal.stage]

    def leave_month(self, deal: Deal, cls: type[Event], **fields) -> None:
        """A change that takes the deal out of the month (lost, parked, slipped): a must-have is replaced at once."""
        value = deal.amount * RATE[deal.stage] if deal.priority == "must" and self.can_close(deal) else 0
        self.change(deal, cls, **fields)
        self.promote_backups(deal.owner, value)

    def step(self, deal: Deal, activity: float) -> None:
        """Maybe a decision, else maybe one smaller change."""
        rng, index = self.rng, PATH.index(deal.stage) if deal.stage in PATH else -1
        if deal.stage == "inactive":
            if rng.random() < 0.035 * activity:
                self.change(deal, StageChanged, stage=deal.parked_at)
                self.note(deal, "Back in touch: their budget is released")
        elif deal.big and index >= 3:
            self.split_big(deal)
        elif rng.random() < 1.4 / DWELL[deal.stage] * activity:
            self.decide(deal, index)
        elif deal.close_date and deal.close_date < self.today and rng.random() < 0.3:
            self.change(deal, CloseDateChanged, close_date=add_workdays(self.today, rng.randint(3, 12)))
        elif (deal.close_date and deal.close_date <= month_end(self.today) and 2 <= index <= 4
              and rng.random() < 0.012 * activity):
            self.leave_month(deal, CloseDateChanged, close_date=month_end(self.today) + dt.timedelta(rng.randint(5, 35)))
        elif index >= 2 and rng.random() < 0.01 * activity:
            self.change(deal, AmountChanged, amount=int(round(deal.amount * rng.uniform(0.75, 1.25), -2)))
        elif rng.random() < 0.12 * activity:
            self.note(deal)
        elif rng.random() < 0.0015 * activity:
            self.change(deal, OwnerChanged, MANAGER, owner=rng.choice([r for r in REPS if r != deal.owner]))

    def decide(self, deal: Deal, index: int) -> None:
        """The customer moves: on (maybe a final discount before the win), back a stage, parked, or lost."""
        rng, roll = self.rng, self.rng.random()
        if roll < ADVANCE[deal.stage]:
            if deal.stage == "negotiation" and rng.random() < 0.2:
                self.change(deal, AmountChanged, amount=int(round(deal.amount * rng.uniform(0.9, 0.98), -2)))
            self.change(deal, StageChanged, stage=(*PATH, "won")[index + 1])
            if deal.stage == "proposal" and deal.close_date is None:
                self.change(deal, CloseDateChanged, close_date=self.expected_close("proposal"))
            if rng.random() < 0.75:
                self.note(deal)
        elif roll < ADVANCE[deal.stage] + 0.05 and index >= 3:
            self.change(deal, StageChanged, stage=PATH[index - 1])
            self.note(deal, "Customer asked to revisit the scope")
        else:
            self.leave_month(deal, StageChanged, stage="inactive" if rng.random() < 0.3 else "lost")
            if deal.stage == "inactive" or rng.random() < 0.4:
                self.note(deal)

    def split_big(self, deal: Deal) -> None:
        """Tranches: the first closes with the deal, the others in later months; all kept as backups for now."""
        weights = [self.rng.uniform(0.6, 1.4) for _ in range(self.rng.randint(2, 4))]
        end = month_end(self.today)
        self.split(deal, tuple(
            (w / sum(weights), "should" if i < 2 else "could",
             end + dt.timedelta(20 * i + self.rng.randint(0, 10)) if i else None)
            for i, w in enumerate(weights)))

    def set_targets(self, period: str, amounts: dict[str | None, int]) -> None:
        for owner, amount in amounts.items():
            self.targets[period, owner] = amount
            self.record(TargetSet, MANAGER, period=period, amount=amount, owner=owner)

    def manager_day(self) -> None:
        """The team's set-up on the first day, next month's targets on the last weekday, two mid-course fixes."""
        day = self.today
        if day == FIRST_DAY:
            self.record(SettingsChanged, MANAGER, tz=TEAM_ZONE, currency="USD")
            for stage, rate, lead_days, position, kind in TEAM_STAGES:
                self.record(StageDefined, MANAGER, stage=stage, rate=rate, lead_days=lead_days,
                            position=position, kind=kind)
            self.set_targets(month_of(day), TARGETS[month_of(day)])
        next_month = month_of(add_workdays(day, 1))
        if next_month != month_of(day) and next_month in TARGETS:
            self.set_targets(next_month, TARGETS[next_month])
        if day == NEGOTIATION_REVIEWED:
            self.record(StageDefined, MANAGER, stage="negotiation", rate=Decimal("0.75"), lead_days=7, position=6)
        if day == SAM_REVISED[0]:
            self.set_targets(SAM_REVISED[1], {"sam": SAM_REVISED[2]})
            for deal in [d for d in self.deals.values() if d.owner == "sam" and d.stage in PATH][:4]:
                self.change(deal, OwnerChanged, MANAGER, owner="marco")

    def load_pipeline(self) -> None:
        """The deals each rep already has going on the first Monday, and the Mekong deal among them."""
        for _ in range(9):
            for rep in REPS:
                self.open_deal(rep, self.rng.choices(PATH, weights=(3, 3, 2, 2, 2, 1))[0], big=False)
        self.mekong = [self.open_deal("priya", "qualified", "Mekong Logistics", 120_000, True,
                                      "fleet tracking rollout (3 depots)", scripted=True)]

    def story(self) -> None:
        """Mekong Logistics, played from MEKONG_STORY."""
        act = {"split": lambda deal, arg: self.mekong.extend(self.split(deal, arg)),
               "stage": lambda deal, arg: self.change(deal, StageChanged, stage=arg),
               "drop": lambda deal, arg: self.leave_month(deal, StageChanged, stage=arg),
               "close": lambda deal, arg: self.change(deal, CloseDateChanged, close_date=arg),
               "note": self.note}
        for who, action, arg in MEKONG_STORY.get(self.today, ()):
            act[action](self.mekong[who], arg)

    def run(self) -> bytes:
        while self.today <= LAST_DAY:
            activity = 1.0 if self.today.weekday() < 5 else WEEKEND_ACTIVITY
            self.manager_day()
            if self.today == PIPELINE_DAY:
                self.load_pipeline()
            self.story()
            if is_review_day(self.today):
                for rep in REPS:
                    self.review(rep)
            tasks = [(rep, None) for rep in REPS for _ in range(2) if self.rng.random() < OPEN_RATE * activity]
            tasks += [(None, d.id) for d in self.deals.values() if d.stage in (*PATH, "inactive") and not d.scripted]
            self.rng.shuffle(tasks)
            for rep, deal_id in tasks:
                if rep is not None:
                    self.open_deal(rep, self.rng.choices(PATH[:4], weights=(5, 4, 2, 1))[0])
                elif deal_id in self.deals:  # not split earlier today
                    self.step(self.deals[deal_id], activity)
            self.stamp_day()
            self.today += dt.timedelta(days=1)
        return b"".join(self.lines)


def main(argv: list[str]) -> None:
    path = Path(argv[1]) if len(argv) > 1 else ROOT / "sample_events.jsonl"
    path.write_bytes(Sample(SEED).run())


if __name__ == "__main__":
    main(sys.argv)
