"""Calibration: configured stage rates and lead times beside the ones the ledger's history shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ledger.events import DealOpened, StageChanged, StageDefined, encode_event
from queries import Store

ICT = dt.timezone(dt.timedelta(hours=7))


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, 9, tzinfo=ICT)


def test_rates_and_lead_times_measured_on_closed_deals(tmp_path):
    def opened(deal, stage, day):
        return DealOpened(id=f"O-{deal}", ts=at(day), deal=deal, name=deal, owner="lan", stage=stage,
                          amount=1_000, priority="must")

    def moved(deal, stage, day):
        return StageChanged(id=f"{deal}-{stage}", ts=at(day), deal=deal, stage=stage)

    events = [
        opened("D-1", "lead", 1), opened("D-2", "lead", 1), opened("D-4", "lead", 1), opened("D-5", "quote", 1),
        opened("D-3", "qualified", 2), moved("D-2", "lost", 3), moved("D-4", "inactive", 4),
        moved("D-1", "qualified", 5), moved("D-1", "won", 11), moved("D-3", "won", 22),
        StageDefined(id="S", ts=at(23), stage="demo", rate=Decimal("0.3"), lead_days=25, position=3),
    ]
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(b"".join(encode_event(e) for e in events))
    with Store.open(path) as store:
        table = {c.stage: c for c in store.calibrate("2026-10-31")}
        before_demo = [c.stage for c in store.calibrate("2026-10-22")]
    assert list(table) == ["lead", "qualified", "demo", "proposal", "quote", "negotiation", "won", "lost", "inactive"]
    assert "demo" not in before_demo

    lead = table["lead"]
    assert (lead.rate, lead.lead_days) == (Decimal("0.1"), 45)
    assert (lead.measured_rate, lead.deals, lead.won_deals, lead.measured_lead_days) == (0.5, 2, 1, 10)
    qualified = table["qualified"]
    assert (qualified.measured_rate, qualified.deals, qualified.measured_lead_days) == (1, 2, pytest.approx(13))
    assert (table["won"].measured_rate, table["won"].measured_lead_days, table["won"].deals) == (1, 0, 2)
    assert (table["lost"].measured_rate, table["lost"].measured_lead_days, table["lost"].deals) == (0, None, 1)
    for stage in ("quote", "inactive", "demo"):  # open or parked deals are not closed: nothing to measure
        assert (table[stage].measured_rate, table[stage].measured_lead_days, table[stage].deals) == (None, None, 0)
    assert table["demo"].kind == "open" and table["won"].kind == "won"
