"""Copying a ledger between a file and a PostgreSQL ledger table, either way, line for line; a second run copies nothing."""

from __future__ import annotations

import contextlib
import fcntl
import glob
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


def copy_to_file(url: str, path: str | os.PathLike[str]) -> Copied:
    """Append the table's rows that the file lacks, verbatim and in seq order, each with its newline.

    The file must hold the table's first rows, line for line, or nothing (a missing file is made
    whole under a temporary name, then put in place): any other line, or a last line cut off, is
    refused and nothing is written. The lines are appended under the file writer's lock, fsynced
    before success, and cut back on a failed write, as an append is.
    """
    path = Path(path)
    where = postgres.parse_url(url)
    with postgres.connect(where) as conn:
        postgres.require_table(conn, where)
        if not path.exists():
            return Copied(0, _write_new(conn, where, path))
        fd = os.open(path, os.O_RDWR | os.O_APPEND)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with open(fd, "rb", closefd=False) as f:
                already, seq, size = _file_prefix(conn, where, path, f)
            if size < os.fstat(fd).st_size:  # the cut-off start of the next row (a copy killed mid-write): redone
                os.ftruncate(fd, size)
            rows = postgres.read_from(conn, where.table, seq)
            added = _write_rows(fd, rows, path, size)
        finally:
            os.close(fd)
    return Copied(already, added)


def _file_prefix(conn, where: postgres.Where, path: Path, f) -> tuple[int, int, int]:
    """How many of the table's first rows the file holds, the last one's seq, and the bytes they take; LedgerError
    naming the first line that differs, or a file longer than the table. A last line cut off is the start of a
    copy's line killed mid-write when it starts the next row (written again); else it is refused."""
    rows = postgres.read_from(conn, where.table)
    count, seq, size = 0, 0, 0
    for raw in f:
        row = next(rows, None)
        if not raw.endswith(b"\n"):
            if row is not None and row[1].encode("utf-8", errors="surrogateescape").startswith(raw):
                break
            raise LedgerError(f"the last line of {path} (line {count + 1}) was cut off; nothing was copied. Run "
                              f"`dealbook check --ledger {path}` and repair it, or copy into a new file")
        count += 1
        text = raw[:-1].decode("utf-8", errors="surrogateescape")
        if row is None or row[1] != text:
            theirs = f"its row {row[0]} is {quote(row[1])}" if row else f"it holds only {count - 1} row(s)"
            raise LedgerError(f"{path} holds other lines than the table {where}: line {count} is {quote(text)}, "
                              f"{theirs}. Nothing was copied; copy into a new file")
        seq, size = row[0], size + len(raw)
    return count, seq, size


def _write_new(conn, where: postgres.Where, path: Path) -> int:
    """The whole table into a new file, written under a temporary name and linked in place (never over a file)."""
    sweep_stale_temps(path)
    temp = path.with_name(f".{path.name}.copy-{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        try:
            added = _write_rows(fd, postgres.read_from(conn, where.table), path, 0)
        finally:
            os.close(fd)
        try:
            os.link(temp, path)
        except FileExistsError:
            raise LedgerError(f"{path} was made by someone else during the copy; nothing was copied. "
                              "Run the copy again") from None
    finally:
        temp.unlink(missing_ok=True)
    return added


def sweep_stale_temps(path: Path) -> list[Path]:
    """Remove the hidden `.NAME.copy-PID` files that copies into `path` killed before the end left behind (their
    process is gone; a running copy's file is kept); the files removed."""
    removed = []
    for temp in path.parent.glob(f".{glob.escape(path.name)}.copy-*"):
        pid = temp.name.rsplit("-", 1)[1]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
            removed.append(temp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _write_rows(fd: int, rows, path: Path, size_before: int) -> int:
    """Write every row's line and its newline, in blocks, then fsync; cut back to `size_before` on failure."""
    added, block = 0, []
    try:
        for _, text in rows:
            block.append(text.encode("utf-8", errors="surrogateescape") + b"\n")
            added += 1
            if len(block) == COPY_BATCH:
                _write_all(fd, b"".join(block))
                block = []
        if block:
            _write_all(fd, b"".join(block))
        os.fsync(fd)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size_before)
            os.fsync(fd)
        raise LedgerError(f"writing {path} failed ({err.strerror or err}); nothing was copied") from err
    except BaseException:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size_before)
        raise
    return added


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
