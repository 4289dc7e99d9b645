"""What-if scenarios: hypothetical events laid over the ledger as of a moment T, never written to it."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import duckdb
import msgspec

from ledger import DealOpened, Event, LedgerError, LedgerState, Stage
from ledger.calendar import Calendar
from ledger.events import AnyEvent
from queries import forecasting, loading, sqlfiles
from queries.model import Forecast, ForecastDeal
from queries.moments import epoch_us, from_epoch_us, month_of, parse_period

PLACEHOLDER_ID = "whatif"
PLACEHOLDER_TS = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class ScenarioError(LedgerError):
    """A scenario the ledger, as of its moment, would refuse; the message names each event and why."""


def hypothetical(event_type: type[Event], /, **fields: Any) -> Event:
    """An event of the ledger's format that is only tried: id and ts are stamped when it is laid over T."""
    fields.setdefault("id", PLACEHOLDER_ID)
    fields.setdefault("ts", PLACEHOLDER_TS)
    try:
        return msgspec.convert(fields, event_type)
    except msgspec.ValidationError as err:
        raise ScenarioError(f"invalid {event_type.__struct_config__.tag} event: {err}") from None


def fields_of(event: Event) -> dict[str, Any]:
    """The event's own fields (without type, id and ts), as the constructors take them."""
    return {f: getattr(event, f) for f in event.__struct_fields__ if f not in ("id", "ts")}


def label(event: Event) -> str:
    """`priority_changed D-7`: how an error names a scenario event."""
    tag = event.__struct_config__.tag  # type: ignore[attr-defined]
    return f"{tag} {event.deal_id}" if event.deal_id else str(tag)


# -- the typed results --------------------------------------------------------------------------------


class Staged(msgspec.Struct, frozen=True, kw_only=True):
    """A scenario event as laid over the ledger at T, and the version its deal had just before it."""

    event: AnyEvent
    expect_version: int | None  # None for ledger-wide events (targets, stages); 0 for a deal it opens


class Contribution(msgspec.Struct, frozen=True, kw_only=True):
    """What one deal brings to a forecast."""

    priority: str
    stage: str
    amount: Decimal
    estimated_value: Decimal
    counts: bool  # can close in the period
    counted: Decimal  # its part of progress: the amount if won in the period, the estimated value of a counting must
    promotion: bool  # among the promotions the method proposes


class ChangedDeal(msgspec.Struct, frozen=True, kw_only=True):
    """A deal whose contribution differs between the baseline and the scenario (None: not listed there)."""

    deal: str
    name: str
    owner: str
    before: Contribution | None
    after: Contribution | None
    change: Decimal  # after.counted - before.counted: its change of progress


class WhatIf(msgspec.Struct, frozen=True, kw_only=True):
    """The baseline and the scenario forecasts side by side: `dealbook whatif --json`."""

    baseline: Forecast
    scenario: Forecast
    changed: list[ChangedDeal]
    events: list[AnyEvent]  # the scenario's events, as laid over the ledger (ts = as of)
    name: str | None = None


class Side(msgspec.Struct, frozen=True, kw_only=True):
    """One scenario of a comparison, against the shared baseline."""

    name: str
    scenario: Forecast
    changed: list[ChangedDeal]
    events: list[AnyEvent]


class Comparison(msgspec.Struct, frozen=True, kw_only=True):
    """Several scenarios, each against the same baseline."""

    baseline: Forecast
    scenarios: list[Side]


# -- the overlay --------------------------------------------------------------------------------------


@contextlib.contextmanager
def overlay(store: Any, scenario: Sequence[Event], as_of: dt.datetime, calendar: Calendar | None = None
            ) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[Staged]]]:
    """A cursor whose `events` are the ledger's known at T plus the scenario's, stamped at T.

    Store.cursor(scenario) appends after the ledger's last line, checked against the end of the ledger:
    right for T = now, wrong for a past T. Here the ledger is cut at T first. The scenario's rows come
    after every ledger row known at T, so a forecast may still start from deal_snapshot when T is
    after every row it folds (the SQL decides). Yields the cursor and the staged events.
    """
    t_us = epoch_us(as_of)
    with store.cursor() as cur:
        state, last_line = state_at(cur, as_of, scenario)
        state.stage_before = {}  # the fold notes each stage change's prior stage, which its row keeps
        staged = _stage(state, scenario, as_of, last_line + 1)
        calendar = calendar or store.calendar_at(as_of)
        cur.execute("CREATE TEMP TABLE scenario_events AS SELECT * FROM main.ledger_events LIMIT 0")
        store.events_view(cur, f"SELECT * FROM main.ledger_events WHERE ts_us <= {int(t_us)} "
                               "UNION ALL SELECT * FROM temp.scenario_events", calendar)
        loading.insert_scenario(cur, [s.event for s in staged], last_line + 1, state, calendar.tz)
        yield cur, staged


def state_at(cur: duckdb.DuckDBPyConnection, as_of: dt.datetime, scenario: Sequence[Event]
             ) -> tuple[LedgerState, int]:
    """The ledger's fold at T, as far as the scenario's checks look (its deals, the stages), and T's last line."""
    t_us = epoch_us(as_of)
    state = LedgerState()
    state.stages = {
        stage: Stage(rate, lead_days, position, kind)
        for stage, rate, lead_days, position, kind in sqlfiles.run(cur, "stage_table", t_us=t_us).fetchall()
    }
    last = _last_row(cur, t_us)
    if last is None:
        return state, 0
    state.last_ts = from_epoch_us(last[2], last[3])
    named = sorted({d for event in scenario for d in loading.deals_named(event)})
    if named:
        for row in sqlfiles.run(cur, "deals_at", t_us=t_us, deals=named).fetchall():
            state.deals[row[0]] = loading.deal_of_head(row)
    return state, int(last[1])


def _last_row(cur: duckdb.DuckDBPyConnection, t_us: int | None = None) -> tuple[int, int, int, int] | None:
    """(seq, line, ts_us, utc_offset) of the ledger's last row known at T (at its end when None).

    An aggregate, not ORDER BY seq DESC LIMIT 1: after the cache's table is rebuilt, DuckDB 2.0.0's late
    materialization returns no row at all for that query.
    """
    row = cur.execute(
        "SELECT max(seq), arg_max(line, seq), arg_max(ts_us, seq), arg_max(utc_offset, seq) FROM main.ledger_events "
        "WHERE $t::BIGINT IS NULL OR ts_us <= $t::BIGINT", {"t": t_us}).fetchone()
    return None if row is None or row[0] is None else row


def _stage(state: LedgerState, scenario: Sequence[Event], as_of: dt.datetime, first_line: int) -> list[Staged]:
    """Each event stamped at T and checked against the fold so far; every refusal said at once."""
    staged, refused = [], []
    when = as_of.isoformat(timespec="minutes")
    for n, event in enumerate(scenario, start=1):
        event = msgspec.structs.replace(event, id=f"{PLACEHOLDER_ID}-{n}", ts=as_of)
        reason = state.problem_with(event)
        if reason is not None:
            refused.append(f"scenario event {n} ({label(event)}): {reason} (the ledger as of {when})")
            continue
        deal = state.deals.get(event.deal_id or "")
        if event.deal_id is None:
            version = None
        else:
            version = 0 if isinstance(event, DealOpened) or deal is None else deal.version
        state.apply(event, first_line + len(staged))
        staged.append(Staged(event=event, expect_version=version))
    if refused:
        raise ScenarioError("the scenario does not fit the ledger; nothing was tried:\n  " + "\n  ".join(refused))
    return staged


# -- the questions ------------------------------------------------------------------------------------


def _moment(store: Any, as_of: str | dt.datetime | None) -> dt.datetime:
    """The moment asked about, written in the calendar in force then (its today is the forecast's)."""
    return store.calendar_at(store.as_of(as_of)).local(store.as_of(as_of))


def _period(period: str | None, moment: dt.datetime) -> str:
    return parse_period(period) if period else month_of(moment.date())


def ledger_end(store: Any) -> dt.datetime | None:
    """The moment of the ledger's last line (None for an empty ledger): a commit is never stamped before it."""
    with store.cursor() as cur:
        last = _last_row(cur)
    return None if last is None else from_epoch_us(last[2], last[3])


def stage(store: Any, scenario: Sequence[Event], as_of: str | dt.datetime | None = None) -> list[Staged]:
    """The scenario checked against the ledger as of T: its events stamped at T, with their expected versions."""
    moment = _moment(store, as_of)
    with store.cursor() as cur:
        state, last_line = state_at(cur, moment, scenario)
    return _stage(state, scenario, moment, last_line + 1)


def scenario_forecast(store: Any, scenario: Sequence[Event], period: str | None = None,
                      as_of: str | dt.datetime | None = None, owner: str | None = None,
                      big_at: Decimal | None = None) -> tuple[Forecast, list[Staged]]:
    """The period's forecast as of T with the scenario laid over the ledger, and the staged events."""
    moment = _moment(store, as_of)
    period = _period(period, moment)
    with overlay(store, scenario, moment) as (cur, staged):
        return forecasting.forecast(cur, period, moment, owner, store.big_at(big_at)), staged


def what_if(store: Any, scenario: Sequence[Event], period: str | None = None,
            as_of: str | dt.datetime | None = None, owner: str | None = None,
            big_at: Decimal | None = None, name: str | None = None) -> WhatIf:
    """Baseline and scenario forecasts of the period as of T, and each deal whose contribution changed."""
    moment = _moment(store, as_of)
    period = _period(period, moment)
    baseline = store.forecast(period, moment, owner, big_at)
    scenario_fc, staged = scenario_forecast(store, scenario, period, moment, owner, big_at)
    return WhatIf(baseline=baseline, scenario=scenario_fc, changed=changed_deals(baseline, scenario_fc),
                  events=[s.event for s in staged], name=name)


def compare(store: Any, scenarios: Sequence[tuple[str, Sequence[Event]]], period: str | None = None,
            as_of: str | dt.datetime | None = None, owner: str | None = None,
            big_at: Decimal | None = None) -> Comparison:
    """Each named scenario against the same baseline, side by side."""
    moment = _moment(store, as_of)
    period = _period(period, moment)
    baseline = store.forecast(period, moment, owner, big_at)
    sides = []
    for name, events in scenarios:
        try:
            forecast, staged = scenario_forecast(store, events, period, moment, owner, big_at)
        except ScenarioError as err:
            raise ScenarioError(f"scenario {name}: {err}") from None
        sides.append(Side(name=name, scenario=forecast, changed=changed_deals(baseline, forecast),
                          events=[s.event for s in staged]))
    return Comparison(baseline=baseline, scenarios=sides)


def contribution(deal: ForecastDeal, forecast: Forecast) -> Contribution:
    if deal.won_in_period:
        counted = deal.amount
    elif deal.priority == "must" and deal.counts:
        counted = deal.estimated_value
    else:
        counted = Decimal(0)
    return Contribution(priority=deal.priority, stage=deal.stage, amount=deal.amount,
                        estimated_value=deal.estimated_value, counts=deal.counts, counted=counted,
                        promotion=deal.deal in forecast.promotions)


def changed_deals(baseline: Forecast, scenario: Forecast) -> list[ChangedDeal]:
    """The deals whose contribution differs, largest change of progress first, then by id."""
    before = {d.deal: d for d in baseline.deals}
    after = {d.deal: d for d in scenario.deals}
    changed = []
    for deal_id in before.keys() | after.keys():
        old, new = before.get(deal_id), after.get(deal_id)
        was = contribution(old, baseline) if old else None
        now = contribution(new, scenario) if new else None
        change = (now.counted if now else Decimal(0)) - (was.counted if was else Decimal(0))
        if change == 0:
            continue  # its part of progress is the same: nothing to show (a new promotion shows in the figures)
        shown = new or old
        assert shown is not None
        changed.append(ChangedDeal(deal=deal_id, name=shown.name, owner=shown.owner, before=was, after=now,
                                   change=change))
    changed.sort(key=lambda c: (-abs(c.change), c.deal))
    return changed
