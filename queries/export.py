"""The Store's results as files a finance team opens as they are, written by DuckDB's own COPY; money stays exact."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import msgspec

from ledger import read_ledger
from ledger.home import raw_lines
from ledger.money import tidy
from queries.model import Changes, DealRow, Forecast, Replay

FORMATS = ("csv", "parquet", "json")
REPORTS = ("pipeline", "forecast", "replay", "changes", "log")
MAX_SCALE = 18  # digits after the point kept for money (an estimated value has at most 10)

# Column kinds -> how a cell is passed to DuckDB and the type it gets there.
TEXT, MONEY, INT, BOOL, DATE, REAL = "text", "money", "int", "bool", "date", "real"
WRITTEN = "money as written"  # the log's amounts keep the line's digits (1234567.890); MONEY is tidied
Columns = Sequence[tuple[str, str]]


class ExportError(ValueError):
    """An export that cannot be written; the message says why."""


def money(value: object, as_written: bool = False) -> Decimal | None:
    """An amount as the exact decimal it is: with no trailing zeros (12500, 100.1: the engine's
    DECIMAL(18,4) would print 100.1000), or, `as_written`, with the digits the ledger's line has."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise ExportError(f"an amount must be exact, not {type(value).__name__} {value!r}")
    return Decimal(value) if as_written else tidy(Decimal(value))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads a cell starting so as a formula


def inert(text: str) -> str:
    """A text cell a spreadsheet shows as text: one starting like a formula (`=HYPERLINK(...)`, `+1`,
    `@SUM`) gets a leading apostrophe, which spreadsheets read as "this is text" and do not show."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: object, kind: str) -> str:
    """One value as a CSV cell of a report printed by the CLI: money exact and tidy, dates ISO, text inert."""
    if value is None:
        return ""
    if kind in (MONEY, WRITTEN):
        return str(money(value, kind == WRITTEN))
    if kind == BOOL:
        return "true" if value else "false"
    if kind in (DATE, INT, REAL):
        return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
    return inert(value.isoformat() if isinstance(value, dt.datetime) else str(value))


def write_table(rows: Sequence[Sequence[Any]], columns: Columns, path: str | os.PathLike[str], fmt: str,
                *, formulas_inert: bool = True) -> int:
    """Write the rows (one value per column) with DuckDB's COPY in `fmt`; returns the rows written.

    Money columns are DECIMAL with as many places as the column's most precise value, so
    `100.10` is written 100.10, never 100.09999999. In a CSV, user text that a spreadsheet would run as a
    formula is made inert (`inert`) unless `formulas_inert` is False; Parquet and JSON keep it as it is.
    """
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    params: dict[str, list[Any]] = {}
    selects = []
    for i, (name, kind) in enumerate(columns):
        values = [row[i] for row in rows]
        key = f"c{i}"
        if kind in (MONEY, WRITTEN):
            exact = [money(v, kind == WRITTEN) for v in values]
            scale = min(MAX_SCALE, max([-v.as_tuple().exponent for v in exact if v is not None] + [0]))
            params[key] = [None if v is None else str(v) for v in exact]
            expr = f"unnest(${key}::VARCHAR[])::DECIMAL(38, {scale})"
        elif kind == INT:
            params[key] = values
            expr = f"unnest(${key}::BIGINT[])"
        elif kind == BOOL:
            params[key] = values
            expr = f"unnest(${key}::BOOLEAN[])"
        elif kind == REAL:
            params[key] = [None if v is None else float(v) for v in values]
            expr = f"unnest(${key}::DOUBLE[])"
        elif kind == DATE:
            params[key] = [None if v is None else v.isoformat() for v in values]
            expr = f"unnest(${key}::VARCHAR[])::DATE"
        else:
            texts = [None if v is None else (v.isoformat() if isinstance(v, dt.datetime) else str(v)) for v in values]
            if fmt == "csv" and formulas_inert:
                texts = [None if v is None else inert(v) for v in texts]
            params[key] = texts
            expr = f"unnest(${key}::VARCHAR[])"
        selects.append(f'{expr} AS "{name}"')
    options = {"csv": "FORMAT csv, HEADER true", "parquet": "FORMAT parquet", "json": "FORMAT json, ARRAY true"}[fmt]
    target = str(Path(path)).replace("'", "''")
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TEMP TABLE export_rows AS SELECT {', '.join(selects)}", params)
        con.execute(f"COPY export_rows TO '{target}' ({options})")
        return con.execute("SELECT count(*) FROM export_rows").fetchone()[0]
    except duckdb.IOException as err:
        raise ExportError(f"cannot write {path}: {err}") from None
    finally:
        con.close()


PIPELINE: Columns = (
    ("deal", TEXT), ("name", TEXT), ("owner", TEXT), ("account", TEXT), ("stage", TEXT), ("stage_kind", TEXT),
    ("amount", MONEY), ("priority", TEXT), ("close_date", DATE), ("next_action", TEXT), ("due", DATE),
    ("version", INT), ("days_since_change", INT), ("last_change", TEXT),
)


def pipeline_rows(deals: Sequence[DealRow]) -> list[tuple]:
    return [tuple(getattr(d, name) for name, _ in PIPELINE) for d in deals]


FORECAST: Columns = (
    ("period", TEXT), ("deal", TEXT), ("name", TEXT), ("owner", TEXT), ("account", TEXT), ("stage", TEXT),
    ("priority", TEXT), ("amount", MONEY), ("estimated_value", MONEY), ("counts", BOOL), ("big", BOOL),
    ("promote", BOOL), ("won_in_period", BOOL), ("close_date", DATE), ("next_action", TEXT), ("due", DATE),
)


def forecast_rows(result: Forecast) -> list[tuple]:
    promoted = set(result.promotions)
    return [(result.period, d.deal, d.name, d.owner, d.account, d.stage, d.priority, d.amount, d.estimated_value,
             d.counts, d.big, d.deal in promoted, d.won_in_period, d.close_date, d.next_action, d.due)
            for d in result.deals]


REPLAY: Columns = (
    ("period", TEXT), ("date", DATE), ("target", MONEY), ("won", MONEY), ("progress", MONEY), ("needed", MONEY),
    ("chance", REAL), ("error", MONEY),
)


def replay_rows(result: Replay) -> list[tuple]:
    return [(result.period, d.date, d.target, d.won, d.progress, d.needed, d.chance, d.error) for d in result.days]


CHANGES: Columns = (
    ("period", TEXT), ("cause", TEXT), ("deal", TEXT), ("name", TEXT), ("owner", TEXT), ("change", MONEY),
    ("events", TEXT),
)


def changes_rows(result: Changes) -> list[tuple]:
    return [(result.period, d.cause, d.deal, d.name, d.owner, d.amount, " ".join(d.events)) for d in result.deals]


LOG: Columns = (
    ("line", INT), ("id", TEXT), ("ts", TEXT), ("type", TEXT), ("by", TEXT), ("deal", TEXT), ("name", TEXT),
    ("owner", TEXT), ("stage", TEXT), ("amount", WRITTEN), ("priority", TEXT), ("close_date", DATE),
    ("text", TEXT), ("due", DATE), ("period", TEXT), ("event", TEXT),
)
_exact = msgspec.json.Decoder(float_hook=Decimal)  # numbers as written: 100.10 stays 100.10


def log_rows(ledger: str | os.PathLike[str]) -> tuple[list[tuple], list[str]]:
    """Every accepted line of the ledger as a row (its JSON verbatim in `event`), and the problems skipped."""
    read = read_ledger(ledger, keep_events=False)
    refused = {p.line for p in read.problems}
    rows = []
    with raw_lines(ledger) as f:
        for number, raw in enumerate(f, start=1):
            if number in refused or number >= read.next_line:
                continue
            text = raw.rstrip(b"\n")
            fields = _exact.decode(text)
            date = _date_field(fields)
            rows.append((number, fields.get("id"), fields.get("ts"), fields.get("type"), fields.get("by"),
                         fields.get("deal"), fields.get("name"), fields.get("owner"), fields.get("stage"),
                         fields.get("amount"), fields.get("priority"), date("close_date"), fields.get("text"),
                         date("due"), fields.get("period"), text.decode("utf-8")))
    return rows, [str(p) for p in read.problems]


def _date_field(fields: dict[str, Any]) -> Callable[[str], dt.date | None]:
    def read(name: str) -> dt.date | None:
        value = fields.get(name)
        return dt.date.fromisoformat(value) if isinstance(value, str) else None

    return read
