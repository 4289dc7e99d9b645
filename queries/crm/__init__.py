"""Bringing deals in from a CRM's export: column maps, strict cells, and the snapshot read as a diff (no UI)."""

from queries.crm.cells import CellError
from queries.crm.diff import Plan, Planned, plan_import
from queries.crm.maps import BUILT_IN, CrmMap, MapError, detect, load_map
from queries.crm.snapshot import BadRow, DealRecord, Snapshot, read_snapshot

__all__ = [
    "BUILT_IN", "BadRow", "CellError", "CrmMap", "DealRecord", "MapError", "Plan", "Planned", "Snapshot",
    "detect", "load_map", "plan_import", "read_snapshot",
]
