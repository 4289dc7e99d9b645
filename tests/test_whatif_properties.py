"""Property: a scenario as of T forecasts what the reference fold gives for the ledger known at T plus it, stamped at T."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from ledger.events import (
    AmountChanged,
    CloseDateChanged,
    DealOpened,
    DealSplit,
    OwnerChanged,
    PriorityChanged,
    SplitPart,
    StageChanged,
    StageDefined,
    TargetSet,
)
from tests import reference
from tests.strategies import OWNERS, amounts, ledgers, moments, periods, priorities
from tests.test_forecast_properties import PROPERTY_SETTINGS, check_forecast, ledger_today, store_of

scenarios = pytest.importorskip("queries.scenarios")


class ScenarioView:
    """A store look-alike whose forecasts are the scenario's (what check_forecast asks of a store)."""

    def __init__(self, store, scenario: list) -> None:
        self.store, self.scenario = store, scenario

    def forecast(self, period, as_of, owner, big_at):
        return scenarios.scenario_forecast(self.store, self.scenario, period, as_of, owner, big_at)[0]


@st.composite
def scenario_at(draw, events: list, as_of: dt.datetime) -> list:
    """One to four hypothetical events the ledger would accept at T (deals picked among those live then)."""
    known = [e for e in events if e.ts <= as_of]
    live = sorted(reference.pipeline(events, as_of))
    stages = sorted(reference.stage_table(known))
    dates = st.none() | st.dates(as_of.date() - dt.timedelta(days=20), as_of.date() + dt.timedelta(days=60))
    out, fresh = [], 0
    for _ in range(draw(st.integers(1, 4), label="size")):
        kinds = ["target_set", "stage_defined", "deal_opened"]
        if live:
            kinds += ["priority_changed", "stage_changed", "amount_changed", "close_date_changed", "owner_changed",
                      "deal_split"] * 2
        kind = draw(st.sampled_from(kinds), label="kind")
        deal = draw(st.sampled_from(live), label="deal") if live else ""
        if kind == "priority_changed":
            out.append(scenarios.hypothetical(PriorityChanged, deal=deal, priority=draw(priorities)))
        elif kind == "stage_changed":
            out.append(scenarios.hypothetical(StageChanged, deal=deal, stage=draw(st.sampled_from(stages))))
        elif kind == "amount_changed":
            out.append(scenarios.hypothetical(AmountChanged, deal=deal, amount=draw(amounts)))
        elif kind == "close_date_changed":
            out.append(scenarios.hypothetical(CloseDateChanged, deal=deal, close_date=draw(dates)))
        elif kind == "owner_changed":
            out.append(scenarios.hypothetical(OwnerChanged, deal=deal, owner=draw(st.sampled_from(OWNERS))))
        elif kind == "deal_split":
            parts = [SplitPart(deal=f"W-{fresh + i}", amount=draw(amounts), priority=draw(priorities),
                               close_date=draw(dates)) for i in range(1, draw(st.integers(1, 2)) + 1)]
            fresh += len(parts)
            live = sorted(set(live) - {deal} | {p.deal for p in parts})
            out.append(scenarios.hypothetical(DealSplit, deal=deal, parts=parts))
        elif kind == "deal_opened":
            fresh += 1
            live = sorted({*live, f"W-{fresh}"})
            out.append(scenarios.hypothetical(
                DealOpened, deal=f"W-{fresh}", name="What if", owner=draw(st.sampled_from(OWNERS)),
                stage=draw(st.sampled_from(stages)), amount=draw(amounts), priority=draw(priorities),
                close_date=draw(dates)))
        elif kind == "target_set":
            out.append(scenarios.hypothetical(TargetSet, period=f"{as_of:%Y-%m}", amount=draw(amounts),
                                              owner=draw(st.none() | st.sampled_from(OWNERS))))
        else:
            out.append(scenarios.hypothetical(
                StageDefined, stage=draw(st.sampled_from(stages)), rate=Decimal(draw(st.integers(0, 20))) / 20,
                lead_days=draw(st.integers(0, 60)), position=draw(st.integers(1, 12)),
                kind=draw(st.sampled_from(("open", "won", "lost", "inactive")))))
    return out


@settings(PROPERTY_SETTINGS, max_examples=25)
@given(data=st.data())
def test_a_scenario_as_of_any_moment_equals_the_reference_fold(data):
    """... and trying it never changes the ledger's bytes."""
    events = data.draw(ledgers(), label="ledger")
    with store_of(events) as store:
        before = store.path.read_bytes()
        for _ in range(2):
            as_of = ledger_today(events, data.draw(moments(events), label="as_of"))
            scenario = data.draw(scenario_at(events, as_of), label="scenario")
            stamped = [msgspec.structs.replace(e, id=f"S{n}", ts=as_of) for n, e in enumerate(scenario)]
            laid_over = [e for e in events if e.ts <= as_of] + stamped
            note(f"scenario at {as_of}: {stamped}")
            view = ScenarioView(store, scenario)
            check_forecast(view, laid_over, f"{as_of:%Y-%m}", as_of, None, None)
            period = data.draw(periods(events, as_of), label="period")
            owner = data.draw(st.none() | st.sampled_from(OWNERS), label="owner")
            check_forecast(view, laid_over, period, as_of, owner, data.draw(st.none() | amounts, label="big_at"))
        assert store.path.read_bytes() == before
