"""How much of the ledger file the cache holds, and the proof that it is still that file's bytes."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypeVar

import duckdb
import msgspec
import xxhash

from ledger import Problem

TAIL_BYTES = 64 * 1024  # the covered bytes re-hashed on every open, whatever changed
_BLOCK = 4 * 1024 * 1024
_EMPTY_SHA256 = hashlib.sha256().hexdigest()
_EMPTY_PREFIX = xxhash.xxh3_128().hexdigest()


@dataclass
class Coverage:
    """The covered prefix of the ledger: its length, its hashes, and the file it was read from.

    Every open hashes the whole covered prefix again (xxh3-128, a non-cryptographic hash that runs
    near memory speed: scripts/bench_hash.py measures it) and only a match lets the cache stand and
    new lines be added: a same-length edit in the middle with its mtime put back is seen. A shorter
    file or another hash means the ledger was edited or replaced: rebuild. Later refreshes of an
    open Store (the board's, each second) trust the file's identity (device, inode, size, mtime)
    and the sha256 of the prefix's last 64 KiB, which the writer also checks under its lock.
    """

    covered: int = 0  # bytes of complete lines loaded
    next_line: int = 1
    prefix_hash: str = _EMPTY_PREFIX  # xxh3-128 of the covered bytes
    tail_sha256: str = _EMPTY_SHA256
    identity: list[int] = field(default_factory=list)  # st_dev, st_ino, st_size, st_mtime_ns
    problems: list[Problem] = field(default_factory=list)  # of the covered lines


class _StoredProblem(msgspec.Struct, array_like=True):
    path: str
    line: int
    reason: str
    text: str


def identity(stat: os.stat_result) -> list[int]:
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns]


def tail_digest(f: BinaryIO, covered: int) -> str:
    """The sha256 of the last TAIL_BYTES of the covered prefix."""
    start = max(0, covered - TAIL_BYTES)
    f.seek(start)
    return hashlib.sha256(f.read(covered - start)).hexdigest()


def hash_range(f: BinaryIO, start: int, end: int, digest: Any = None) -> Any:
    """Feed bytes [start, end) of the file to the digest (a new xxh3-128 when none)."""
    digest = digest if digest is not None else xxhash.xxh3_128()
    f.seek(start)
    left = end - start
    while left > 0:
        block = f.read(min(_BLOCK, left))
        if not block:
            break
        digest.update(block)
        left -= len(block)
    return digest


def read_meta(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(cur.execute("SELECT key, value FROM cache_meta").fetchall())


def coverage_from(meta: dict[str, str]) -> Coverage:
    """The coverage recorded in the cache (an empty one when there is none or it cannot be read)."""
    try:
        return Coverage(
            covered=int(meta["covered"]),
            next_line=int(meta["next_line"]),
            prefix_hash=meta["prefix_hash"],
            tail_sha256=meta["tail_sha256"],
            identity=msgspec.json.decode(meta["identity"], type=list[int]),
            problems=[Problem(p.path, p.line, p.reason, p.text)
                      for p in msgspec.json.decode(meta["problems"], type=list[_StoredProblem])],
        )
    except (KeyError, ValueError, msgspec.DecodeError):
        return Coverage()


def write_meta(cur: duckdb.DuckDBPyConnection, engine: str, coverage: Coverage) -> None:
    problems = [_StoredProblem(p.path, p.line, p.reason, p.text) for p in coverage.problems]
    values = {
        "engine": engine,
        "covered": str(coverage.covered),
        "next_line": str(coverage.next_line),
        "prefix_hash": coverage.prefix_hash,
        "tail_sha256": coverage.tail_sha256,
        "identity": msgspec.json.encode(coverage.identity).decode(),
        "problems": msgspec.json.encode(problems).decode(),
    }
    # one statement: executemany costs a statement per row (~30 ms of every refresh)
    rows = ", ".join("(?, ?)" for _ in values)
    cur.execute(f"INSERT OR REPLACE INTO cache_meta VALUES {rows}", [x for item in values.items() for x in item])


class _Cached(Protocol):
    cache_path: Path | None

    def close(self) -> None: ...


S = TypeVar("S", bound=_Cached)


@contextlib.contextmanager
def as_source(cache_file: Path, open_store: Callable[[], S]) -> Iterator[S | None]:
    """A Store on an existing cache file, unrefreshed, as a writer's source of its fold; None when there is
    no cache file, it cannot be opened, or another process holds it (the Store would then work in memory).
    The cache is only a shortcut: an append never fails for it."""
    if not cache_file.exists():
        yield None
        return
    try:
        store = open_store()
    except Exception:  # noqa: BLE001 - see above
        yield None
        return
    try:
        yield store if store.cache_path is not None else None
    finally:
        store.close()
