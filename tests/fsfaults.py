"""Real filesystem faults for tests: a tiny tmpfs to fill to the brim, a read-only mount, an immutable file."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _run_or_skip(command: list[str], why: str) -> None:
    """Run a set-up command; where this machine does not allow it, skip the test and say why."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"{why} ({done.stderr.strip() or 'it failed'})")


@contextlib.contextmanager
def tmpfs(where: Path, size: str = "1m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at `where` (skipped, with the reason, where mounting is not allowed)."""
    where.mkdir(parents=True, exist_ok=True)
    _run_or_skip(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                 "cannot mount a tmpfs here: needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def read_only(where: Path) -> None:
    """Remount the tmpfs at `where` read-only: even root cannot write there."""
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True, capture_output=True)


def fill(where: Path, leave: int = 0) -> Path:
    """Fill the filesystem at `where` to the brim, then free `leave` bytes (rounded to pages)."""
    filler = where / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError as err:
            assert err.errno == errno.ENOSPC
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[Path]:
    """chattr +i: a file nobody, root included, may change (skipped where chattr cannot)."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    _run_or_skip(["chattr", "+i", str(path)], "chattr +i is not allowed here")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
