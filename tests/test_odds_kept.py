"""A forecast's odds are kept for the same inputs (a board's reload after a note) and computed again otherwise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from queries import odds_of as module
from queries.model import Forecast, ForecastDeal


def forecast(amount: str, won: str = "1000", note: str = "") -> Forecast:
    deals = [ForecastDeal(deal=f"D-{n}", name="x", owner="lan", stage="quote", priority="must", amount=Decimal(amount),
                          estimated_value=Decimal(amount) * Decimal("0.4"), counts=True, big=False, next_action=note)
             for n in range(3)]
    return Forecast(period="2026-11", as_of=dt.datetime(2026, 11, 12, tzinfo=dt.timezone.utc), owner=None,
                    target=Decimal("3000"), won=Decimal(won), progress=Decimal(won), needed=None, chance=None,
                    on_track=None, coverage=None, deals=deals, promotions=[])


def test_the_same_inputs_reuse_the_odds_and_other_inputs_compute_them(monkeypatch):
    calls = []
    real = module.odds_from

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "odds_from", counted)
    monkeypatch.setattr(module, "_kept", {})
    first = module.odds_of(forecast("1000"))
    assert module.odds_of(forecast("1000", note="call the buyer")) == first and len(calls) == 1  # a note: kept
    more = module.odds_of(forecast("2000"))  # the amounts changed: computed again, and they differ
    assert len(calls) == 2 and more.probability != first.probability
    assert module.odds_of(forecast("1000.0")) == first and len(calls) == 3  # 1000.0 prints otherwise: not mixed up
    assert module.odds_of(forecast("1000", won="2000")).probability != first.probability and len(calls) == 4


def test_only_the_last_few_are_kept(monkeypatch):
    monkeypatch.setattr(module, "_kept", {})
    for n in range(module.KEPT_ODDS + 5):
        module.odds_of(forecast(str(1000 + n)))
    assert len(module._kept) == module.KEPT_ODDS
