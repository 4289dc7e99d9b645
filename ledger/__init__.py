"""The ledger: Dealbook's append-only JSONL event log (no database, no UI here)."""

from ledger.events import (
    AmountChanged,
    AnyEvent,
    CloseDateChanged,
    DealOpened,
    DealSplit,
    Event,
    EVENT_TYPES,
    NoteAdded,
    OwnerChanged,
    PriorityChanged,
    KeyResultSet,
    SettingsChanged,
    SplitPart,
    StageChanged,
    StageDefined,
    TargetSet,
    decode_event,
    encode_event,
)
from ledger.calendar import Calendar
from ledger.problems import Conflict, LedgerError, Problem, Unchanged
from ledger.reader import LedgerRead, read_ledger, side_file
from ledger.stages import DEFAULT_STAGES, Stage
from ledger.state import Deal, LedgerState
from ledger.writer import (
    Appended, Clock, FileOps, LedgerWriter, Resumed, StateSource, append_event, new_id, now, stamp, stamp_time,
    too_far_ahead,
)

__all__ = [
    "AmountChanged", "AnyEvent", "Appended", "Calendar", "Clock", "KeyResultSet", "SettingsChanged", "Unchanged", "stamp_time", "too_far_ahead", "CloseDateChanged", "Conflict", "Deal", "DealOpened",
    "DealSplit", "DEFAULT_STAGES", "Event", "EVENT_TYPES", "FileOps", "LedgerError", "LedgerRead",
    "LedgerState", "LedgerWriter", "NoteAdded", "OwnerChanged", "PriorityChanged", "Problem", "Resumed", "SplitPart",
    "Stage", "StageChanged", "StateSource", "StageDefined", "TargetSet", "append_event", "decode_event", "encode_event",
    "new_id", "now", "read_ledger", "side_file", "stamp",
]
