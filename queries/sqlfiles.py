"""The SQL of the queries: files in queries/sql, fragments pulled in by `-- @include NAME` lines."""

from __future__ import annotations

import functools
import hashlib
import re
from importlib import resources
from typing import Any

import duckdb

_INCLUDE = re.compile(r"^[ \t]*-- @include (\w+)[ \t]*$", re.MULTILINE)
_PARAM = re.compile(r"\$(\w+)")
_COMMENT = re.compile(r"--[^\n]*")


@functools.cache
def sql(name: str) -> str:
    """The statement in `sql/NAME.sql`, with its fragments spliced in where they are included."""
    text = resources.files("queries").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")
    return _INCLUDE.sub(lambda match: sql(match.group(1)), text)


@functools.cache
def param_names(name: str) -> frozenset[str]:
    """The named parameters ($name) the statement uses."""
    return frozenset(_PARAM.findall(_COMMENT.sub("", sql(name))))


def run(cur: duckdb.DuckDBPyConnection, name: str, **values: Any) -> duckdb.DuckDBPyConnection:
    """Execute `sql/NAME.sql` on the cursor with the named parameters it uses (others are ignored)."""
    wanted = param_names(name)
    missing = wanted - values.keys()
    if missing:
        raise TypeError(f"{name}.sql needs parameters {sorted(missing)}")
    return cur.execute(sql(name), {key: values[key] for key in wanted})


def fingerprint() -> str:
    """A hash of every SQL file: a cache built by other SQL is rebuilt, never trusted."""
    digest = hashlib.sha256()
    folder = resources.files("queries").joinpath("sql")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
    return digest.hexdigest()
