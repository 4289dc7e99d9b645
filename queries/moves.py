"""The built-in what-if moves: pure functions from a board (forecast and stage table) to hypothetical events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ledger import (
    CloseDateChanged,
    Event,
    PriorityChanged,
    Stage,
    StageChanged,
    StageDefined,
    TargetSet,
)
from ledger.stages import board_order
from queries import forecasting, sqlfiles
from queries.model import Forecast, ForecastDeal
from queries.moments import epoch_us
from queries.scenarios import ScenarioError, hypothetical, overlay


class Board(NamedTuple):
    """What a move looks at: the period's forecast and the stage table, with the scenario so far."""

    forecast: Forecast
    stages: dict[str, Stage]


Move = Callable[[Board], list[Event]]


def _listed(board: Board, deal: str) -> ForecastDeal:
    for candidate in board.forecast.deals:
        if candidate.deal == deal:
            return candidate
    who = f"owner {board.forecast.owner}" if board.forecast.owner else "the team"
    raise ScenarioError(f"deal {deal!r} is not on the board of {board.forecast.period} for {who} "
                        "(an open, inactive or won deal of the view): check the id")


def big_to_should(board: Board, big_at: Decimal | None = None) -> list[Event]:
    """Every open must-have big deal to should-have (big: amount >= big_at, else the forecast's threshold)."""
    def is_big(deal: ForecastDeal) -> bool:
        return deal.amount >= big_at if big_at is not None else deal.big

    return [hypothetical(PriorityChanged, deal=d.deal, priority="should") for d in board.forecast.deals
            if d.priority == "must" and d.stage_kind == "open" and is_big(d)]


def slip(board: Board, deal: str, days: int | None = None) -> list[Event]:
    """The deal's close date to the first day of the next period, or to the period's last day + days."""
    found = _listed(board, deal)
    if found.stage_kind not in ("open", "inactive"):
        where = found.stage if found.stage == found.stage_kind else f"in {found.stage}, a {found.stage_kind} stage"
        raise ScenarioError(f"deal {deal!r} is {where}: only a deal still open can slip")
    end = board.forecast.period_end
    assert end is not None
    if days is not None and days < 1:
        raise ScenarioError(f"a slip moves the close date past the period: days must be 1 or more, not {days}")
    return [hypothetical(CloseDateChanged, deal=deal, close_date=end + dt.timedelta(days=days or 1))]


def lose(board: Board, deal: str) -> list[Event]:
    """The deal to the first stage of kind lost."""
    found = _listed(board, deal)
    lost = next((name for name in board_order(board.stages) if board.stages[name].kind == "lost"), None)
    if lost is None:
        raise ScenarioError("the stage table has no stage of kind lost")
    if found.stage == lost:
        raise ScenarioError(f"deal {deal!r} is already {lost}")
    return [hypothetical(StageChanged, deal=deal, stage=lost)]


def promote(board: Board) -> list[Event]:
    """The promotions the method proposes, made must-haves."""
    return [hypothetical(PriorityChanged, deal=deal, priority="must") for deal in board.forecast.promotions]


def change_stage(board: Board, stage: str, rate: Decimal | None = None, lead_days: int | None = None) -> list[Event]:
    """A stage's conversion rate or lead time changed, its position and kind kept."""
    current = board.stages.get(stage)
    if current is None:
        raise ScenarioError(f"unknown stage {stage!r} (known: {', '.join(board_order(board.stages))})")
    return [hypothetical(StageDefined, stage=stage, rate=current.rate if rate is None else rate,
                         lead_days=current.lead_days if lead_days is None else lead_days,
                         position=current.position, kind=current.kind)]


def set_target(board: Board, amount: Decimal) -> list[Event]:
    """The view's target for the period (the team's, or the owner's shown)."""
    owner = {"owner": board.forecast.owner} if board.forecast.owner else {}
    return [hypothetical(TargetSet, period=board.forecast.period, amount=amount, **owner)]


# -- moves in sequence, each on the board the ones before left ---------------------------------------


def board_of(store: Any, scenario: Sequence[Event], period: str, as_of: dt.datetime, owner: str | None = None,
             big_at: Decimal | None = None) -> Board:
    """The forecast and stage table as of T, with the scenario laid over the ledger."""
    with overlay(store, scenario, as_of) as (cur, _):
        forecast = forecasting.forecast(cur, period, as_of, owner, store.big_at(big_at))
        stages = {stage: Stage(rate, lead_days, position, kind) for stage, rate, lead_days, position, kind
                  in sqlfiles.run(cur, "stage_table", t_us=epoch_us(as_of)).fetchall()}
    return Board(forecast, stages)


def apply_moves(store: Any, scenario: Sequence[Event], moves: Sequence[Move], period: str, as_of: dt.datetime,
                owner: str | None = None, big_at: Decimal | None = None) -> list[Event]:
    """The scenario followed by each move's events; promotions after a slip see the slip."""
    events = list(scenario)
    for move in moves:
        events += move(board_of(store, events, period, as_of, owner, big_at))
    return events
