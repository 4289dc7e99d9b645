"""Hypothesis strategies for valid ledgers, moments and periods, to compare the engine with the reference."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import NamedTuple

from hypothesis import strategies as st

from ledger.events import EVENT_TYPES, SettingsChanged, SplitPart, TargetSet

OWNERS = ("lan", "minh", "thu")
OFFSETS = tuple(dt.timezone(dt.timedelta(minutes=m)) for m in (0, 7 * 60, -5 * 60, 5 * 60 + 30, -10 * 60))
STARTS = (dt.datetime(2026, 9, 20, 8, tzinfo=dt.UTC), dt.datetime(2026, 12, 15, 20, tzinfo=dt.UTC))
SPAN = dt.timedelta(days=60)
DEFAULT_STAGES = {  # name -> (position, kind); rates and lead days are redrawn when a stage is redefined
    "lead": (1, "open"), "qualified": (2, "open"), "proposal": (3, "open"), "quote": (4, "open"),
    "negotiation": (5, "open"), "won": (6, "won"), "lost": (7, "lost"), "inactive": (8, "inactive"),
}
TEAM_STAGES = ("demo", "pilot", "signed", "on-hold")
MONTH_EDGE = -1
DAY_EDGE = -2
# The ledger's time zone: none (each ts in its own offset), fixed ones, and ones with daylight saving
# that changes inside the span (Europe/Berlin and America/New_York end it in late October and early
# November, Australia/Sydney starts it in early October)
ZONES = (None, "Asia/Ho_Chi_Minh", "Pacific/Honolulu", "Asia/Kolkata", "Europe/Berlin", "America/New_York",
         "Australia/Sydney")

amounts = st.one_of(
    st.integers(0, 16).map(lambda n: Decimal(n * 500)),  # a coarse grid, so that amounts meet thresholds
    st.integers(0, 2_000_000).map(lambda cents: Decimal(cents).scaleb(-2)),  # cents
    # exact ties of estimated value across stages (700 x 0.6 = 1,050 x 0.4), a cent, and issue 12's won amount
    st.sampled_from((Decimal(700), Decimal(1050), Decimal("1225"), Decimal("0.01"), Decimal("4828.19"))),
)
priorities = st.sampled_from(("must", "should", "could"))
picks = st.sampled_from(range(100))  # a deal or a stage, by index among those that exist by then
# a deal by index from the latest opened: often one of the last two, so that deals see several events
deal_picks = st.sampled_from((0, 0, 1)) | picks
# the stages a pick resolves to (then the team's): those that can close within a month more often
STAGE_PICKS = (
    "quote", "negotiation", "proposal", "won", "quote", "negotiation", "won", "lead", "qualified", "inactive", "lost",
)


def months_around(first: dt.date, last: dt.date) -> list[str]:
    """The months from the one before `first` to the one after `last`, then their quarters."""
    months, day = [], (first.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    while day <= last + dt.timedelta(days=31):
        months.append(f"{day:%Y-%m}")
        day = (day + dt.timedelta(days=32)).replace(day=1)
    quarters = {f"{m[:4]}-Q{(int(m[5:]) - 1) // 3 + 1}" for m in months}
    return months + sorted(quarters)


class Step(NamedTuple):
    """A ledger line to be. Deals and stages are picked by index among those that exist by then, so that any
    list of steps makes a valid ledger and hypothesis can shrink a failing one by deleting steps."""

    kind: str
    gap: float  # a share of the mean gap between lines (integers() would favour small gaps), or
    # MONTH_EDGE: to 3 hours before the next month begins in UTC, where local days and UTC days differ, or
    # DAY_EDGE: to a few seconds around the next midnight in the ledger's zone (or in the step's offset)
    jitter: int  # seconds added to the gap, so that lines fall at any time of day
    offset: dt.timezone
    fields: dict


def steps(start: dt.datetime, only: str | None = None) -> st.SearchStrategy[Step]:
    """Steps of any kind (weighted), or only of one; dates fall around the ledger's span."""
    dates = st.dates(start.date() - dt.timedelta(days=10), start.date() + SPAN + dt.timedelta(days=30))
    period_count = len(months_around(start.date(), (start + SPAN).date()))
    kinds = {  # deal_opened first, so that examples shrink to it
        "deal_opened": st.fixed_dictionaries(dict(
            name=st.sampled_from(("Acme renewal", "Globex pilot", "Initech")), owner=st.sampled_from(OWNERS),
            stage=picks, amount=amounts, priority=priorities, close_date=st.none() | dates,
            account=st.none() | st.sampled_from(("Acme", "Globex")),
        )),
        "stage_changed": st.fixed_dictionaries(dict(deal=deal_picks, stage=picks)),
        "target_set": st.fixed_dictionaries(dict(
            period=st.integers(0, 3 + period_count), owner=st.none() | st.sampled_from(OWNERS),
            amount=st.integers(0, 12).map(lambda n: Decimal(n * 2500)) | amounts,
        )),
        "priority_changed": st.fixed_dictionaries(dict(deal=deal_picks, priority=priorities)),
        "amount_changed": st.fixed_dictionaries(dict(deal=deal_picks, amount=amounts)),
        "close_date_changed": st.fixed_dictionaries(dict(deal=deal_picks, close_date=st.none() | dates)),
        "owner_changed": st.fixed_dictionaries(dict(deal=deal_picks, owner=st.sampled_from(OWNERS))),
        "deal_split": st.fixed_dictionaries(dict(deal=deal_picks, parts=st.lists(
            st.tuples(amounts, priorities, st.none() | dates), min_size=1, max_size=3
        ))),
        "note_added": st.fixed_dictionaries(dict(
            deal=deal_picks, text=st.sampled_from(("call", "send quote", "")), due=st.none() | dates,
        )),
        "stage_defined": st.fixed_dictionaries(dict(
            stage=st.integers(0, 11), rate=st.integers(0, 20).map(lambda n: Decimal(n) / 20),
            lead_days=st.integers(0, 60),
            kind=st.sampled_from(("open", "won", "inactive", "lost")),  # team stages only
        )),
        "settings_changed": st.fixed_dictionaries(dict(tz=st.sampled_from(ZONES[1:]))),  # the team moves
    }
    weights = dict(deal_opened=4, stage_changed=4, target_set=3, priority_changed=2, note_added=2,
                   settings_changed=0 if only else 1)
    gaps = st.sampled_from((0, 0.05, 0.3, 1, 1.5, 2, MONTH_EDGE, DAY_EDGE))
    jitters, offsets = st.integers(0, 6 * 3600), st.sampled_from(OFFSETS)
    chosen = [only] if only else [k for k in kinds for _ in range(weights.get(k, 1))]
    return st.one_of([st.builds(Step, st.just(k), gaps, jitters, offsets, kinds[k]) for k in chosen])


@st.composite
def ledgers(draw, max_events: int = 60) -> list:
    """A valid ledger (maybe empty): non-decreasing ts in several offsets, unique ids, events only for live deals."""
    start = draw(st.sampled_from(STARTS))
    tz = draw(st.sampled_from(ZONES))  # most teams set it first
    # a team usually sets its targets before the deals move
    first = draw(st.lists(steps(start, only="target_set"),
                          min_size=draw(st.sampled_from((0, 2, 3))), max_size=4))
    # lists() keeps to about five elements on average: a drawn lower bound makes long ledgers common
    # (hypothesis shrinks a failing one by lowering it, then deleting steps)
    at_least = draw(st.sampled_from((0, 15, 30, 45)))
    body = draw(st.lists(steps(start), min_size=min(at_least, max_events - 4), max_size=max_events - len(first)))
    zone_first = [Step("settings_changed", 0, 0, dt.UTC, {"tz": tz})] if tz else []
    return build_ledger(start, zone_first + [s._replace(gap=0) for s in first] + body)


def build_ledger(start: dt.datetime, plan: list[Step]) -> list:
    """The events a list of steps makes; a step about a deal when no deal is live is left out."""
    periods = months_around(start.date(), (start + SPAN).date())
    mean_gap = SPAN / max(1, len(plan))
    stages = {name: kind for name, (_, kind) in DEFAULT_STAGES.items()}
    live: list[str] = []  # opened and not split, in opening order
    deal_count, moment, events = 0, start, []
    tz: str | None = None  # the ledger's zone by then

    def new_deal_id() -> str:
        nonlocal deal_count
        deal_count += 1
        return f"D-{deal_count}"

    for step in plan:
        if step.gap == MONTH_EDGE:
            moment = max(moment, dt.datetime.combine(month_end(f"{moment:%Y-%m}"), dt.time(21), dt.UTC))
        elif step.gap == DAY_EDGE:  # seconds around local midnight: jitter 0..6h maps to -3s..+3s
            local = moment.astimezone(zoneinfo.ZoneInfo(tz) if tz else step.offset)
            midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0), local.tzinfo)
            moment = max(moment, midnight.astimezone(dt.UTC) + dt.timedelta(seconds=step.jitter % 7 - 3))
            step = step._replace(jitter=0)
        else:
            moment += step.gap * mean_gap
        moment = (moment + dt.timedelta(seconds=step.jitter)).replace(microsecond=0)
        f = dict(step.fields)
        common = dict(id=f"E{len(events):03d}", ts=moment.astimezone(step.offset))
        if "deal" in f:
            if not live:
                continue
            f["deal"] = live[-1 - f["deal"] % len(live)]
        if step.kind in ("deal_opened", "stage_changed"):
            choices = STAGE_PICKS + tuple(name for name in stages if name not in DEFAULT_STAGES)
            f["stage"] = choices[f["stage"] % len(choices)]
        if step.kind == "deal_opened":
            f["deal"] = new_deal_id()
            live.append(f["deal"])
        elif step.kind == "deal_split":
            live.remove(f["deal"])
            f["parts"] = [SplitPart(deal=new_deal_id(), amount=a, priority=p, close_date=c) for a, p, c in f["parts"]]
            live.extend(part.deal for part in f["parts"])
        elif step.kind == "target_set":
            day = common["ts"].date()
            nearby = [f"{day + dt.timedelta(days=d):%Y-%m}" for d in (0, 20, 50)] + [f"{day:%Y}-Q{(day.month + 2) // 3}"]
            f["period"] = (nearby + periods)[f["period"]]
        elif step.kind == "settings_changed":
            tz = f["tz"]
        elif step.kind == "stage_defined":  # a new rate or lead time for a default stage, or a team stage
            name = (list(DEFAULT_STAGES) + list(TEAM_STAGES))[f["stage"]]
            position, kind = DEFAULT_STAGES.get(name, (0, f["kind"]))
            f.update(stage=name, kind=kind, position=position or 9 + TEAM_STAGES.index(name))
            stages[name] = kind
        events.append(EVENT_TYPES[step.kind](**common, **f))
    return events


def moments(events: list) -> st.SearchStrategy[dt.datetime]:
    """A moment T in or around the ledger's span: at an event, just before or after one, at a day's end,
    anywhere, or on a day that leaves a default lead time to a month's end."""
    first, last = (events[0].ts, events[-1].ts) if events else (STARTS[0], STARTS[0])
    offsets = st.sampled_from(OFFSETS)
    at_event = st.sampled_from([e.ts for e in events] or [first])
    near_event = st.builds(lambda ts, s: ts + dt.timedelta(seconds=s), at_event, st.integers(-90, 90))
    anywhere = st.builds(  # a share of the span from a list: integers() would favour the start
        lambda share, s, tz: (first + share / 100 * (last - first) + dt.timedelta(seconds=s)).astimezone(tz),
        st.sampled_from(range(-5, 111)), st.integers(-43200, 43200), offsets,
    )
    day_end = st.builds(
        lambda t, tz: dt.datetime.combine(t.astimezone(tz).date(), dt.time.max, tz), anywhere, offsets
    )
    month_ends = [month_end(m) for m in months_around(first.date(), last.date()) if "Q" not in m]
    lead_edge = st.builds(
        lambda end, lead, time, tz: dt.datetime.combine(end - dt.timedelta(days=lead), time, tz),
        st.sampled_from(month_ends), st.sampled_from((0, 7, 14, 21, 30, 45)),
        st.sampled_from((dt.time(0), dt.time(12, 30), dt.time.max)), offsets,
    )
    return st.one_of(at_event, near_event, anywhere, day_end, lead_edge)


def month_end(month: str) -> dt.date:
    """The last day of a YYYY-MM month."""
    year, number = int(month[:4]), int(month[5:])
    return dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1)


def periods(events: list, as_of: dt.datetime | None = None) -> st.SearchStrategy[str]:
    """A month or quarter the ledger touches: the month of as_of first (examples shrink to it), one with a
    target, or any."""
    first, last = (events[0].ts, events[-1].ts) if events else (STARTS[0], STARTS[0])
    choices = st.sampled_from(months_around(first.date(), last.date()))
    with_target = sorted({e.period for e in events if isinstance(e, TargetSet)})
    if with_target:
        choices = st.sampled_from(with_target) | choices
    return choices if as_of is None else st.just(f"{as_of:%Y-%m}") | choices
