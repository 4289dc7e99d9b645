"""The stage table: the defaults of docs/method.md, changed by `stage_defined` events."""

from __future__ import annotations

from typing import NamedTuple


class Stage(NamedTuple):
    rate: float
    lead_days: int
    position: int
    kind: str  # open | won | lost | inactive


DEFAULT_STAGES: dict[str, Stage] = {
    "lead": Stage(0.10, 45, 1, "open"),
    "qualified": Stage(0.20, 30, 2, "open"),
    "proposal": Stage(0.40, 21, 3, "open"),
    "quote": Stage(0.60, 14, 4, "open"),
    "negotiation": Stage(0.80, 7, 5, "open"),
    "won": Stage(1.0, 0, 6, "won"),
    "lost": Stage(0.0, 0, 7, "lost"),
    "inactive": Stage(0.0, 0, 8, "inactive"),
}


def board_order(stages: dict[str, Stage]) -> list[str]:
    """Stage names in board order (position, then name)."""
    return sorted(stages, key=lambda name: (stages[name].position, name))


def open_stages(stages: dict[str, Stage]) -> list[str]:
    """The stages a live deal moves through, in board order."""
    return [name for name in board_order(stages) if stages[name].kind == "open"]
