"""Column maps: which header of a CRM's deal export holds which deal field, and how its stages read.

The built-in maps follow each CRM's standard deal export (sources in docs/import-export.md); a
team's own map is a TOML file (`--map`), optionally built on one of them (`base = "salesforce"`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import msgspec

from queries.crm.cells import DATE_ORDERS, DECIMAL_MARKS

FIELDS = ("id", "name", "owner", "stage", "amount", "close_date", "account", "next_step", "due", "priority",
          "status", "currency")
REQUIRED = ("id", "name", "stage")


class MapError(ValueError):
    """A map that cannot be used, or a header row no map fits; the message says what to do."""


@dataclass(frozen=True)
class CrmMap:
    """How one CRM's deal export reads as ledger deals."""

    name: str
    prefix: str  # the deal id is prefix + the CRM's record id: a renamed deal stays the same deal
    columns: dict[str, tuple[str, ...]]  # field -> the headers that may hold it, first found wins
    stages: dict[str, str] = field(default_factory=dict)  # CRM stage (casefolded) -> ledger stage
    statuses: dict[str, str] = field(default_factory=dict)  # status (casefolded) -> ledger stage, "" = by stage
    owners: dict[str, str] = field(default_factory=dict)  # CRM owner name (casefolded) -> ledger owner
    priority: str = "should"  # the priority a deal opens with when the file has none
    owner: str | None = None  # the owner of a row whose owner cell is empty (None: such a row is bad)
    decimal_mark: str | None = None  # None: read from each amount, ambiguous ones refused
    date_order: str | None = None  # mdy | dmy | None: slashed dates must be unambiguous
    source: str = ""  # where the header list comes from

    def stage_names(self) -> list[str]:
        return sorted(self.stages)


def _folded(pairs: dict[str, str]) -> dict[str, str]:
    return {key.strip().casefold(): value for key, value in pairs.items()}


SALESFORCE = CrmMap(
    name="salesforce", prefix="SF-",
    columns={"id": ("Opportunity ID", "Opportunity ID (18)"), "name": ("Opportunity Name",),
             "owner": ("Opportunity Owner", "Owner Name"), "stage": ("Stage",), "amount": ("Amount",),
             "close_date": ("Close Date",), "account": ("Account Name",), "next_step": ("Next Step",),
             "currency": ("Opportunity Currency",)},
    stages=_folded({"Prospecting": "lead", "Qualification": "qualified", "Needs Analysis": "qualified",
                    "Value Proposition": "proposal", "Id. Decision Makers": "proposal",
                    "Perception Analysis": "proposal", "Proposal/Price Quote": "quote",
                    "Negotiation/Review": "negotiation", "Closed Won": "won", "Closed Lost": "lost"}),
    decimal_mark=".", date_order="mdy",  # the US locale these exports default to; flags override
    source="Salesforce Help, Opportunity Fields (help.salesforce.com, sales.opp_fields.htm)",
)

HUBSPOT = CrmMap(
    name="hubspot", prefix="HS-",
    columns={"id": ("Record ID",), "name": ("Deal Name",), "owner": ("Deal owner",), "stage": ("Deal Stage",),
             "amount": ("Amount",), "close_date": ("Close Date",),
             "account": ("Associated Company", "Associated Company (Primary)", "Company name")},
    stages=_folded({"Appointment Scheduled": "lead", "Qualified To Buy": "qualified",
                    "Presentation Scheduled": "proposal", "Decision Maker Bought-In": "quote",
                    "Contract Sent": "negotiation", "Closed Won": "won", "Closed Lost": "lost"}),
    decimal_mark=".", date_order="mdy",  # the US locale these exports default to; flags override
    source="HubSpot Knowledge Base, HubSpot's default deal properties (knowledge.hubspot.com/crm-deals/"
           "hubspots-default-deal-properties); Record ID is the id column of every HubSpot export",
)

PIPEDRIVE = CrmMap(
    name="pipedrive", prefix="PD-",
    columns={"id": ("Deal - ID", "Deal - Pipedrive System ID"), "name": ("Deal - Title",),
             "owner": ("Deal - Owner",), "stage": ("Deal - Stage",), "amount": ("Deal - Value",),
             "close_date": ("Deal - Expected close date",), "account": ("Deal - Organization",),
             "status": ("Deal - Status",), "currency": ("Deal - Currency", "Deal - Currency of value")},
    stages=_folded({"Lead In": "lead", "Contact Made": "qualified", "Needs Defined": "qualified",
                    "Demo Scheduled": "proposal", "Proposal Made": "quote",
                    "Negotiations Started": "negotiation"}),
    statuses=_folded({"Open": "", "Won": "won", "Lost": "lost"}),
    source="Pipedrive deal fields (API: title, value, currency, status open/won/lost, expected_close_date); "
           "export headers as `Deal - <field>`",
)

ZOHO = CrmMap(
    name="zoho", prefix="ZO-",
    columns={"id": ("Record Id",), "name": ("Deal Name",), "owner": ("Deal Owner",), "stage": ("Stage",),
             "amount": ("Amount",), "close_date": ("Closing Date",), "account": ("Account Name",),
             "next_step": ("Next Step",)},
    stages=_folded({"Qualification": "qualified", "Needs Analysis": "qualified",
                    "Value Proposition": "proposal", "Identify Decision Makers": "proposal",
                    "Id. Decision Makers": "proposal", "Perception Analysis": "proposal",
                    "Proposal/Price Quote": "quote", "Negotiation/Review": "negotiation",
                    "Closed Won": "won", "Closed Lost": "lost", "Closed-Lost to Competition": "lost"}),
    decimal_mark=".", date_order="mdy",  # the US locale these exports default to; flags override
    source="Zoho CRM Help, Standard Fields in Deals (help.zoho.com/portal/en/kb/crm/sales-force-automation/"
           "deal-management/articles/standard-fields-deals); Record Id is the id column of a Zoho export",
)

# Dealbook's own `export pipeline --format csv`: deal ids and stages as they are.
DEALBOOK = CrmMap(
    name="dealbook", prefix="",
    columns={"id": ("deal",), "name": ("name",), "owner": ("owner",), "stage": ("stage",), "amount": ("amount",),
             "close_date": ("close_date",), "account": ("account",), "next_step": ("next_action",),
             "due": ("due",), "priority": ("priority",)},
    decimal_mark=".",
    source="dealbook export pipeline",
)

BUILT_IN: dict[str, CrmMap] = {m.name: m for m in (SALESFORCE, HUBSPOT, PIPEDRIVE, ZOHO, DEALBOOK)}


def columns_of(crm: CrmMap, header: list[str]) -> dict[str, int]:
    """field -> the index of its column in this header row (headers compared without case or spaces around)."""
    index = {h.strip().casefold(): i for i, h in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    for name, candidates in crm.columns.items():
        for candidate in candidates:
            if candidate.strip().casefold() in index:
                found[name] = index[candidate.strip().casefold()]
                break
    return found


def detect(header: list[str]) -> CrmMap:
    """The one built-in map whose required columns are all in the header row, or MapError saying what to do."""
    fits = [m for m in BUILT_IN.values() if all(f in columns_of(m, header) for f in REQUIRED)]
    if len(fits) == 1:
        return fits[0]
    if fits:
        raise MapError(f"the header row fits several CRMs ({', '.join(m.name for m in fits)}): pass --crm NAME")
    wanted = "; ".join(f"{m.name}: " + ", ".join(m.columns[f][0] for f in REQUIRED) for m in BUILT_IN.values())
    raise MapError(f"no built-in map fits the header row ({', '.join(h for h in header[:8])}...); "
                   f"their required columns are {wanted}. Pass --crm NAME, or --map FILE.toml for a map of your own")


class _MapFile(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A team's own map, as written in TOML (docs/import-export.md shows one)."""

    base: str | None = None
    name: str | None = None
    prefix: str | None = None
    columns: dict[str, str | list[str]] = {}
    stages: dict[str, str] = {}
    status: dict[str, str] = {}
    owners: dict[str, str] = {}
    priority: Literal["must", "should", "could"] | None = None
    owner: str | None = None
    decimal_mark: str | None = None
    date_order: str | None = None


def load_map(path: Path, base: str | None = None) -> CrmMap:
    """A map from a TOML file: on `base` (its own `base =` key, else the --crm given), else from scratch."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise MapError(f"cannot read the map {path}: {err.strerror or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise MapError(f"{path}: not TOML: {err}") from None
    try:
        spec = msgspec.convert(raw, _MapFile)
    except msgspec.ValidationError as err:
        raise MapError(f"{path}: {err}") from None
    base = spec.base or base
    if base is not None and base not in BUILT_IN:
        raise MapError(f"{path}: base {base!r} is not a built-in map ({', '.join(BUILT_IN)})")
    start = BUILT_IN[base] if base else CrmMap(name=path.stem, prefix="", columns={})
    unknown = sorted(set(spec.columns) - set(FIELDS))
    if unknown:
        raise MapError(f"{path}: unknown field(s) {', '.join(unknown)} in [columns] (fields: {', '.join(FIELDS)})")
    columns = dict(start.columns)
    for name, headers in spec.columns.items():
        columns[name] = (headers,) if isinstance(headers, str) else tuple(headers)
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise MapError(f"{path}: [columns] must name the column of {', '.join(missing)}")
    if spec.decimal_mark is not None and spec.decimal_mark not in DECIMAL_MARKS:
        raise MapError(f"{path}: decimal_mark is '.' or ',', not {spec.decimal_mark!r}")
    if spec.date_order is not None and spec.date_order not in DATE_ORDERS:
        raise MapError(f"{path}: date_order is mdy or dmy, not {spec.date_order!r}")
    return replace(
        start,
        name=spec.name or (start.name if base else path.stem),
        prefix=spec.prefix if spec.prefix is not None else start.prefix,
        columns=columns,
        stages={**start.stages, **_folded(spec.stages)},
        statuses={**start.statuses, **_folded(spec.status)},
        owners={**start.owners, **_folded(spec.owners)},
        priority=spec.priority or start.priority,
        owner=spec.owner if spec.owner is not None else start.owner,
        decimal_mark=spec.decimal_mark or start.decimal_mark,
        date_order=spec.date_order or start.date_order,
        source=str(path),
    )
