"""The probability of making the target and the forecast categories on `forecast`: worked by hand, in JSON and tables."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from ledger.events import DealOpened, StageChanged, TargetSet, encode_event
from queries import Store, end_of_day
from queries.model import ForecastDeal
from queries.odds_of import rate_of
from tui.cli import main
from tui.odds_text import chance_of, odds_line

ICT = dt.timezone(dt.timedelta(hours=7))


def at(day: int, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, tzinfo=ICT)


def opened(deal: str, stage: str, amount: int, priority: str, day: int = 1) -> DealOpened:
    return DealOpened(id=f"O-{deal}", ts=at(day), deal=deal, name=f"{deal} name", owner="lan", stage=stage,
                      amount=Decimal(amount), priority=priority)


# docs/method.md's example: five deals can close, 8,000 won, target 30,000. Probability 2232/3125 =
# 71.424% (the 32 outcomes enumerated), percentiles 23,000, 35,000 and 44,000.
# Categories by hand: estimated values D-2 9,600, D-4 7,200, D-1 3,000, D-9 2,400, D-6 3,600;
# commit = 8,000 + 9,600 + 3,000 = 20,600; best case = + 7,200 + 2,400 = 30,200; pipeline = + 3,600 = 33,800.
WORKED = [
    TargetSet(id="T", ts=at(1), period="2026-10", amount=Decimal(30_000)),
    opened("D-8", "quote", 8_000, "must"),
    opened("D-2", "negotiation", 12_000, "must"),
    opened("D-4", "negotiation", 9_000, "should"),
    opened("D-1", "quote", 5_000, "must"),
    opened("D-9", "quote", 4_000, "should"),
    opened("D-6", "quote", 6_000, "could"),
    opened("D-7", "proposal", 50_000, "must"),  # a proposal needs 21 days: from the 11th it cannot close in October
    StageChanged(id="W-8", ts=at(3), deal="D-8", stage="won"),
]


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(b"".join(encode_event(e) for e in WORKED))
    return path


def test_forecast_carries_the_worked_example(ledger):
    with Store.open(ledger) as store:
        f = store.forecast("2026-10", "2026-10-12")
    assert f.odds.method == "exact" and (f.odds.draws, f.odds.error, f.odds.confidence) == (0, 0.0, 1.0)
    assert f.odds.probability == pytest.approx(2232 / 3125, abs=1e-12)
    assert (f.odds.p10, f.odds.p50, f.odds.p90) == (Decimal(23_000), Decimal(35_000), Decimal(44_000))
    assert (f.categories.commit, f.categories.best_case, f.categories.pipeline) == (
        Decimal(20_600), Decimal(30_200), Decimal(33_800))
    assert f.categories.commit == f.progress


def test_the_deal_that_cannot_close_changes_the_odds_the_day_it_still_can(ledger):
    with Store.open(ledger) as store:
        f = store.forecast("2026-10", "2026-10-10")  # 10 + 21 = 31: the proposal still counts
    assert f.odds.probability > 0.8  # 50,000 at 40% on top
    assert f.categories.commit == Decimal(20_600 + 20_000)


def test_no_target_has_no_probability_but_has_percentiles(ledger, capsys):
    assert main(["forecast", "--ledger", str(ledger), "--as-of", "2026-10-12", "--period", "2026-11",
                 "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["target"] is None and doc["odds"]["probability"] is None
    # November: every open deal can close, nothing is won yet. All six won is 86,000 (0.4 x 0.8^2 x
    # 0.6^3 = 5.53%), all but D-9 82,000 (3.69%), all but D-1 81,000 (3.69%): P(total > 81,000) =
    # 9.2% < 10% <= P(total >= 81,000) = 12.9%, so the 90th percentile is 81,000.
    assert doc["odds"]["p90"] == 81_000 and doc["categories"]["commit"] == 20_000 + 9_600 + 3_000


def test_forecast_json_has_odds_and_categories(ledger, capsys):
    assert main(["forecast", "--ledger", str(ledger), "--as-of", "2026-10-12", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["odds"] == {"probability": pytest.approx(0.71424), "p10": 23_000, "p50": 35_000, "p90": 44_000,
                           "method": "exact", "draws": 0, "error": 0.0, "confidence": 1.0}
    assert doc["categories"] == {"commit": 20_600, "best_case": 30_200, "pipeline": 33_800}


def test_forecast_table_says_odds_method_and_categories(ledger, capsys):
    assert main(["forecast", "--ledger", str(ledger), "--as-of", "2026-10-12"]) == 0
    out = capsys.readouterr().out
    assert "odds 71% (p10 23,000 · p50 35,000 · p90 44,000)  [exact]" in out
    assert "commit 20,600 · best case 30,200 · pipeline 33,800" in out


def test_rate_is_read_back_exactly():
    deal = ForecastDeal(deal="D", name="n", owner="o", stage="s", priority="must", amount=Decimal("1000.0001"),
                        estimated_value=Decimal("1000.0001") * Decimal("0.123457"), counts=True, big=False)
    assert rate_of(deal) == Decimal("0.123457")
    zero = ForecastDeal(deal="D", name="n", owner="o", stage="s", priority="must", amount=Decimal(0),
                        estimated_value=Decimal(0), counts=True, big=False)
    assert rate_of(zero) == 0


@pytest.mark.parametrize(("p", "text"), [(None, "-"), (0.0, "0%"), (0.004, "<1%"), (0.5, "50%"), (0.996, ">99%"),
                                         (1.0, "100%")])
def test_a_probability_is_never_rounded_to_a_certainty(p, text):
    assert chance_of(p) == text


def test_odds_line_without_target_says_so(ledger):
    with Store.open(ledger) as store:
        f = store.forecast("2026-11", "2026-10-12")
    assert odds_line(f.odds).startswith("odds - (no target; p10 ")


def test_replay_has_the_probability_of_each_day_as_the_forecast_at_its_end(tmp_path):
    sample = tmp_path / "sample.jsonl"
    sample.write_bytes((Path(__file__).resolve().parents[1] / "sample_events.jsonl").read_bytes())
    with Store.open(sample) as store:
        for owner in (None, "lan"):
            replay = store.replay("2026-10", owner)
            assert len(replay.days) == 31
            for day in replay.days:
                alone = store.forecast("2026-10", end_of_day(day.date, store.ledger_tz), owner)
                assert day.odds == alone.odds, (owner, day.date)
        without = replaying_without_odds(store, "2026-10")
    assert [d.odds for d in without.days] == [None] * 31
    assert [(d.progress, d.won) for d in without.days] == [(d.progress, d.won) for d in store_replay_team(sample)]


def replaying_without_odds(store, period):
    from queries import replaying

    moment = store.as_of(None)
    calendar = store.calendar_at(moment)
    with store.cursor(calendar=calendar) as cur:
        return replaying.replay(cur, period, None, calendar.local(moment), calendar, odds=False)


def store_replay_team(path):
    with Store.open(path) as store:
        return store.replay("2026-10").days


def test_replay_of_the_worked_example(ledger, capsys):
    assert main(["replay", "--ledger", str(ledger), "--period", "2026-10", "--json"]) == 0
    days = json.loads(capsys.readouterr().out)["days"]
    # up to the 10th the 50,000 proposal can still close (10 + 21 = 31); from the 11th the odds are the example's
    assert days[9]["odds"]["probability"] > 0.8
    assert days[11]["odds"]["probability"] == pytest.approx(2232 / 3125)
    assert (days[11]["odds"]["p10"], days[11]["odds"]["p50"], days[11]["odds"]["p90"]) == (23_000, 35_000, 44_000)
    assert main(["replay", "--ledger", str(ledger), "--period", "2026-10"]) == 0
    # from the 18th a quote (14 days) cannot close: at most 8,000 + 12,000 + 9,000 = 29,000 < 30,000
    assert days[17]["odds"]["probability"] == 0 and days[17]["odds"]["p90"] == 29_000
    assert "odds turned most on Sun 18 Oct: 71% -> 0%" in capsys.readouterr().out


def test_whatif_sets_the_scenario_odds_against_the_baseline(ledger, capsys, monkeypatch):
    argv = ["whatif", "--ledger", str(ledger), "--as-of", "2026-10-12", "--slip", "D-2"]
    assert main([*argv, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["baseline"]["odds"]["probability"] == pytest.approx(2232 / 3125)
    # without D-2 (12,000) the other four (24,000) must all be won to reach 22,000 more: 0.8 x 0.6^3
    assert doc["scenario"]["odds"]["probability"] == pytest.approx(0.8 * 0.6 ** 3)
    assert doc["scenario"]["odds"]["p90"] == 32_000  # 8,000 + 24,000 (all four: 17.3% >= 10%)
    assert doc["scenario"]["categories"]["pipeline"] == 33_800 - 9_600
    monkeypatch.setenv("COLUMNS", "120")
    assert main(argv) == 0
    out = capsys.readouterr().out
    odds_row = next(line for line in out.splitlines() if line.lstrip().startswith("Odds"))
    assert odds_row.split() == ["Odds", "71%", "17%", "-54", "pts"]


def test_quick_odds_only_when_exact_and_cheap(ledger):
    from queries.odds_of import with_odds

    with Store.open(ledger) as store:
        small = store.forecast("2026-10", "2026-10-12")
    assert with_odds(small, quick=True) == small  # exact in a few updates: the same figures
    deal = small.deals[-1]
    many = [msgspec.structs.replace(deal, deal=f"X-{i}", amount=Decimal(1000 + i) + Decimal("0.01"),
                                    estimated_value=(Decimal(1000 + i) + Decimal("0.01")) * Decimal("0.6"),
                                    counts=True, stage_kind="open")
            for i in range(40)]  # amounts with cents: no exact convolution is cheap
    large = msgspec.structs.replace(small, deals=small.deals + many)
    quick = with_odds(large, quick=True)
    assert quick.odds is None and quick.categories == with_odds(large).categories
    assert with_odds(large).odds.method == "simulated"


def test_a_forecast_asked_without_odds_has_none(ledger):
    with Store.open(ledger) as store:
        bare = store.forecast("2026-10", "2026-10-12", odds=False)
        full = store.forecast("2026-10", "2026-10-12")
    assert bare.odds is None and bare.categories is None
    assert msgspec.structs.replace(full, odds=None, categories=None) == bare


def test_a_checkpoint_says_high_or_low_by_how_much_never_a_signed_error():
    from queries.model import Checkpoint
    from tui.odds_text import checkpoint_line

    def mark(error: str, share: float | None, verdict: str) -> Checkpoint:
        return Checkpoint(day=21, date=dt.date(2026, 10, 21), error=Decimal(error), share=share, verdict=verdict)

    assert checkpoint_line(mark("-8800", -0.072, "low"), "21 Oct", "won") == "day 21 (21 Oct): low by 8,800 (7% of won)"
    assert checkpoint_line(mark("4100", 0.034, "high"), "21 Oct", "actual") == "day 21 (21 Oct): high by 4,100 (3% of actual)"
    assert checkpoint_line(mark("500", None, "high"), "21 Oct", "won") == "day 21 (21 Oct): high by 500"
    assert checkpoint_line(mark("0.004", 0.0, "exact"), "21 Oct", "won") == "day 21 (21 Oct): exact"
