"""A load's progress as the board and the commands tell it: from the first of its pieces to the last."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]  # (bytes read, bytes to read): what queries.Store.open(progress=...) calls


def from_the_first_piece(tell: Progress) -> Progress:
    """`tell`, called for a load in several pieces (a large ledger's first open) after each of them, the last
    included; a load in one piece, as nearly all are, tells nothing. Called from the thread that loads."""
    telling = False

    def progress(done: int, total: int) -> None:
        nonlocal telling
        if done < total or telling:
            telling = done < total
            tell(done, total)

    return progress
