"""The probability of making the target and the forecast categories as one line of text, the same on every view."""

from __future__ import annotations

from queries.categories import ForecastCategories
from queries.model import Checkpoint, ReplayDay
from queries.probability import TargetOdds
from tui.text import money, percent


def chance_of(probability: float | None) -> str:
    """A probability as a whole percent, never rounded to a certainty it is not: "<1%", ">99%"; "-" for none."""
    if probability is None:
        return "-"
    if 0 < probability < 0.005:
        return "<1%"
    if 0.995 <= probability < 1:
        return ">99%"
    return f"{probability:.0%}"


def spread(odds: TargetOdds) -> str:
    """p10 · p50 · p90 of what will be won."""
    return f"p10 {money(odds.p10)} · p50 {money(odds.p50)} · p90 {money(odds.p90)}"


def method(odds: TargetOdds) -> str:
    """How the figure was made: "exact", or "simulated, 1,600 draws, ±3.4% at 95%"."""
    if odds.method == "exact":
        return "exact"
    return f"simulated, {odds.draws:,} draws, ±{odds.error:.1%} at {odds.confidence:.0%}"


def odds_line(odds: TargetOdds | None) -> str:
    """ "odds 64% (p10 20,600 · p50 31,000 · p90 44,000)"; without a target, "odds - (no target; p10 ...)"."""
    if odds is None:
        return "odds -"
    if odds.probability is None:
        return f"odds - (no target; {spread(odds)})"
    return f"odds {chance_of(odds.probability)} ({spread(odds)})"


def categories_line(categories: ForecastCategories | None) -> str:
    """ "commit 85,525 · best case 118,935 · pipeline 128,615"."""
    if categories is None:
        return ""
    return (f"commit {money(categories.commit)} · best case {money(categories.best_case)} · "
            f"pipeline {money(categories.pipeline)}")


def turned_line(when: ReplayDay, before: float, after: float) -> str:
    """ "odds turned most on Sun 18 Oct: 80% -> 0%" (the day the probability moved the most)."""
    return f"odds turned most on {when.date:%a %d %b}: {chance_of(before)} -> {chance_of(after)}"


def checkpoint_line(mark: Checkpoint, date: str, of: str) -> str:
    """ "day 21 (21 Oct): low by 8,800 (7% of won)": how far that day's forecast was from what was won in the end
    (`of` names that), "exact" within half a cent."""
    if mark.verdict == "exact":
        return f"day {mark.day} ({date}): exact"
    share = f" ({percent(abs(mark.share))} of {of})" if mark.share is not None else ""
    return f"day {mark.day} ({date}): {mark.verdict} by {money(abs(mark.error))}{share}"
