"""Proving a file still starts with the bytes read before: a prefix's xxh3-128, kept to go on from; its last line."""

from __future__ import annotations

import os
from dataclasses import dataclass

import xxhash


@dataclass(frozen=True)
class Proven:
    """A prefix of the file whose hash was checked: where it ends, the hash state there, its last line."""

    file: tuple[int, int]
    end: int
    digest: xxhash.xxh3_128
    last_line: bytes


BLOCK = 4 * 1024 * 1024


def hash_into(digest: xxhash.xxh3_128, fd: int, at: int, end: int) -> None:
    """Feed the file's bytes at .. end to the digest, a block at a time."""
    while at < end:
        block = os.pread(fd, min(BLOCK, end - at), at)
        if not block:
            break
        digest.update(block)
        at += len(block)


def last_line(fd: int, end: int) -> bytes:
    """The complete line ending at byte `end` (read backwards in small steps)."""
    if end == 0:
        return b""
    start = max(0, end - 4096)
    chunk = os.pread(fd, end - start, start)
    cut = chunk.rfind(b"\n", 0, len(chunk) - 1)
    if cut < 0 and start > 0:
        chunk = os.pread(fd, end, 0)
        cut = chunk.rfind(b"\n", 0, len(chunk) - 1)
    return chunk[cut + 1:]
