"""The stage table: the defaults of docs/method.md, changed by `stage_defined` events."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

D = Decimal


class Stage(NamedTuple):
    rate: Decimal
    lead_days: int
    position: int
    kind: str  # open | won | lost | inactive


DEFAULT_STAGES: dict[str, Stage] = {
    "lead": Stage(D("0.1"), 45, 1, "open"),
    "qualified": Stage(D("0.2"), 30, 2, "open"),
    "proposal": Stage(D("0.4"), 21, 3, "open"),
    "quote": Stage(D("0.6"), 14, 4, "open"),
    "negotiation": Stage(D("0.8"), 7, 5, "open"),
    "won": Stage(D(1), 0, 6, "won"),
    "lost": Stage(D(0), 0, 7, "lost"),
    "inactive": Stage(D(0), 0, 8, "inactive"),
}


def board_order(stages: dict[str, Stage]) -> list[str]:
    """Stage names in board order (position, then name)."""
    return sorted(stages, key=lambda name: (stages[name].position, name))


def open_stages(stages: dict[str, Stage]) -> list[str]:
    """The stages a live deal moves through, in board order."""
    return [name for name in board_order(stages) if stages[name].kind == "open"]
