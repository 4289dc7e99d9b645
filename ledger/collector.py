"""Python's cyclic garbage collector, paused while a large fold is made, then back without walking it."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


def collector_back() -> None:
    """The cyclic collector on again, every object first moved to its oldest generation without a walk
    (gc.freeze, then gc.unfreeze): its first run would otherwise walk every object made while it was off,
    0.13-0.2 s after a check or a first load at 1M. Nothing stays frozen, so cycles are collected as ever."""
    gc.freeze()
    gc.unfreeze()
    gc.enable()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block, then as it was. A fold makes no cycles, but its growing deals set
    off collections that walk them again and again (10% of a check at 1M)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            collector_back()
