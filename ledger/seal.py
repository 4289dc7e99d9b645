"""Tamper evidence: a digest per line kept beside the ledger, so a changed, removed or reordered line is found."""

from __future__ import annotations

import fcntl
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ledger.problems import LedgerError

DIGEST = 16  # bytes of BLAKE2b per line: 16 MB of seal for a million lines


def seal_file(path: Path) -> Path:
    return path.with_name(path.name + ".dealbook-seal")


def digest(line: bytes) -> bytes:
    return hashlib.blake2b(line, digest_size=DIGEST).digest()


@dataclass
class Verified:
    """What `verify` found: the lines that still match their seal, and what no longer does."""

    checked: int = 0  # lines that match the seal of the last verify
    sealed: int = 0  # new lines sealed by this verify
    findings: list[str] = field(default_factory=list)  # each names the line

    @property
    def ok(self) -> bool:
        return not self.findings


def verify(path: str | os.PathLike[str], *, seal_new: bool = True) -> Verified:
    """Compare every complete line with its digest from the last verify; then seal the lines added since.

    Nothing is sealed when anything differs, so the evidence stays until a person looks. Two verifies
    never interleave (each holds the ledger's lock, as a writer does), and the seal is replaced whole
    (a temporary file, fsync, rename): it is the old seal or the new one, never a mix. `sealed` counts
    only what is durably written; a seal that cannot be written raises OSError, the old one intact.
    """
    path = Path(path)
    with open(path, "rb") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # released when the file is closed
        data = f.read()
        return _verify_locked(path, data, seal_new)


def _verify_locked(path: Path, data: bytes, seal_new: bool) -> Verified:
    # Lines end at b"\n" only: a raw CR inside a line is JSON whitespace, not a line's end.
    lines = data[: data.rfind(b"\n") + 1].split(b"\n")[:-1]
    sealed = _read_seal(seal_file(path))
    result = Verified()
    now = [digest(line + b"\n") for line in lines]
    for number, (was, is_) in enumerate(zip(sealed, now), start=1):
        if was != is_:
            result.findings.append(_explain(number, sealed, now, path))
            return result
        result.checked = number
    if len(lines) < len(sealed):
        result.findings.append(
            f"{path}:{len(lines) + 1}: lines {len(lines) + 1} to {len(sealed)} were removed from the end "
            "since the last verify (the ledger was truncated)"
        )
        return result
    fresh = now[len(sealed):]
    if seal_new and fresh:
        try:
            _write_seal(seal_file(path), sealed + fresh)
        except OSError as err:
            raise LedgerError(
                f"cannot write the seal {seal_file(path)}: {err.strerror or err}. {len(sealed):,} line(s) match "
                f"the last verify; the {len(fresh):,} new line(s) were NOT sealed and the old seal is intact. "
                "Free some space (or fix the permissions), then run `dealbook verify` again."
            ) from None
        result.sealed = len(fresh)
    return result


def _explain(number: int, sealed: list[bytes], now: list[bytes], path: Path) -> str:
    i = number - 1
    where = f"{path}:{number}"
    if i + 1 < len(now) and i + 1 < len(sealed) and now[i] == sealed[i + 1] and now[i + 1] == sealed[i]:
        return f"{where}: lines {number} and {number + 1} were swapped since the last verify"
    if i + 1 < len(sealed) and now[i] == sealed[i + 1]:
        return f"{where}: the line sealed as line {number} was removed since the last verify"
    if i + 1 < len(now) and now[i + 1] == sealed[i]:
        return f"{where}: a line was inserted here since the last verify"
    return f"{where}: line {number} was changed since the last verify"


def _read_seal(path: Path) -> list[bytes]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    whole = len(raw) - len(raw) % DIGEST  # a seal cut short by a crash keeps its whole digests
    return [raw[i: i + DIGEST] for i in range(0, whole, DIGEST)]


def _write_seal(path: Path, digests: list[bytes]) -> None:
    """Replace the seal whole and durably; on any failure the old seal stays as it was."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            data = memoryview(b"".join(digests))
            while data:
                data = data[os.write(fd, data):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
