"""The event ids a ledger has used, each with its line: a set to check the next ones, the lines kept by block."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping

_PART = 256  # ids looked up then added in parts, while their places in the (large) set are in the CPU's cache


class Ids(MutableMapping[str, int]):
    """A mapping of event id -> the line it was first used on, read as a dict is.

    A reader adds a block of ids at a time (`add_block`): they go into a set, and the block keeps them
    in order beside its first line, so that no line number is made or stored per id. At a million ids
    the set's checks and adds cost a third of a dict's (the dict's entries lead to each key's text to
    compare hashes; the set holds the hashes). A line is only looked for when a duplicate is refused:
    the first time, every id's line is put in a dict, which later ids then go into too.
    """

    __slots__ = ("_all", "_segments", "_lines")

    def __init__(self, lines: Mapping[str, int] | Iterable[tuple[str, int]] = ()) -> None:
        self._all: set[str] = set()
        # in the order added: [first line, ids (None where taken back)] of a block, or a dict of ids added one by one
        self._segments: list[list | dict[str, int]] = []
        self._lines: dict[str, int] | None = None  # every id's line, once one was asked for
        self.update(lines)

    def __contains__(self, key: object) -> bool:
        return key in self._all

    def __len__(self) -> int:
        return len(self._all)

    def __iter__(self) -> Iterator[str]:
        for segment in self._segments:
            if isinstance(segment, dict):
                yield from segment
            else:
                yield from (key for key in segment[1] if key is not None)

    def __getitem__(self, key: str) -> int:
        if key not in self._all:
            raise KeyError(key)
        if self._lines is None:
            lines: dict[str, int] = {}
            for segment in self._segments:
                if isinstance(segment, dict):
                    lines.update(segment)
                else:
                    first, keys = segment
                    lines.update((k, first + i) for i, k in enumerate(keys) if k is not None)
            self._lines = lines
        return self._lines[key]

    def __setitem__(self, key: str, line: int) -> None:
        if key in self._all:  # where it is, as a dict keeps a key's place (a reader never sets one twice)
            at = self._segment_of(key)
            segment = self._segments[at]
            if not isinstance(segment, dict):
                first, keys = segment
                segment = self._segments[at] = {k: first + i for i, k in enumerate(keys) if k is not None}
            segment[key] = line
        else:
            self._all.add(key)
            last = self._segments[-1] if self._segments else None
            if isinstance(last, dict):
                last[key] = line
            else:
                self._segments.append({key: line})
        if self._lines is not None:
            self._lines[key] = line

    def _segment_of(self, key: str) -> int:
        for at in range(len(self._segments) - 1, -1, -1):  # the latest first: what is asked for is nearly always there
            segment = self._segments[at]
            if key in (segment if isinstance(segment, dict) else segment[1]):
                return at
        raise KeyError(key)

    def __delitem__(self, key: str) -> None:
        if key not in self._all:
            raise KeyError(key)
        self._all.discard(key)
        if self._lines is not None:
            del self._lines[key]
        segment = self._segments[self._segment_of(key)]
        if isinstance(segment, dict):
            del segment[key]
        else:
            keys = segment[1]
            keys[keys.index(key)] = None  # ids differ within a block: the one place

    def __repr__(self) -> str:
        return f"Ids({dict(self.items())!r})"

    def add_block(self, ids: list[str], first_line: int) -> bool:
        """Add ids, the i-th used on line first_line + i, if none is known yet nor given twice; else change
        nothing and say False."""
        known = self._all
        for at in range(0, len(ids), _PART):
            part = ids[at:at + _PART]
            size = len(known)
            if not known.isdisjoint(part):
                known.difference_update(ids[:at])
                return False
            known.update(part)
            if len(known) - size < len(part):  # one given twice within the part (none of it was known)
                known.difference_update(ids[:at + _PART])
                return False
        self._segments.append([first_line, list(ids)])
        if self._lines is not None:
            self._lines.update(zip(ids, range(first_line, first_line + len(ids))))
        return True

    def take_back(self, indexes: Iterable[int]) -> None:
        """Remove these ids of the last block added (by their index in it): their lines were refused."""
        last = self._segments[-1]
        assert isinstance(last, list), "take_back follows add_block"
        keys = last[1]
        for i in indexes:
            key = keys[i]
            keys[i] = None
            self._all.discard(key)
            if self._lines is not None:
                del self._lines[key]
