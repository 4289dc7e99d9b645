"""`dealbook calibrate --apply`: measured rates and lead times written to the stage table; rates per owner."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from ledger import read_ledger
from ledger.events import DealOpened, StageChanged, encode_event
from queries import Store
from queries.learned_rates import learned
from tui.cli import main

ICT = dt.timezone(dt.timedelta(hours=7))


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, 9, tzinfo=ICT)


def opened(deal: str, owner: str, day: int = 1) -> DealOpened:
    return DealOpened(id=f"O-{deal}", ts=at(day), deal=deal, name=deal, owner=owner, stage="quote",
                      amount=Decimal(1_000), priority="must")


def moved(deal: str, stage: str, day: int) -> StageChanged:
    return StageChanged(id=f"{deal}-{stage}", ts=at(day), deal=deal, stage=stage)


# Three quotes close: D-1 (lan) won on the 5th (4 days), D-2 (lan) won on the 7th (6 days), D-3 (minh)
# lost. Quote: 2 of 3 won = 0.666667 (six decimals, half-even); median lead (4 + 6) / 2 = 5 days.
# By owner: lan 2 of 2, minh 0 of 1. D-4 is still open and counts for nothing.
EVENTS = [opened("D-1", "lan"), opened("D-2", "lan"), opened("D-3", "minh"), opened("D-4", "minh"),
          moved("D-1", "won", 5), moved("D-3", "lost", 6), moved("D-2", "won", 7)]


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(b"".join(encode_event(e) for e in EVENTS))
    return path


def stage_events(path):
    return [e for e in read_ledger(path).events if e.__struct_config__.tag == "stage_defined"]


def test_measured_per_owner_beside_the_team(ledger):
    with Store.open(ledger) as store:
        quote = next(s for s in store.calibrate("2026-10-31") if s.stage == "quote")
    assert (quote.measured_rate, quote.deals, quote.won_deals, quote.measured_lead_days) == (pytest.approx(2 / 3), 3, 2, 5)
    by = {o.owner: o for o in quote.by_owner}
    assert (by["lan"].measured_rate, by["lan"].deals, by["lan"].measured_lead_days) == (1, 2, 5)
    assert (by["minh"].measured_rate, by["minh"].deals, by["minh"].measured_lead_days) == (0, 1, None)


def test_learned_rates_rest_on_enough_deals(ledger):
    with Store.open(ledger) as store:
        stages = store.calibrate("2026-10-31")
    quote = {s.stage: s for s in learned(stages, 3)}["quote"]
    assert (quote.new_rate, quote.new_lead_days, quote.changes) == (Decimal("0.666667"), 14, True)  # 2 won < 3
    quote = {s.stage: s for s in learned(stages, 2)}["quote"]
    assert (quote.new_rate, quote.new_lead_days) == (Decimal("0.666667"), 5)
    assert not {s.stage: s for s in learned(stages, 4)}["quote"].changes
    assert [s.stage for s in learned(stages)] == ["lead", "qualified", "proposal", "quote", "negotiation"]
    with pytest.raises(ValueError, match="at least 1"):
        learned(stages, 0)


def test_apply_appends_stage_defined_then_has_nothing_left_to_change(ledger, capsys):
    assert main(["calibrate", "--ledger", str(ledger), "--apply", "--min-closed", "2", "--by", "ana"]) == 0
    out = capsys.readouterr().out
    assert "66.6667%" in out and "line 8: stage quote: rate 0.666667, lead 5 days" in out
    (event,) = stage_events(ledger)
    assert (event.stage, event.rate, event.lead_days, event.position, event.kind, event.by) == (
        "quote", Decimal("0.666667"), 5, 4, "open", "ana")
    with Store.open(ledger) as store:  # stamped now, the forecast from now on uses it: D-4 is worth 666.667
        f = store.forecast()
    assert next(d for d in f.deals if d.deal == "D-4").estimated_value == Decimal("666.667")
    before = ledger.read_bytes()
    assert main(["calibrate", "--ledger", str(ledger), "--apply", "--min-closed", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["appended"] == [] and ledger.read_bytes() == before
    quote = next(s for s in doc["stages"] if s["stage"] == "quote")
    assert (quote["rate"], quote["new_rate"], quote["lead_days"], quote["new_lead_days"]) == (0.666667, 0.666667, 5, 5)


def test_apply_refuses_a_ledger_with_problems(ledger, capsys):
    with ledger.open("a") as f:
        f.write("this is not an event\n")
    before = ledger.read_bytes()
    assert main(["calibrate", "--ledger", str(ledger), "--apply", "--min-closed", "1"]) != 0
    assert "nothing was written" in capsys.readouterr().err and ledger.read_bytes() == before


def test_calibrate_table_shows_owners(ledger, capsys):
    assert main(["calibrate", "--ledger", str(ledger)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "quote" in line and "(" in line)
    assert row.replace("│", " ").split() == ["quote", "67%", "(3)", "100%", "(2)", "0%", "(1)"]
