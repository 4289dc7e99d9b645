"""A forecast's probability of making the target and its categories, from the deals it lists (one computation for all views)."""

from __future__ import annotations

import decimal
import threading
from collections.abc import Iterable
from decimal import Decimal

import msgspec

from queries.categories import ForecastCategories, forecast_categories
from queries.model import Forecast, ForecastDeal, ReplayDay
from queries.probability import TargetOdds, default_draws, exact_work, target_odds

# A replay computes a probability per day: a day that needs a simulation makes at most this many
# draws (error 0.085 at 95%, against 0.035 or better for a lone forecast): a replay of a 10k-deal
# pipeline costs about 1.35x the CPU time of one without (scripts/bench_replay_odds.py, docs/probability.md).
REPLAY_DRAWS = 256
QUICK_WORK = 200_000  # state updates of an exact convolution (about 20 ms) a keystroke's repaint may spend
# a rate read back as estimated value / amount is exact (both are exact Decimals): refuse to round it
_EXACT = decimal.Context(prec=60, traps=[decimal.Inexact, decimal.InvalidOperation, decimal.DivisionByZero])


def rate_of(deal: ForecastDeal) -> Decimal:
    """The deal's stage rate, read back exactly from its estimated value (amount x rate); 0 for an amount of 0."""
    if not deal.amount:
        return Decimal(0)
    return _EXACT.divide(deal.estimated_value, deal.amount).normalize(_EXACT)


def can_close(forecast: Forecast) -> list[ForecastDeal]:
    """The open deals that can close in the forecast's period (the rule of the forecast: `counts`)."""
    return [d for d in forecast.deals if d.counts and d.stage_kind == "open"]


def odds_of(forecast: Forecast, *, draws: int | None = None) -> TargetOdds:
    """The probability of making the forecast's target (None without one), with p10/p50/p90 of what will be won.

    The answer depends only on what is won, the target and the (amount, rate) of the deals that can
    close, and a simulation is seeded: the same inputs give the same odds, so the last few are kept.
    A board reloaded after a note, an owner or a priority changed (another laptop's, say) reuses
    them instead of simulating the pipeline again (0.8 s at a million lines, 10k open deals).
    """
    deals = [(d.amount, rate_of(d)) for d in can_close(forecast)]
    key = _key(forecast, draws, deals)
    with _kept_lock:
        odds = _kept.pop(key, None)
        if odds is not None:
            _kept[key] = odds  # the most recent last
            return odds
    odds = odds_from(forecast.won, forecast.target, deals, draws=draws)
    with _kept_lock:
        _kept[key] = odds
        while len(_kept) > KEPT_ODDS:
            del _kept[next(iter(_kept))]
    return odds


def _key(forecast: Forecast, draws: int | None, deals: list[tuple[Decimal, Decimal]] | None = None) -> tuple:
    """What the odds depend on: what is won, the target, the draws asked for, each deal that can close."""
    if deals is None:
        deals = [(d.amount, rate_of(d)) for d in can_close(forecast)]
    return str(forecast.won), str(forecast.target), draws, tuple((str(a), str(r)) for a, r in deals)


KEPT_ODDS = 16  # the odds of the last views (each period and owner a board shows has its own)
_kept: dict[tuple, TargetOdds] = {}
_kept_lock = threading.Lock()


def odds_from(won: Decimal, target: Decimal | None, deals: Iterable[tuple[Decimal, Decimal]], *,
              draws: int | None = None) -> TargetOdds:
    """target_odds with the forecast's conventions: exact when cheap, else a seeded simulation
    (`draws`: at most that many; a small pipeline keeps its default, smaller error)."""
    deals = sorted(deals)  # one order whatever the query's: the same figures to the last bit, and the same draws
    if draws is not None:
        draws = min(draws, default_draws(sum(1 for _, rate in deals if 0 < rate < 1)))
    return target_odds(won, target, deals, draws=draws)


def categories_of(forecast: Forecast) -> ForecastCategories:
    """Commit, best case and pipeline of the forecast (commit equals its progress)."""
    return forecast_categories(forecast.won, ((d.amount, rate_of(d), d.priority) for d in can_close(forecast)))


def with_odds(forecast: Forecast, *, quick: bool = False) -> Forecast:
    """The forecast with its `odds` and `categories` filled in.

    `quick` (the board's instant repaint, queries/instant.py): odds only when they are exact and
    cheap (QUICK_WORK); else None, and the engine's reload that follows brings them.
    """
    odds = quick_odds(forecast) if quick else odds_of(forecast)
    return msgspec.structs.replace(forecast, odds=odds, categories=categories_of(forecast))


def known_odds(forecast: Forecast) -> TargetOdds | None:
    """The odds when they cost nothing much now: exact and cheap (quick_odds), or computed already for
    the same inputs (kept); else None, and `odds_of` computes them (0.3-0.8 s for 10k open deals)."""
    odds = quick_odds(forecast)
    if odds is not None:
        return odds
    with _kept_lock:
        return _kept.get(_key(forecast, None))


def quick_odds(forecast: Forecast) -> TargetOdds | None:
    """The odds when the exact convolution is cheap (QUICK_WORK state updates), else None.

    Each uncertain deal (0 < rate < 1) adds at least one unit to the reach of the totals, so n of them
    cost at least n(n+3)/2 updates (probability._work): past about 630 the answer is None without
    reading a single rate back (4 ms of Decimal divisions on a keystroke at a million lines).
    """
    uncertain = sum(1 for d in can_close(forecast) if 0 < d.estimated_value < d.amount)
    if uncertain * (uncertain + 3) // 2 > QUICK_WORK:
        return None
    if exact_work([(d.amount, rate_of(d)) for d in can_close(forecast)]) > QUICK_WORK:
        return None
    return odds_of(forecast)


def odds_turned(days: list[ReplayDay]) -> tuple[ReplayDay, float, float] | None:
    """The replayed day whose probability moved the most from the day before: (that day, before, after).

    Only days with a probability (a target) take part; None when no two days in a row have one, or
    nothing moved.
    """
    moves = [(b, a.odds.probability, b.odds.probability) for a, b in zip(days, days[1:])
             if a.odds is not None and b.odds is not None
             and a.odds.probability is not None and b.odds.probability is not None]
    moves = [move for move in moves if move[1] != move[2]]
    return max(moves, key=lambda move: abs(move[2] - move[1])) if moves else None
