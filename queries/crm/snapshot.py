"""Reading a CRM export (CSV, by the standard library) into deal rows, every bad row reported with its line."""

from __future__ import annotations

import csv
import io
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NoReturn, TypeVar

from queries.crm import cells
from queries.crm.maps import CrmMap, MapError, columns_of, detect

T = TypeVar("T")

PRIORITIES = ("must", "should", "could")


@dataclass(frozen=True)
class DealRecord:
    """One row of the export: a deal as the CRM says it stands now."""

    row: int  # the line of the file the record starts on (the header is line 1)
    crm_id: str
    deal: str  # the ledger's deal id: the map's prefix + crm_id
    name: str
    owner: str
    stage: str  # a ledger stage
    amount: Decimal
    priority: str | None  # None when the file has no priority column
    close_date: dt.date | None
    account: str | None
    next_step: str | None
    due: dt.date | None


@dataclass(frozen=True)
class BadRow:
    row: int
    reason: str


@dataclass
class Snapshot:
    """What the file holds: its map, the good records, and the rows that cannot be read."""

    path: Path
    crm: CrmMap
    records: list[DealRecord] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)  # a row with several problems: one each
    rows: int = 0

    @property
    def bad_rows(self) -> int:
        return len({bad.row for bad in self.bad})


def read_snapshot(path: Path, ledger_stages: list[str], crm: CrmMap | None = None,
                  decimal_mark: str | None = None, date_order: str | None = None) -> Snapshot:
    """Read the whole file; `crm` None detects it from the header row. Raises MapError for a file no map fits."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            text = f.read()
    except OSError as err:
        raise MapError(f"cannot read {path}: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise MapError(f"{path}: not UTF-8 text (byte {err.start}); export it again as CSV UTF-8") from None
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter, quotechar='"', strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise MapError(f"{path}: the file is empty; export the deals with their header row") from None
    crm = crm or detect(header)
    where = columns_of(crm, header)
    missing = [f for f in ("id", "name", "stage") if f not in where]
    if missing:
        wanted = "; ".join(f"{f}: {' or '.join(crm.columns.get(f, ('?',)))}" for f in missing)
        raise MapError(f"{path}:1: the {crm.name} map needs the column(s) {wanted}; pass --map FILE.toml to name them")
    reading = _RowReader(crm, where, ledger_stages, decimal_mark or crm.decimal_mark, date_order or crm.date_order)
    snapshot = Snapshot(path, crm)
    first_row: dict[str, int] = {}
    currency: tuple[str, int] | None = None  # the first row's currency, and its row: the ledger has one
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells_ = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            snapshot.bad.append(BadRow(start, f"not CSV: {err}"))
            break  # the reader cannot find the next record after a broken quote
        line = reader.line_num
        if not any(c.strip() for c in cells_):
            continue  # a blank line
        snapshot.rows += 1
        if len(cells_) > len(header):
            snapshot.bad.append(BadRow(start, f"{len(cells_)} cells for {len(header)} columns (an unquoted comma?)"))
            continue
        try:
            record = reading.record(start, cells_)
        except RowProblems as err:
            snapshot.bad.extend(BadRow(start, reason) for reason in err.reasons)
            continue
        except cells.CellError as err:
            snapshot.bad.append(BadRow(start, str(err)))
            continue
        if record.deal in first_row:
            snapshot.bad.append(BadRow(start, f"record id {record.crm_id!r} again (first on row {first_row[record.deal]})"))
            continue
        code = reading.cell(cells_, "currency").upper()
        if code and currency is None:
            currency = (code, start)
        elif code and code != currency[0]:
            snapshot.bad.append(BadRow(start, f"deal {record.crm_id}: amount in {code}, but row {currency[1]} is in "
                                              f"{currency[0]}; the ledger has one currency: convert it in the CRM"))
            continue
        first_row[record.deal] = start
        snapshot.records.append(record)
    return snapshot


class RowProblems(cells.CellError):
    """Every problem of one row, each said on its own."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _missing(what: str) -> NoReturn:
    raise cells.CellError(what)


def as_text(cell: str) -> str:
    """A cell as the text it stands for: the apostrophe a spreadsheet-safe export puts before text that
    starts like a formula (`'=HYPERLINK(...)`, `'+lan`: queries.export.inert) is taken off again."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


class _RowReader:
    def __init__(self, crm: CrmMap, where: dict[str, int], ledger_stages: list[str], mark: str | None,
                 order: str | None) -> None:
        self.crm, self.where, self.mark, self.order = crm, where, mark, order
        self.ledger_stages = {s.casefold(): s for s in ledger_stages}

    def cell(self, cells_: list[str], name: str) -> str:
        i = self.where.get(name)
        return as_text(cells_[i].strip()) if i is not None and i < len(cells_) else ""

    def record(self, row: int, cells_: list[str]) -> DealRecord:
        """The row's deal; a row with problems raises RowProblems naming every one of them (a row fixed one
        problem at a time would take an export per problem)."""
        crm_id = self.cell(cells_, "id")
        if not crm_id:
            raise cells.CellError("no record id: every deal needs its CRM id")
        problems: list[str] = []

        def read(what: Callable[[], T]) -> T | None:
            try:
                return what()
            except cells.CellError as err:
                problems.append(str(err))
                return None

        name = read(lambda: self.cell(cells_, "name") or _missing("no name"))
        owner = read(lambda: self.owner(cells_))
        priority = read(lambda: self.priority(cells_)) if "priority" in self.where else None
        close_date = read(lambda: cells.date(self.cell(cells_, "close_date"), self.order))
        due = read(lambda: cells.date(self.cell(cells_, "due"), self.order))
        stage = read(lambda: self.stage(cells_))
        amount = read(lambda: cells.amount(self.cell(cells_, "amount"), self.mark))
        if problems:
            raise RowProblems([f"deal {crm_id}: {problem}" for problem in problems])
        return DealRecord(
            row=row, crm_id=crm_id, deal=self.crm.prefix + crm_id, name=name, owner=owner, stage=stage,
            amount=amount, priority=priority, close_date=close_date, account=self.cell(cells_, "account") or None,
            next_step=self.cell(cells_, "next_step") or None, due=due,
        )

    def owner(self, cells_: list[str]) -> str:
        owner_cell = self.cell(cells_, "owner")
        return self.crm.owners.get(owner_cell.casefold(), owner_cell) or self.crm.owner or _missing(
            "no owner; fill it in, or set `owner` in the map")

    def priority(self, cells_: list[str]) -> str:
        priority = self.cell(cells_, "priority").casefold() or self.crm.priority
        if priority not in PRIORITIES:
            raise cells.CellError(f"priority {priority!r} is not must, should or could")
        return priority

    def stage(self, cells_: list[str]) -> str:
        """The ledger stage the row's status or stage maps to (record() names the deal in a problem)."""
        if "status" in self.where:
            status = self.cell(cells_, "status")
            by_status = self.crm.statuses.get(status.casefold())
            if by_status is None:
                known = ", ".join(sorted(self.crm.statuses)) or "none"
                raise cells.CellError(f"unknown status {status!r} (known: {known})")
            if by_status:
                return self.known(by_status, status)
        raw = self.cell(cells_, "stage")
        if not raw:
            raise cells.CellError("no stage")
        mapped = self.crm.stages.get(raw.casefold())
        if mapped is not None:
            return self.known(mapped, raw)
        if raw.casefold() in self.ledger_stages:
            return self.ledger_stages[raw.casefold()]
        crm_names = ", ".join(self.crm.stages) or "none"
        raise cells.CellError(
            f"unknown stage {raw!r} (known: the {self.crm.name} stages {crm_names}; the ledger's "
            f"stages {', '.join(self.ledger_stages.values())}); add it to [stages] of a --map file"
        )

    def known(self, stage: str, raw: str) -> str:
        if stage.casefold() in self.ledger_stages:
            return self.ledger_stages[stage.casefold()]
        raise cells.CellError(
            f"{raw!r} maps to {stage!r}, which is not a stage of the ledger "
            f"(known: {', '.join(self.ledger_stages.values())}); define it with `dealbook stage`"
        )
