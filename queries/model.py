"""The typed results the queries hand to the app and the command line (no UI here).

These are the shapes of `dealbook forecast|replay|changes|calibrate --json`:
`msgspec.to_builtins(result)` is the JSON document scripts rely on, so a field
renamed here is a breaking change. Money is `Decimal` (exact, written as a JSON number); shares
(chance, coverage) are ratios, floats.

The structs a result holds by the thousand are `gc=False` (they hold only text, numbers, dates and
lists of text, so they can never be part of a reference cycle): the garbage collector then does not
walk 10k board deals on every full collection, which cost the board 150 ms pauses mid-keystroke.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from ledger.money import tidy
from queries.categories import ForecastCategories as Categories
from queries.probability import TargetOdds as Odds


class DealRow(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One deal of the pipeline as it stood at a moment."""

    deal: str
    name: str
    owner: str
    account: str | None
    stage: str
    stage_kind: str  # open | won | lost | inactive
    amount: Decimal
    priority: str  # must | should | could
    close_date: dt.date | None
    next_action: str | None
    due: dt.date | None
    version: int  # events about this deal so far (deal_opened is 1)
    days_since_change: int  # whole days from the deal's last event to the moment asked about
    last_change: dt.datetime


class ForecastDeal(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One deal's part in a period's forecast."""

    deal: str
    name: str
    owner: str
    stage: str
    priority: str
    amount: Decimal
    estimated_value: Decimal  # amount x the stage's rate, exact
    counts: bool  # can close in the period (open stage, lead time and close date fit)
    big: bool  # amount >= the big-deal threshold
    # Board extras, beyond the JSON contract of the issue (additive):
    stage_kind: str = "open"
    account: str | None = None
    close_date: dt.date | None = None
    next_action: str | None = None
    due: dt.date | None = None
    version: int = 0
    days_since_change: int = 0
    won_in_period: bool = False


class Forecast(msgspec.Struct, frozen=True, kw_only=True):
    """A period's forecast as of a moment, for the team (owner None) or one owner."""

    period: str  # YYYY-MM or YYYY-Qn
    as_of: dt.datetime
    owner: str | None
    target: Decimal | None  # None: no target (docs/method.md, "Targets")
    won: Decimal
    progress: Decimal
    needed: Decimal | None  # None without a target
    chance: float | None  # progress / target; None without a target (or a target of 0)
    on_track: bool | None  # needed <= 0; None without a target, never "on track"
    coverage: float | None  # None without a target (or a target of 0)
    deals: list[ForecastDeal]
    promotions: list[str]  # deal ids, in the order docs/method.md gives
    big_at: Decimal | None = None  # the big-deal threshold used; None: nothing is big
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    days_left: int = 0  # days of the period after today (today excluded)
    # queries/odds_of.py: the probability of making the target (its `probability` None without a
    # target) with p10/p50/p90 of what will be won, and commit / best case / pipeline
    odds: Odds | None = None
    categories: Categories | None = None


class ReplayDay(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The forecast as it stood at the end of one day of the period."""

    date: dt.date
    progress: Decimal
    needed: Decimal | None  # None without a target that day
    chance: float | None  # None without a target that day
    error: Decimal  # progress - actual: positive ran high, negative ran low
    target: Decimal | None = None  # the view's target that day
    won: Decimal = Decimal(0)
    odds: Odds | None = None  # the probability of making that day's target (queries/odds_of.py)


class Checkpoint(msgspec.Struct, frozen=True, kw_only=True):
    """How far off the forecast was on day 7, 14 or 21 of the period."""

    day: int  # 7, 14 or 21
    date: dt.date
    error: Decimal
    share: float | None  # error / actual; None when actual is 0
    verdict: str  # high | low | exact (within half a cent)


class Replay(msgspec.Struct, frozen=True, kw_only=True):
    """A period replayed: the forecast at the end of each day against what was actually won."""

    period: str
    owner: str | None
    target: Decimal | None  # as of the end of the period (or now); None: no target
    actual: Decimal  # won as of the end of the period (or now, if it has not ended)
    days: list[ReplayDay]
    checkpoints: list[Checkpoint]
    first_visible: dt.date | None  # from this day on, every day's verdict matched the outcome
    as_of: dt.datetime | None = None  # the moment `actual` was read at
    period_start: dt.date | None = None
    period_end: dt.date | None = None


# The causes of a change in progress, in the order a waterfall shows them.
CAUSES: tuple[str, ...] = (
    "new_deals", "promoted", "demoted", "stage_advanced", "stage_regressed", "amount_up", "amount_down",
    "pushed_out", "pulled_in", "went_inactive", "came_back", "lost", "won", "split", "rates_changed",
    "ran_out_of_time", "reassigned", "zone_changed",
)


class DealChange(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One deal's part in one cause of a waterfall."""

    deal: str
    name: str
    owner: str
    cause: str  # one of CAUSES
    amount: Decimal  # its change in progress from that cause
    events: list[str] = []  # the ids of the events that caused it (none for ran_out_of_time)


class Changes(msgspec.Struct, frozen=True, kw_only=True):
    """What moved a period's progress between two moments: start + sum(buckets) == end."""

    period: str
    owner: str | None
    start: Decimal  # progress as of start_as_of
    end: Decimal  # progress as of end_as_of
    buckets: dict[str, Decimal]  # cause -> amount, every cause of CAUSES, in that order
    deals: list[DealChange]  # by cause, then largest change first
    start_as_of: dt.datetime | None = None
    end_as_of: dt.datetime | None = None


class OwnerCalibration(msgspec.Struct, frozen=True, kw_only=True):
    """A stage's measured rate and lead time over one owner's closed deals."""

    owner: str
    measured_rate: float | None
    measured_lead_days: float | None
    deals: int
    won_deals: int


class StageCalibration(msgspec.Struct, frozen=True, kw_only=True):
    """A stage's configured rate and lead time beside what the ledger's own history shows."""

    stage: str
    rate: Decimal  # configured
    measured_rate: float | None  # of the closed deals that ever reached the stage, the share won
    lead_days: int  # configured
    measured_lead_days: float | None  # median days from first reaching the stage to the won date
    deals: int  # closed deals that reached the stage (measured_rate rests on them)
    won_deals: int = 0  # of which won (measured_lead_days rests on them)
    kind: str = "open"
    position: int = 0
    by_owner: list[OwnerCalibration] = []  # the same measures per owner, beside the team's


def ratio(part: Decimal, whole: Decimal | None) -> float | None:
    """part / whole as a share (a ratio, not money: a float), None without a whole."""
    return float(part / whole) if whole else None


_json = msgspec.json.Encoder(decimal_format="number")


def _tidied(value: object) -> object:
    if isinstance(value, Decimal):
        return tidy(value)
    if isinstance(value, dict):
        return {key: _tidied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_tidied(item) for item in value]
    return value


def to_json(result: object) -> bytes:
    """A result as the JSON document of `--json`: money as exact JSON numbers (100.1, never 100.09999...)."""
    return _json.encode(_tidied(msgspec.to_builtins(result, builtin_types=(Decimal,))))
