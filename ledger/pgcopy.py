"""Copying a ledger file into a PostgreSQL ledger table, line for line; a second run copies nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ledger import postgres
from ledger.problems import LedgerError, quote
from ledger.reader import read_ledger

COPY_BATCH = 5000  # lines per transaction: a copy cut short leaves a prefix, and the next run goes on from it


@dataclass(frozen=True)
class Copied:
    """What a copy did: the lines already in the table, and the lines it added."""

    already: int
    added: int


def file_lines(path: Path) -> list[str]:
    """The file's complete lines, verbatim, once the ledger's checks pass; LedgerError naming the first problem."""
    ledger = read_ledger(path, keep_events=False)
    if ledger.problems or ledger.cut_tail:
        first = ledger.problems[0] if ledger.problems else None
        where = f"first {first.path}:{first.line}: {first.reason}" if first else "its last line was cut off"
        raise LedgerError(f"{path} has problems ({where}); nothing was copied. Run `dealbook check --ledger {path}`, "
                          "repair the file, then copy it")
    with open(path, "rb") as f:
        data = f.read(ledger.end_offset)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise LedgerError(f"{path} is not UTF-8 at byte {err.start}; nothing was copied") from None
    return text.split("\n")[:-1] if text else []


def copy_to_table(path: str | os.PathLike[str], url: str) -> Copied:
    """Append the file's lines that the table lacks; refuse a table holding lines the file does not start with."""
    path = Path(path)
    where = postgres.parse_url(url)
    lines = file_lines(path)
    with postgres.connect(where) as conn:
        postgres.require_table(conn, where)
        already, seq = _common_prefix(conn, where, path, lines)
        added = 0
        for start in range(already, len(lines), COPY_BATCH):
            batch = lines[start:start + COPY_BATCH]
            result = postgres.append_lines(conn, where.table, seq, batch, _nothing_new(where))
            seq = result.seqs[-1]
            added += 0 if result.repeated else len(batch)
    return Copied(already, added)


def _common_prefix(conn, where: postgres.Where, path: Path, lines: list[str]) -> tuple[int, int]:
    """How many of the file's first lines the table holds, and the seq of the last; LedgerError on any other line."""
    count, seq = 0, 0
    for seq, text in postgres.read_from(conn, where.table):
        if count >= len(lines) or text != lines[count]:
            theirs = f"line {count + 1} of {path} is {quote(lines[count])}" if count < len(lines) else \
                f"{path} has only {len(lines)} line(s)"
            raise LedgerError(f"the table {where} holds other lines than {path}: its row {seq} is {quote(text)}, "
                              f"{theirs}. Nothing was copied; copy into a new table (dealbook init URL?table=NEW)")
        count += 1
    return count, seq


def _nothing_new(where: postgres.Where):
    def check(new_rows: list[postgres.Row]) -> None:
        if new_rows:
            raise LedgerError(f"someone appended to {where} during the copy (row {new_rows[0][0]}); the copy "
                              "stopped there: the table now holds lines the file does not have")
    return check
