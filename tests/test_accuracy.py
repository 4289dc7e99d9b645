"""`dealbook accuracy` and `dealbook backtest` on the method's worked example, figures enumerated by hand."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import pytest

from queries import Store
from queries.accuracy import accuracy, ledger_backtest
from test_odds_of import WORKED, ledger
from tui.cli import main

__all__ = ["ledger"]

P = Fraction
NEGOTIATIONS = [(12_000, P(8, 10)), (9_000, P(8, 10))]
QUOTES = [(5_000, P(6, 10)), (4_000, P(6, 10)), (6_000, P(6, 10))]
PROPOSAL = [(50_000, P(4, 10))]


def enumerated(won: int, deals: list[tuple[int, Fraction]], target: int = 30_000) -> Fraction:
    """P(won + the deals won >= target), over every subset of the deals."""
    total = P(0)
    for landed in itertools.product((False, True), repeat=len(deals)):
        weight = P(1)
        for (_, rate), yes in zip(deals, landed):
            weight *= rate if yes else 1 - rate
        if won + sum(amount for (amount, _), yes in zip(deals, landed) if yes) >= target:
            total += weight
    return total


# October as replayed: D-8 (quote 8,000) is open on days 1-2 and won from the 3rd; the proposal can
# close up to the 10th (10 + 21 = 31), the quotes to the 17th, the negotiations to the 24th.
DAYS = ([enumerated(0, [(8_000, P(6, 10))] + NEGOTIATIONS + QUOTES + PROPOSAL)] * 2
        + [enumerated(8_000, NEGOTIATIONS + QUOTES + PROPOSAL)] * 8
        + [enumerated(8_000, NEGOTIATIONS + QUOTES)] * 7
        + [enumerated(8_000, NEGOTIATIONS)] * 7  # at most 29,000: 0
        + [P(0)] * 7)


def test_the_days_as_enumerated():
    assert len(DAYS) == 31 and DAYS[10] == P(2232, 3125) and DAYS[17] == 0


def test_accuracy_of_october(ledger):
    with Store.open(ledger) as store:
        result = accuracy(store, now="2026-11-15")
    (october,) = result.months
    # progress: 40,600 on day 7 (won 8,000 + D-2 9,600 + D-1 3,000 + D-7 20,000), 20,600 on day 14,
    # 17,600 on day 21 (the quote D-1 can no longer close); won in the end 8,000: missed
    assert (october.period, october.actual, october.made) == ("2026-10", 8_000, False)
    assert [(c.day, c.error, c.verdict) for c in october.checkpoints] == [
        (7, 32_600, "high"), (14, 12_600, "high"), (21, 9_600, "high")]
    assert (october.first_visible_day, october.first_visible.isoformat()) == (11, "2026-10-11")
    with Store.open(ledger) as store:
        assert accuracy(store, now="2026-10-31").months == []  # October has not ended yet


def test_backtest_of_october(ledger):
    with Store.open(ledger) as store:
        result = ledger_backtest(store, now="2026-11-15")
    (month,) = result.months  # lan has no target of her own: only the team's view
    assert (month.period, month.owner, month.made) == ("2026-10", None, False)
    assert month.probabilities == pytest.approx([float(p) for p in DAYS], abs=1e-12)
    brier = sum(p * p for p in DAYS) / 31  # never made: each day's error is p
    assert result.reliability.brier == pytest.approx(float(brier), abs=1e-12)
    bands = {round(b.low * 10): b for b in result.reliability.bands}
    assert bands[0].count == 14 and bands[0].observed == 0
    for k in range(1, 10):
        members = [p for p in DAYS if k <= p * 10 < k + 1 or (k == 9 and p == 1)]
        assert bands[k].count == len(members)
        if members:
            assert bands[k].mean_predicted == pytest.approx(float(sum(members) / len(members)))


def test_cli_tables_and_json(ledger, capsys):
    assert main(["accuracy", "--ledger", str(ledger), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [c["error"] for c in doc["months"][0]["checkpoints"]] == [32_600, 12_600, 9_600]
    assert doc["months"][0]["first_visible_day"] == 11 and doc["problems"] == []
    assert main(["accuracy", "--ledger", str(ledger)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "2026-10" in line)
    assert row.replace("│", " ").split() == ["2026-10", "30,000", "8,000", "no", "32,600", "12,600", "9,600",
                                             "day", "11"]
    assert main(["backtest", "--ledger", str(ledger), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["reliability"]["count"] == 31 and len(doc["reliability"]["bands"]) == 10
    assert main(["backtest", "--ledger", str(ledger)]) == 0
    out = capsys.readouterr().out
    assert "31 day-predictions over 1 month-views" in out and "Brier score 0." in out


def test_months_must_not_be_negative(ledger, capsys):
    assert main(["accuracy", "--ledger", str(ledger), "--months", "-1"]) != 0
    assert "--months must be 0 (all) or more" in capsys.readouterr().err
