"""The benchmark's floors (scripts/bench_floors.py) still build what they claim on a small ledger: a floor that
broke with the cache's schema would leave the benchmark without its comparison."""

from __future__ import annotations

from pathlib import Path

from ledger import read_ledger
from queries import Store
from scripts import bench_floors
from scripts.gen_big_ledger import generate


def test_each_floor_reads_every_line_of_a_generated_ledger(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    generate(path, 6000, open_deals=300, seed=3)  # splits among its events (tests/test_resume_heads.py)
    read = read_ledger(path)
    assert read.ok
    parts = sum(len(getattr(event, "parts", ())) for event in read.events)
    assert parts > 0
    with Store.open(path, cache=False) as store, store.cursor() as cur:
        stored = cur.execute("SELECT count(*) FROM ledger_events").fetchone()[0]
    assert bench_floors.tables(path)["rows"] == stored == len(read.events) + parts
    assert bench_floors.ndjson(path)["rows"] == len(read.events)
    assert bench_floors.decode(path)["events"] == len(read.events)
    assert bench_floors.json_fold(path)["ids"] == len(read.events)
