"""Accepted ledger events into DuckDB rows, and the reader's fold rebuilt from the cache to go on reading."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import msgspec

from ledger import Deal, DealSplit, Event, LedgerState, Stage
from queries import sqlfiles
from queries.moments import from_epoch_us

_encoder = msgspec.json.Encoder()

PART_FIELDS = ("line", "sub", "deal", "parent", "name", "owner", "account", "stage", "amount", "priority",
               "close_date")


def chunk_params(events: Sequence[Event], lines: Sequence[int], state: LedgerState) -> dict[str, Any]:
    """The parameters of stage_chunk.sql and stage_parts.sql for these accepted events.

    Each event goes to DuckDB as its msgspec encoding, parsed there by json_transform with a fixed
    structure. Measured on 1M events (2 cores, no numpy/pandas/pyarrow in the venv), from the
    reader's events to rows in DuckDB:
      - this path (encode_lines, one string split by DuckDB, json_transform): ~3.5 s;
      - Python tuples through DuckDB's Appender: 1.7 s to flatten + 4.0 s to append;
      - re-encoded NDJSON in a temporary file + read_json(columns=...): 7.1 s;
      - one Python list per column, unnest()ed: 25 s.
    `state` is the reader's fold after the events: a split parent takes no event after its split,
    so its fields there are its fields at the split, which its parts inherit.
    """
    # one string, split by DuckDB: cheaper than a million Python strings
    encoded = _encoder.encode_lines(events)[:-1].decode()
    parts: dict[str, list[Any]] = {field: [] for field in PART_FIELDS}
    for event, line in zip(events, lines):
        if not isinstance(event, DealSplit):
            continue
        parent = state.deals[event.deal]
        for sub, part in enumerate(event.parts, start=1):
            for field, value in zip(PART_FIELDS, (
                line, sub, part.deal, event.deal, parent.name, parent.owner, parent.account, parent.stage,
                part.amount, part.priority, part.close_date if part.close_date is not None else parent.close_date,
            )):
                parts[field].append(value)
    return {"lines": list(lines), "json": encoded, **{f"part_{k}": v for k, v in parts.items()}}


def insert_chunk(cur: duckdb.DuckDBPyConnection, table: str, params: dict[str, Any]) -> None:
    """Append the chunk's rows to `table` (ledger_events, or a cursor's scenario table).

    The large lists go in through two plain statements first: inside the big one, DuckDB's optimizer
    spends over a second on million-element constants.
    """
    sqlfiles.run(cur, "stage_chunk", **params)
    sqlfiles.run(cur, "stage_parts", **params)
    cur.execute(f"INSERT INTO {table} {sqlfiles.sql('load_rows')}")
    cur.execute("DROP TABLE temp.chunk_json")
    cur.execute("DROP TABLE temp.chunk_parts")


def update_snapshot(cur: duckdb.DuckDBPyConnection) -> None:
    """Fold the rows just loaded into deal_snapshot."""
    cur.execute(f"CREATE OR REPLACE TEMP TABLE new_snapshot AS {sqlfiles.sql('snapshot_rows')}",
                {"use_snapshot": True, "t_us": 2**62})
    cur.execute("DELETE FROM deal_snapshot WHERE deal IN (SELECT deal FROM temp.new_snapshot)")
    cur.execute("INSERT INTO deal_snapshot SELECT * FROM temp.new_snapshot")
    cur.execute("DROP TABLE temp.new_snapshot")


class _Refs(msgspec.Struct):
    """What a line mentions that the reader's checks look up: its id and the deals it names."""

    id: Any = None
    deal: Any = None
    parts: Any = None


_refs_decoder = msgspec.json.Decoder(_Refs)


def referenced(chunk: bytes) -> tuple[set[str], set[str]]:
    """The event ids and deal ids that the lines of a chunk mention (lines that do not decode are skipped)."""
    try:
        refs = _refs_decoder.decode_lines(chunk)
    except (msgspec.DecodeError, msgspec.ValidationError):
        refs = []
        for raw in chunk.split(b"\n"):
            try:
                refs.append(_refs_decoder.decode(raw))
            except (msgspec.DecodeError, msgspec.ValidationError):
                continue
    ids, deals = set(), set()
    for ref in refs:
        if isinstance(ref.id, str):
            ids.add(ref.id)
        if isinstance(ref.deal, str):
            deals.add(ref.deal)
        if isinstance(ref.parts, list):
            deals.update(p["deal"] for p in ref.parts if isinstance(p, dict) and isinstance(p.get("deal"), str))
    return ids, deals


def resume_state(cur: duckdb.DuckDBPyConnection, ids: set[str], deals: set[str]) -> LedgerState:
    """The reader's fold as far as the cache goes, for the ids and deals the next lines mention.

    The reader checks a line against the fold of the ones before it (duplicate ids, unknown deals
    and stages, the order of ts); rebuilding all of it for a million events would cost seconds, and
    these checks only ever look at what the new lines name.
    """
    state = LedgerState()
    last = cur.execute(
        "SELECT ts_us, utc_offset, (SELECT count(*) FROM events WHERE sub = 0) FROM events ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    if last is None:
        return state
    state.last_ts = from_epoch_us(last[0], last[1])
    state.events = last[2]
    first = cur.execute("SELECT ts_us, utc_offset FROM events ORDER BY seq LIMIT 1").fetchone()
    state.first_ts = from_epoch_us(first[0], first[1])
    state.stages = {
        stage: Stage(rate, lead_days, position, kind)
        for stage, rate, lead_days, position, kind in sqlfiles.run(cur, "stage_table", t_us=2**62).fetchall()
    }
    for owner, period, amount in cur.execute(
        "SELECT owner, period, arg_max(amount, seq) FROM events WHERE type = 'target_set' GROUP BY owner, period"
    ).fetchall():
        state.targets[(period, owner)] = amount
    if ids:
        state.ids = dict(cur.execute(
            "SELECT id, min(line) FROM events WHERE sub = 0 AND id IN (SELECT unnest($ids::VARCHAR[])) GROUP BY id",
            {"ids": sorted(ids)},
        ).fetchall())
    if deals:
        for row in sqlfiles.run(cur, "deal_heads", deals=sorted(deals)).fetchall():
            (deal, name, owner, stage, amount, priority, close_date, account, opened_line, version,
             last_us, last_offset, last_line, next_action, due, split_line) = row
            state.deals[deal] = Deal(
                deal=deal, name=name, owner=owner, stage=stage, amount=amount, priority=priority,
                close_date=close_date, account=account, opened_line=opened_line, version=version,
                last_ts=from_epoch_us(last_us, last_offset), last_line=last_line,
                next_action=next_action, due=due, split_line=split_line,
            )
    return state


def check_scenario(state: LedgerState, events: Sequence[Event], first_line: int) -> list[str]:
    """Fold hypothetical events into the state; the reason each one the ledger would refuse is refused."""
    refused = []
    for line, event in enumerate(events, start=first_line):
        reason = state.problem_with(event)
        if reason is None:
            state.apply(event, line)
        else:
            refused.append(f"scenario event {event.id!r}: {reason}")
    return refused
