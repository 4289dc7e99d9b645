"""The floors scripts/bench.py sets each measure beside: the same work done by the plainest means, in the same run.

Each runs in a child of its own (bench.py --child floor-NAME LEDGER) and prints {"seconds": ...}:
  - decode: the project's own decoder over the whole file (ledger.events.decode_lines), no checks, no
    fold: the floor of `check` (timed as a whole process, as `check` is);
  - ndjson: DuckDB's read_ndjson of the file into a table, the columns given: the floor of the first load;
  - tables: the cache's own tables (ledger_events with split parts as rows and each stage_changed's
    prior stage, deal_snapshot, its index) built by DuckDB alone from the file, nothing checked;
  - json_fold: the script a user writes in ten minutes: json.loads per line, a dict per deal;
  - imports: the interpreter and the `dealbook` command's imports (timed as a whole process): the floor
    of `forecast`, `replay` and `changes`.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

COLUMNS = """{
    "id": 'VARCHAR', "ts": 'VARCHAR', "type": 'VARCHAR', "by": 'VARCHAR', "deal": 'VARCHAR',
    "name": 'VARCHAR', "owner": 'VARCHAR', "account": 'VARCHAR', "stage": 'VARCHAR',
    "amount": 'DECIMAL(18,4)', "priority": 'VARCHAR', "close_date": 'DATE', "text": 'VARCHAR',
    "due": 'DATE', "period": 'VARCHAR', "rate": 'DECIMAL(7,6)', "lead_days": 'INTEGER',
    "position": 'INTEGER', "kind": 'VARCHAR',
    "parts": 'STRUCT(deal VARCHAR, amount DECIMAL(18,4), priority VARCHAR, close_date DATE)[]'}"""

# The ledger's lines as rows, numbered in file order (line), then ledger_events as load_rows.sql
# fills it; a split's parts take their parent's latest fields among its own lines before the split (a part
# of a part gets none, and no won run: the floor is cheaper than the real thing, not dearer).
TABLES = """
CREATE TEMP TABLE raw AS
SELECT row_number() OVER () AS line, *
FROM read_ndjson($path, columns = {columns}, format = 'newline_delimited');

INSERT INTO ledger_events
WITH parsed AS (
    SELECT *, epoch_us(ts::TIMESTAMPTZ) AS ts_us,
           CASE WHEN ts[-1:] = 'Z' THEN 0
                ELSE (CASE WHEN ts[-6:-6] = '-' THEN -1 ELSE 1 END)
                     * (ts[-5:-4]::INTEGER * 3600 + ts[-2:]::INTEGER * 60) END AS utc_offset,
           ts[1:10]::DATE AS own_day
    FROM temp.raw
),
parents AS (
    SELECT s.line, arg_max(r.name, r.line) FILTER (WHERE r.name IS NOT NULL) AS name,
           arg_max(r.owner, r.line) FILTER (WHERE r.owner IS NOT NULL) AS owner,
           arg_max(r.account, r.line) FILTER (WHERE r.account IS NOT NULL) AS account,
           arg_max(r.stage, r.line) FILTER (WHERE r.stage IS NOT NULL) AS stage,
           arg_max(r.close_date, r.line) FILTER (WHERE r.close_date IS NOT NULL) AS close_date
    FROM temp.raw AS s JOIN temp.raw AS r ON r.deal = s.deal AND r.line < s.line
    WHERE s.type = 'deal_split'
    GROUP BY s.line
),
parts AS (
    SELECT s.line, generate_subscripts(s.parts, 1) AS sub, unnest(s.parts) AS part FROM temp.raw AS s
    WHERE s.type = 'deal_split'
),
rows AS (
    SELECT line * 65536 AS seq, line, 0 AS sub, id, type, ts_us, utc_offset, own_day AS day, own_day,
           NULL::BOOLEAN AS won_run,
           CASE WHEN type IN ('settings_changed', 'key_result_set') THEN '{{}}' END AS settings,
           deal, NULL::VARCHAR AS parent, name, owner, account, stage, amount, priority, close_date, text,
           due, period, rate, lead_days, position, kind, "by"
    FROM parsed
    UNION ALL
    SELECT p.line * 65536 + p.sub, p.line, p.sub, e.id, 'split_part', e.ts_us, e.utc_offset, e.own_day,
           e.own_day, NULL, NULL, p.part.deal, e.deal, f.name, f.owner, f.account, f.stage,
           p.part.amount, p.part.priority, coalesce(p.part.close_date, f.close_date), NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, e."by"
    FROM parts AS p JOIN parsed AS e USING (line) LEFT JOIN parents AS f USING (line)
)
SELECT seq, line, sub, id, type, ts_us, utc_offset, day, own_day, won_run, settings, deal, parent,
       name, owner, account, stage,
       CASE WHEN type = 'stage_changed' THEN lag(stage) OVER (
           PARTITION BY deal, type IN ('deal_opened', 'stage_changed', 'split_part') ORDER BY seq) END,
       amount, priority, close_date, text, due, period, rate, lead_days, position, kind, "by"
FROM rows
ORDER BY seq;
"""


def ndjson(path: Path) -> dict:
    import duckdb

    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        con = duckdb.connect(str(Path(scratch) / "floor.duckdb"))
        con.execute(f"CREATE TABLE events AS SELECT * FROM read_ndjson($path, columns = {COLUMNS}, "
                    "format = 'newline_delimited')", {"path": str(path)})
        con.execute("CHECKPOINT")
        seconds = time.perf_counter() - start
        rows = con.execute("SELECT count(*) FROM events").fetchone()[0]
        con.close()
    return {"seconds": seconds, "rows": rows}


def tables(path: Path) -> dict:
    import duckdb

    from queries import sqlfiles

    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        con = duckdb.connect(str(Path(scratch) / "floor.duckdb"))
        con.execute(sqlfiles.sql("schema"))
        con.begin()
        for statement in TABLES.format(columns=COLUMNS).split(";\n")[:-1]:
            con.execute(statement, {"path": str(path)} if "$path" in statement else None)
        con.execute(f"INSERT INTO deal_snapshot {sqlfiles.sql('snapshot_rows')}", {"use_snapshot": True, "t_us": 2**62})
        con.commit()
        con.execute("CHECKPOINT")
        seconds = time.perf_counter() - start
        rows = con.execute("SELECT count(*) FROM ledger_events").fetchone()[0]
        con.close()
    return {"seconds": seconds, "rows": rows}


def json_fold(path: Path) -> dict:
    """The plain fold: every deal's fields as of the last line, the ids seen, nothing checked."""
    start = time.perf_counter()
    deals: dict[str, dict] = {}
    targets: dict[tuple, object] = {}
    ids = set()
    with open(path, encoding="utf-8") as f:
        for text in f:
            event = json.loads(text)
            ids.add(event["id"])
            kind = event["type"]
            if kind == "deal_opened":
                deals[event["deal"]] = event
            elif kind == "deal_split":
                parent = deals[event["deal"]]
                parent["split"] = True
                for part in event["parts"]:
                    deals[part["deal"]] = {**parent, **part, "split": False}
            elif kind == "target_set":
                targets[(event["period"], event.get("owner"))] = event["amount"]
            elif "deal" in event:
                deals[event["deal"]].update((k, v) for k, v in event.items() if k not in ("id", "type"))
    return {"seconds": time.perf_counter() - start, "deals": len(deals), "ids": len(ids)}


def decode(path: Path) -> dict:
    from ledger.events import decode_lines

    start = time.perf_counter()
    events = decode_lines(path.read_bytes())
    return {"seconds": time.perf_counter() - start, "events": len(events)}


FLOORS = {"ndjson": ndjson, "tables": tables, "json_fold": json_fold, "decode": decode}
