"""Shared test helpers: tiny ledgers written line by line."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
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


@contextlib.contextmanager
def cache_held(cache: Path) -> Iterator[None]:
    """Another process holding a DuckDB file open (so its lock) for as long as the block runs."""
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(cache)!r}); "
                               "print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture(scope="session")
def pg_server():
    """One real PostgreSQL server for the whole run (tests/pgserver.py), stopped and deleted at the end."""
    from tests import pgserver

    try:
        server = pgserver.start()
    except pgserver.Unavailable as err:
        print(f"\nno PostgreSQL server for the tests: {err}")
        pytest.skip(f"no PostgreSQL server: {err}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server, request) -> str:
    """The URL of a table of its own for one test (not created: `ledger.postgres.init` does that)."""
    import re
    import uuid

    name = re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:24]
    return pg_server.url(table=f"t_{name}_{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session", autouse=True)
def _no_personal_settings(tmp_path_factory):
    """Every test runs with its own, empty XDG places and config file: a test (or the fuzzer running
    `dealbook config`) never writes the person's ~/.config, and their settings never change a result."""
    import os

    root = tmp_path_factory.mktemp("home")
    saved = {key: os.environ.get(key) for key in ("DEALBOOK_CONFIG", "XDG_CONFIG_HOME", "XDG_DATA_HOME")}
    os.environ["DEALBOOK_CONFIG"] = str(root / "config.toml")
    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    os.environ["XDG_DATA_HOME"] = str(root / "data")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run `dealbook ARGV` in this process: its exit code (argparse's refusals included), stdout, stderr."""
    from tui.cli import main

    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def no_config(tmp_path, monkeypatch):
    """No personal config (decimal mark, name) and no DEALBOOK_LEDGER: what a fresh laptop has."""
    monkeypatch.setenv("DEALBOOK_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("DEALBOOK_LEDGER", raising=False)
