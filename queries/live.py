"""Live opportunities: each person's open deals against the 6 to 8 one can follow, and open deals with no next action."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

FEWEST_LIVE = 6  # fewer open deals: too few to make the target
MOST_LIVE = 8  # more: too many to follow each one


class OpenDeal(msgspec.Struct, frozen=True, kw_only=True):
    deal: str
    name: str
    owner: str
    next_action: str | None


class PersonLoad(msgspec.Struct, frozen=True, kw_only=True):
    owner: str
    open_deals: int
    flag: str | None  # "too few" | "too many" | None


class LiveOpportunities(msgspec.Struct, frozen=True, kw_only=True):
    people: list[PersonLoad]  # by owner
    no_next_action: list[OpenDeal]  # by owner, then deal id


def load_flag(open_deals: int) -> str | None:
    if open_deals < FEWEST_LIVE:
        return "too few"
    if open_deals > MOST_LIVE:
        return "too many"
    return None


def live_opportunities(open_deals: Iterable[OpenDeal], people: Iterable[str] = (),
                       owner: str | None = None) -> LiveOpportunities:
    """Per person (every owner of an open deal, plus `people`, who may have none), the count and its flag;
    every open deal whose next action is missing or blank. With `owner`, that person only."""
    deals = [d for d in open_deals if owner is None or d.owner == owner]
    counts: dict[str, int] = {p: 0 for p in people if owner is None or p == owner}
    if owner is not None:
        counts.setdefault(owner, 0)
    for d in deals:
        counts[d.owner] = counts.get(d.owner, 0) + 1
    return LiveOpportunities(
        people=[PersonLoad(owner=o, open_deals=n, flag=load_flag(n)) for o, n in sorted(counts.items())],
        no_next_action=sorted((d for d in deals if not (d.next_action or "").strip()),
                              key=lambda d: (d.owner, d.deal)),
    )
