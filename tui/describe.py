"""One readable line per event, in the words of the method (for `dealbook log`, messages and timelines)."""

from __future__ import annotations

from ledger.events import (
    AmountChanged,
    CloseDateChanged,
    DealOpened,
    DealSplit,
    Event,
    KeyResultSet,
    NoteAdded,
    OwnerChanged,
    PriorityChanged,
    SettingsChanged,
    StageChanged,
    StageDefined,
    TargetSet,
)
from tui.text import money, plain


def describe(event: Event) -> str:
    """What the event did, as plain text (user text escaped, never markup)."""
    match event:
        case DealOpened():
            where = f" at {plain(event.account)}" if event.account else ""
            due = f", closes {event.close_date}" if event.close_date else ""
            return (f"opened '{plain(event.name)}'{where} for {plain(event.owner)}: {plain(event.stage)}, "
                    f"{money(event.amount)}, {event.priority}-have{due}")
        case StageChanged():
            return f"moved to {plain(event.stage)}"
        case AmountChanged():
            return f"amount {money(event.amount)}"
        case PriorityChanged():
            return f"priority {event.priority}-have"
        case CloseDateChanged():
            return f"close date {event.close_date}" if event.close_date else "close date cleared"
        case OwnerChanged():
            return f"handed to {plain(event.owner)}"
        case DealSplit():
            parts = ", ".join(f"{plain(p.deal)} {money(p.amount)} {p.priority}" for p in event.parts)
            return f"split into {parts}"
        case NoteAdded():
            due = f" (due {event.due})" if event.due else ""
            return f"next action: {plain(event.text)}{due}"
        case TargetSet():
            who = plain(event.owner) if event.owner else "team"
            return f"target {event.period} for {who}: {money(event.amount)}"
        case StageDefined():
            return (f"stage {plain(event.stage)} ({event.kind}): rate {event.rate * 100:g}%, "
                    f"lead {event.lead_days} days, position {event.position}")
        case SettingsChanged():
            named = event.named()
            return "settings: " + ", ".join(
                f"{name} {plain(value) if value is not None else 'reset'}" for name, value in named.items())
        case KeyResultSet():
            who = plain(event.owner) if event.owner else "team"
            goal = money(event.goal) if event.measure == "won_amount" else f"{event.goal:f}"
            least = f" of at least {money(event.at_least)}" if event.at_least else ""
            return (f"key result {plain(event.key)} of {event.period} for {who} ({plain(event.objective)}): "
                    f"{event.measure.replace('_', ' ')}{least}, goal {goal}")
    return event.__struct_config__.tag  # type: ignore[no-any-return]
