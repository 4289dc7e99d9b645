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

SEED = 218  # chosen so that the months tell the stories tests/test_sample.py checks
TEAM_ZONE = "Asia/Ho_Chi_Minh"  # the team's time zone, set on the first line (+07:00 all year, no DST)
TZ = dt.timezone(dt.timedelta(hours=7))
FIRST_DAY, LAST_DAY = dt.date(2026, 8, 1), dt.date(2026, 11, 30)
PIPELINE_DAY = dt.date(2026, 8, 3)  # the first Monday: the reps enter the deals they already have
MANAGER = "hana"
REPS = ("lan", "marco", "priya", "sam")

# period -> {owner: target} (None: the team), set on the last weekday before the month.
TARGETS = {
    "2026-08": {None: 100_000, "lan": 26_000, "marco": 24_000, "priya": 28_000, "sam": 22_000},
    "2026-09": {None: 105_000, "lan": 27_000, "marco": 25_000, "priya": 29_000, "sam": 23_000},
    "2026-10": {None: 130_000, "lan": 34_000, "marco": 31_000, "priya": 36_000, "sam": 29_000},
    "2026-11": {None: 135_000, "lan": 35_000, "marco": 32_000, "priya": 38_000, "sam": 30_000},
}
SAM_REVISED = (dt.date(2026, 9, 14), "2026-09", 18_000)  # sam hands four deals to marco; his target follows

# The team's stage table: 'demo' goes in after qualified, so the stages after it move down one.
TEAM_STAGES = (
    ("demo", Decimal("0.3"), 25, 3, "open"),
    ("proposal", Decimal("0.4"), 21, 4, "open"),
    ("quote", Decimal("0.6"), 14, 5, "open"),
    ("negotiation", Decimal("0.8"), 7, 6, "open"),
    ("won", Decimal(1), 0, 7, "won"),
    ("lost", Decimal(0), 0, 8, "lost"),
    ("inactive", Decimal(0), 0, 9, "inactive"),
)
NEGOTIATION_REVIEWED = dt.date(2026, 9, 1)  # August showed negotiations closing less often than 80%
PATH = ("lead", "qualified", "demo", "proposal", "quote", "negotiation")
RATE = {"lead": 0.1, "qualified": 0.2, **{stage: float(rate) for stage, rate, *_ in TEAM_STAGES}}
LEAD_DAYS = {"lead": 45, "qualified": 30, "demo": 25, "proposal": 21, "quote": 14, "negotiation": 7}
# A decision at a stage moves the deal on with this chance; their products give the stage rates.
ADVANCE = {"lead": 0.5, "qualified": 0.67, "demo": 0.75, "proposal": 0.67, "quote": 0.75, "negotiation": 0.8}
DWELL = {"lead": 12, "qualified": 6, "demo": 5, "proposal": 7, "quote": 6, "negotiation": 5}  # calendar days
COVER = 2.0  # reps mark must-haves until their amounts reach twice what is left of their target
OPEN_RATE = 0.25  # twice a working day, a rep opens a new deal with this chance
WEEKEND_ACTIVITY = 0.08

ACCOUNTS = (
    "Mekong Logistics", "Lotus Foods", "Saigon Coffee Roasters", "Blue Lagoon Resorts", "Hanoi Steelworks",
    "Delta Agritech", "Pearl River Textiles", "Orchid Pharmacy Chain", "Tan Binh Motors", "Coral Bay Hotels",
    "Sunrise Dairy", "Golden Lotus Jewellers", "Red River Brewing", "Ha Long Bakeries", "Phoenix Garments",
    "Andaman Seafoods", "Bamboo Home Furnishing", "Chao Phraya Cold Chain", "Emerald Clinics", "Jade Stone Builders",
    "Lighthouse Schools", "Monsoon Airline Catering", "Nam Long Properties", "Oceanic Ports", "Paddy Field Rice Mills",
    "Quang Trung Hardware", "Riverbank Markets", "Siam Auto Parts", "Teak & Tile Interiors", "Unity Pharma",
    "Vinh Hoa Plastics", "West Lake Apartments", "Yen Bai Tea Estates", "Zenith Electronics", "Ayutthaya Ceramics",
    "Borneo Timber", "Cebu Fresh Produce", "Da Nang Fisheries", "Eastern Star Cinemas", "Fansipan Outdoor",
    "Green Leaf Grocers", "Hilltop Coffee Works", "Iris Beauty Salons", "Java Print House", "Klong Canal Tours",
)
PRODUCTS = (
    "POS terminals", "fleet tracking pilot", "inventory module", "annual licence renewal", "onboarding and training",
    "extra seats", "API integration", "warehouse scanners", "analytics add-on", "support upgrade",
    "loyalty app", "e-invoicing module", "store Wi-Fi bundle", "barcode printers", "payroll connector",
)
BIG_PRODUCTS = ("group-wide rollout", "multi-site ERP migration", "national fleet tracking", "five-year platform deal")
NEXT_STEPS = {
    "lead": ("Intro call to qualify budget", "Find the decision maker", "Send company overview"),
    "qualified": ("Book the product demo", "Confirm budget owner", "Map the buying committee"),
    "demo": ("Run demo for the ops team", "Send demo recording and answers", "Set up a trial account"),
    "proposal": ("Send the proposal", "Walk the CFO through the proposal", "Revise scope after feedback"),
    "quote": ("Send the formal quote", "Chase the PO number", "Answer procurement's questions"),
    "negotiation": ("Agree payment terms", "Get the contract signed", "Legal review of the MSA"),
    "inactive": ("Check in after their budget freeze", "Ping the champion next month"),
    "won": ("Hand over to onboarding", "Kick-off call with the customer"),
    "lost": ("Ask for a debrief on the loss",),
}

# Mekong Logistics, October's lesson: a big deal split in September whose must-have tranche, the one that
# made October look safe, is lost mid-month. day -> (0 the whole deal or 1-3 a tranche, action, argument).
MEKONG_TRANCHES = ((0.45, "must", None), (0.3, "should", dt.date(2026, 11, 27)), (0.25, "could", dt.date(2026, 12, 18)))
MEKONG_STORY = {
    dt.date(2026, 8, 19): ((0, "stage", "demo"), (0, "note", "Onsite demo at the Can Tho depot")),
    dt.date(2026, 9, 2): ((0, "stage", "proposal"), (0, "close", dt.date(2026, 10, 16))),
    dt.date(2026, 9, 9): ((0, "split", MEKONG_TRANCHES), (1, "note", "Phase 1 (Can Tho depot): send pricing")),
    dt.date(2026, 9, 23): ((1, "stage", "quote"),),
    dt.date(2026, 9, 30): ((1, "stage", "negotiation"), (1, "note", "Final pricing call with their COO")),
    dt.date(2026, 10, 7): ((1, "note", "Contract with their legal; signature expected Oct 15"),),
    dt.date(2026, 10, 14): ((1, "drop", "lost"), (1, "note", "Lost to the incumbent on price: ask for a debrief"),
                            (2, "drop", "inactive")),
    dt.date(2026, 11, 4): ((3, "drop", "lost"),),
    dt.date(2026, 11, 9): ((2, "stage", "proposal"), (2, "note", "Phase 2 back on: new budget approved")),
    dt.date(2026, 11, 16): ((2, "stage", "quote"),),
    dt.date(2026, 11, 23): ((2, "stage", "negotiation"),),
    dt.date(2026, 11, 27): ((2, "stage", "won"),),
}
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
