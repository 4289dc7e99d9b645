"""Shared test helpers: tiny ledgers written line by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TS = "2026-10-01T08:00:00+07:00"


def line(type_: str, id_: str, ts: str = TS, **fields: object) -> str:
    return json.dumps({"id": id_, "ts": ts, "type": type_, **fields})


def opened(id_: str, deal: str, ts: str = TS, **fields: object) -> str:
    base = {"name": f"Deal {deal}", "owner": "lan", "stage": "quote", "amount": 5000, "priority": "must"}
    return line("deal_opened", id_, ts, deal=deal, **{**base, **fields})


@pytest.fixture
def write_ledger(tmp_path: Path):
    """Write lines (str, each given its newline) or raw bytes to a fresh ledger file."""

    def write(*lines: str | bytes, name: str = "ledger.jsonl") -> Path:
        path = tmp_path / name
        path.write_bytes(b"".join(x if isinstance(x, bytes) else x.encode() + b"\n" for x in lines))
        return path

    return write
