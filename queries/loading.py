"""Accepted ledger events into DuckDB rows, and the reader's fold rebuilt from the cache to go on reading."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import msgspec

from ledger import AnyEvent, Deal, DealSplit, Event, LedgerState, Stage
from ledger.reader import referenced  # noqa: F401  (the Store reads it from here)
from queries import sqlfiles
from queries.moments import from_epoch_us

_encoder = msgspec.json.Encoder()  # Decimals as JSON strings (DuckDB's json_transform reads numbers exactly too)
_stored = msgspec.json.Decoder(AnyEvent)


def decode_stored(text: str) -> Event:
    """An event line as the cache keeps it (Decimals as JSON strings), back to the event."""
    return _stored.decode(text)  # type: ignore[no-any-return]



def chunk_params(events: Sequence[Event], lines: Sequence[int], state: LedgerState,
                 tz: str | None = None, stage_before: dict[int, str] | None = None, *,
                 text: bytes = b"") -> dict[str, Any]:
    """The parameters of stage_chunk.sql and stage_parts.sql for these accepted events.

    Each event goes to DuckDB as JSON, parsed there by json_transform with a fixed structure (DuckDB
    reads a JSON number into a DECIMAL exactly, from its digits). `text`: the events' lines as written,
    when the reader found them exactly what encoding the events gives (LedgerRead.text): then they are
    not encoded again. Measured on 1M events (2 cores, no numpy/pandas/pyarrow in the venv), from the
    reader's events to rows in DuckDB:
      - this path (encode_lines, one string split by DuckDB, json_transform): ~3.5 s;
      - Python tuples through DuckDB's Appender: 1.7 s to flatten + 4.0 s to append;
      - re-encoded NDJSON in a temporary file + read_json(columns=...): 7.1 s;
      - one Python list per column, unnest()ed: 25 s.
    `state` is the reader's fold after the events: a split parent takes no event after its split,
    so its fields there are its fields at the split, which its parts inherit (the moment it was won is
    worked out from the rows, load_rows.sql).
    `tz`: the ledger's time zone after these events, in which each row's `day` is read.
    `stage_before`: LedgerState.stage_before, the fold's stage of each stage_changed's deal before
    it, by line (those of these lines are taken out); a stage_changed it does not name gets its prior
    stage from the rows already stored (load_rows.sql; a window over the chunk in SQL took 44% of a
    load's insert).
    """
    parts: list[tuple] = []
    count = len(lines)
    first = lines[0] if count else 1
    gapless = count == 0 or lines[-1] - first + 1 == count  # the lines run on: sent as a range
    names: dict[str, str] = {}  # stage -> its code, chr(32 + its place in the names sent)
    codes = [" "] * count  # chr(32): prior stage not known
    if stage_before:  # the fold's notes since the last chunk: those of these lines are taken out
        if gapless and min(stage_before) >= first and max(stage_before) < first + count:  # all of them, as a rule
            for line, stage in stage_before.items():
                codes[line - first] = names.get(stage) or names.setdefault(stage, chr(33 + len(names)))
            stage_before.clear()
        else:
            place = range(first, first + count) if gapless else {line: i for i, line in enumerate(lines)}
            for line in [line for line in stage_before if line in place]:
                stage = stage_before.pop(line)
                codes[line - first if gapless else place[line]] = names.get(stage) or names.setdefault(
                    stage, chr(33 + len(names)))
    for at in _places(events, DealSplit):  # list.index finds them in C: a loop over every event took 0.2 s at 1M
        event, line = events[at], lines[at]
        parent = state.deals[event.deal]
        parts.extend((line, sub, part.deal, event.deal, parent.name, parent.owner, parent.account, parent.stage,
                      part.amount, part.priority, part.close_date_from(parent.close_date))
                     for sub, part in enumerate(event.parts, start=1))
    # Text, not lists of Python objects: the worker turns each parameter into DuckDB's values holding the
    # GIL, which the reading thread then waits for; the JSON is split and parsed while it does not
    return {"lines": None if gapless else list(lines), "first_line": first, "count": count,
            "json": text or _encoder.encode_lines(events), "stage_names": list(names),
            "prev_codes": "".join(codes), "tz": tz, "parts": _encoder.encode_lines(parts).decode()}


def _places(items: Sequence[object], kind: type) -> Iterator[int]:
    """The places of the items of exactly this type, in order."""
    types, at = list(map(type, items)), 0
    while True:
        try:
            at = types.index(kind, at)
        except ValueError:
            return
        yield at
        at += 1


def insert_chunk(cur: duckdb.DuckDBPyConnection, table: str, params: dict[str, Any]) -> None:
    """Append the chunk's rows to `table` (ledger_events, or a cursor's scenario table).

    The events' JSON and the parts go in through two plain statements first: inside the big one, DuckDB's
    optimizer spends over a second on million-element constants; a large chunk's JSON goes through a file
    (_written). The staging tables stay, replaced by the next chunk's (unstage drops them): each statement
    is a wait for the GIL while Python reads the next piece.
    """
    text = params["json"]
    path = _written(text) if len(text) >= FILE_STAGED and params["lines"] is None else None  # large, no gap
    try:
        if path is None:
            sqlfiles.run(cur, "stage_chunk", **{**params, "json": text[:-1].decode()})
        else:
            sqlfiles.run(cur, "stage_chunk_file", **params, path=path, longest=max(2**21, len(text)))
    finally:
        if path is not None:
            with contextlib.suppress(OSError):
                os.unlink(path)
    sqlfiles.run(cur, "stage_parts", **params)
    cur.execute(f"INSERT INTO {table} {sqlfiles.sql('load_rows')}", {"tz": params["tz"]})


FILE_STAGED = 2**20  # bytes of JSON from which a chunk goes to DuckDB through a file (stage_chunk_file.sql)


_GLOB = "*?[]{}"  # what DuckDB's file readers take as a pattern in a path
_CHUNK = "dealbook-chunk-"  # a chunk file's name: then the writing process's id, a dash, mkstemp's letters, .jsonl
SWEPT_AFTER = 600  # seconds: a chunk file lives for a few seconds; an older one was left behind
_swept: list[str] = []  # the temporary directories this process has swept (sweep_chunk_files)


def _written(text: bytes) -> str | None:
    """The path of a new temporary file holding `text`, which only its owner may read; None when none can be
    written (the text then goes to DuckDB as a string).

    A large chunk's JSON reaches DuckDB so: the reading thread no longer decodes it (0.1 s at 1M events), the
    worker no longer holds the GIL while DuckDB copies it in, and DuckDB's CSV reader splits the lines 3x
    sooner than string_split (0.93 -> 0.29 s at 1M, docs/performance.md).
    """
    if any(mark in tempfile.gettempdir() for mark in _GLOB):  # DuckDB would read every file the pattern matched
        return None
    if tempfile.gettempdir() not in _swept:
        sweep_chunk_files()
    try:
        fd, path = tempfile.mkstemp(prefix=f"{_CHUNK}{os.getpid()}-", suffix=".jsonl")
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(path)
        return None
    return path


def sweep_chunk_files() -> None:
    """Remove the chunk files a load killed outright (SIGKILL, the kernel out of memory) left in the temporary
    directory: this user's, over SWEPT_AFTER seconds old, named for a process that no longer runs (the age
    guards a live load whose process this one cannot see, in another PID namespace sharing the directory).
    A load stopped any other way (Ctrl-C, an error) removes its own. Once a process, before its first chunk
    file; POSIX only (on Windows, os.kill(pid, 0) would end that process)."""
    directory = tempfile.gettempdir()
    _swept.append(directory)
    if os.name != "posix":
        return
    try:
        names = [name for name in os.listdir(directory) if name.startswith(_CHUNK) and name.endswith(".jsonl")]
    except OSError:
        return
    now = time.time()
    for name in names:
        pid = name[len(_CHUNK):].split("-", 1)[0]
        path = os.path.join(directory, name)
        with contextlib.suppress(OSError):
            found = os.stat(path)
            if (pid.isdigit() and found.st_uid == os.getuid() and now - found.st_mtime > SWEPT_AFTER
                    and not _runs(int(pid))):
                os.unlink(path)


def _runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal sent: whether the process exists
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (PermissionError), or anything else: left alone
        return True
    return True


def unstage(cur: duckdb.DuckDBPyConnection) -> None:
    """Drop the staging tables insert_chunk left."""
    cur.execute("DROP TABLE IF EXISTS temp.chunk_json")
    cur.execute("DROP TABLE IF EXISTS temp.chunk_parts")


def update_snapshot(cur: duckdb.DuckDBPyConnection, empty: bool) -> None:
    """Fold the rows just loaded into deal_snapshot: all of them straight into it when it is `empty` (a load
    from nothing, snapshot_first.sql), else the new rows merged with the old snapshot rows, swapped in."""
    if empty:
        cur.execute(f"INSERT INTO deal_snapshot {sqlfiles.sql('snapshot_first')}")
        return
    params = {"use_snapshot": True, "t_us": 2**62}
    cur.execute(f"CREATE OR REPLACE TEMP TABLE new_snapshot AS {sqlfiles.sql('snapshot_rows')}", params)
    cur.execute("DELETE FROM deal_snapshot WHERE deal IN (SELECT deal FROM temp.new_snapshot)")
    cur.execute("INSERT INTO deal_snapshot SELECT * FROM temp.new_snapshot")
    cur.execute("DROP TABLE temp.new_snapshot")


_ENDS = """
    WITH n AS (SELECT count(*) AS n FROM events WHERE sub = 0)
    SELECT seq, ts_us, utc_offset, (SELECT n FROM n) FROM events WHERE seq = (SELECT min(seq) FROM events)
    UNION ALL
    SELECT seq, ts_us, utc_offset, (SELECT n FROM n) FROM events WHERE seq = (SELECT max(seq) FROM events)
"""


def resume_base(cur: duckdb.DuckDBPyConnection) -> LedgerState:
    """The parts of the reader's fold that do not depend on which lines come next: the first and last
    ts, the count, the stage table, the targets (a Store keeps it until it loads more lines)."""
    state = LedgerState()
    # The first and last rows found by min/max(seq), one cheap column scan, then `seq = x`, which skips
    # the row groups whose seq range cannot hold x; ORDER BY seq DESC LIMIT 1 took 23 ms at 1M events.
    ends = cur.execute(_ENDS).fetchall()
    if not ends:
        return state
    (_, first_us, first_offset, _), (_, last_us, last_offset, count) = sorted(ends)
    state.first_ts = from_epoch_us(first_us, first_offset)
    state.last_ts = from_epoch_us(last_us, last_offset)
    state.events = count
    # Folded here as LedgerState.apply folds them, so that the stages keep the fold's order (the
    # defaults, then new stages as first defined), which a refusal's list of known stages shows.
    for stage, rate, lead_days, position, kind in cur.execute(
        "SELECT stage, rate, lead_days, position, kind FROM events WHERE type = 'stage_defined' ORDER BY seq"
    ).fetchall():
        state.stages[stage] = Stage(rate, lead_days, position, kind)
    for owner, period, amount, _ in cur.execute(
        "SELECT owner, period, arg_max(amount, seq), min(seq) AS first FROM events WHERE type = 'target_set' "
        "GROUP BY owner, period ORDER BY first"
    ).fetchall():
        state.targets[(period, owner)] = amount
    for (settings,) in cur.execute(
        "SELECT settings FROM events WHERE type = 'settings_changed' ORDER BY seq"
    ).fetchall():
        state.apply_settings(decode_stored(settings))
    for (line,) in cur.execute("SELECT settings FROM events WHERE type = 'key_result_set' ORDER BY seq").fetchall():
        result = decode_stored(line)
        state.key_results[(result.period, result.key, result.owner)] = result  # type: ignore[attr-defined]
    return state


def resume_state(cur: duckdb.DuckDBPyConnection, ids: set[str], deals: set[str],
                 base: LedgerState | None = None) -> LedgerState:
    """The reader's fold as far as the cache goes, for the ids and deals the next lines mention.

    The reader checks a line against the fold of the ones before it (duplicate ids, unknown deals
    and stages, the order of ts); rebuilding all of it for a million events would cost seconds, and
    these checks only ever look at what the new lines name. `base`: resume_base's answer for the
    same rows, when the caller kept it (it is copied, never changed).
    """
    if base is None:
        state = resume_base(cur)
    else:
        state = LedgerState(last_ts=base.last_ts, stages=dict(base.stages), targets=dict(base.targets),
                            events=base.events, first_ts=base.first_ts, settings=dict(base.settings),
                            key_results=dict(base.key_results))
    if state.last_ts is None:
        return state
    if ids:
        state.ids = dict(cur.execute(
            "SELECT id, min(line) FROM events WHERE sub = 0 AND id IN (SELECT unnest($ids::VARCHAR[])) GROUP BY id",
            {"ids": sorted(ids)},
        ).fetchall())
    if deals:
        for row in sqlfiles.run(cur, "deal_heads", deals=sorted(deals)).fetchall():
            state.deals[row[0]] = deal_of_head(row)
    return state


def deal_of_head(row: tuple) -> Deal:
    """A Deal from a row of _deal_head.sql's columns (deal_heads.sql, deals_at.sql)."""
    (deal, name, owner, stage, amount, priority, close_date, account, opened_line, version,
     last_line, next_action, due, split_line) = row
    return Deal(
        deal=deal, name=name, owner=owner, stage=stage, amount=amount, priority=priority,
        close_date=close_date, account=account, opened_line=opened_line, version=version, last_line=last_line,
        next_action=next_action, due=due, split_line=split_line,
    )


def insert_scenario(cur: duckdb.DuckDBPyConnection, events: Sequence[Event], first_line: int, state: LedgerState,
                    tz: str | None) -> None:
    """Append hypothetical events, on lines from `first_line`, to temp.scenario_events (which the caller made,
    and named in its `events` view, so that their rows read the ledger as the scenario sees it). `state` is
    their fold: its stage_before (a dict before they were folded) holds each move's prior stage, which a
    deal moved twice in one scenario needs."""
    if events:
        lines = list(range(first_line, first_line + len(events)))
        insert_chunk(cur, "temp.scenario_events", chunk_params(events, lines, state, tz, state.stage_before))


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


def deals_named(event: Event) -> list[str]:
    """The deals an event names: its own, and a split's parts."""
    named = [event.deal_id] if event.deal_id else []
    return named + [part.deal for part in getattr(event, "parts", ())]
