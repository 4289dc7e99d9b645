"""What a loaded ledger says of itself, for the queries and the screens: its refused lines, its calendar at
any moment, its settings, key results and facts, each read from the cache and kept until a refresh loads
more lines (queries/store.py, whose Store inherits it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from ledger import Calendar, LedgerState, Problem
from ledger.calendar import UTC, zone
from queries import days, facts, loading
from queries.facts import LedgerFacts, ledger_facts
from queries.moments import epoch_us


class Loaded:
    """The Store's figures of the ledger as loaded. It gives them its connection and cursors (`_con`,
    `cursor`), its lock, its coverage and last row, the zone its days are read in (`_day_tz`), and the
    slots these are kept in (`_zones`, `_base`, `_facts`)."""

    @property
    def problems(self) -> list[Problem]:
        """Every line the reader refused, the covered ones and a cut-off last line."""
        return self._coverage.problems + self._tail_problems

    @property
    def cut_off(self) -> Problem | None:
        """A last line without its newline (a write cut off), which the next append sets aside."""
        return self._tail_problems[0] if self._tail_problems else None

    @property
    def events_loaded(self) -> int:
        with self.cursor() as cur:
            return cur.execute("SELECT count(*) FROM events WHERE sub = 0").fetchone()[0]

    @property
    def last_offset(self) -> dt.timezone:
        """The offset of the ledger's last line (version 1's calendar reads today in it); UTC when empty."""
        if self._last is None:
            return UTC
        return dt.timezone(dt.timedelta(seconds=self._last[2]))

    @property
    def ledger_tz(self) -> dt.tzinfo:
        """Where the ledger's days are read now: its time zone, else the offset of its last line."""
        return zone(self._day_tz) if self._day_tz else self.last_offset

    @property
    def time_zone(self) -> str | None:
        """The ledger's IANA time zone (its latest settings_changed naming one), or None."""
        return self._day_tz

    def calendar_at(self, moment: dt.datetime) -> Calendar:
        """The calendar in force at the moment: the latest time zone named by then (ledger-format.md)."""
        with self._lock:
            key = (self._coverage.covered, self._coverage.next_line)
            if self._zones is None or self._zones[0] != key:
                with self._con.cursor() as cur:
                    named = days.zones_named(cur)
                self._zones = (key, named)
            zones = self._zones[1]
        at = epoch_us(moment)
        tz = None
        for ts_us, name in zones:
            if ts_us > at:
                break
            tz = name if isinstance(name, str) else None
        return Calendar(tz, self.last_offset)

    def key_results(self) -> dict[tuple[str, str, str | None], Any]:
        """Every key result in force: (quarter, key, owner) -> its latest key_result_set."""
        with self._lock, self.cursor() as cur:
            return dict(self._resume_base(cur).key_results)

    def settings(self) -> dict[str, object]:
        """The ledger's settings now (tz, currency, order_value, big_at): those set and not reset."""
        with self._lock, self.cursor() as cur:
            return dict(self._resume_base(cur).settings)

    @staticmethod
    def _last_row(cur: duckdb.DuckDBPyConnection) -> tuple[int, int, int] | None:
        # An aggregate rather than ORDER BY seq DESC LIMIT 1: the what-if work saw DuckDB 2.0.0 answer that
        # with no row after a rebuild in the same process (not reproduced since; the two are equivalent).
        row = cur.execute("SELECT max(seq), arg_max(ts_us, seq), arg_max(utc_offset, seq) FROM ledger_events").fetchone()
        return None if row is None or row[0] is None else row

    def _resume_base(self, cur: duckdb.DuckDBPyConnection) -> LedgerState:
        """loading.resume_base for the lines loaded, kept until a refresh loads more (call under the lock)."""
        key = (self._coverage.covered, self._coverage.next_line)
        if self._base is None or self._base[0] != key:
            self._base = (key, loading.resume_base(cur))
        return self._base[1]

    def facts(self) -> LedgerFacts:
        """The months, owners, stage table, targets and parked deals of the ledger as loaded (kept until
        a refresh loads more)."""
        with self._lock:
            key = (self._coverage.covered, self._coverage.next_line)
            cached = self._facts
            if cached is None or cached[0] != key:
                with self.cursor() as cur:
                    cached = self._facts = (key, ledger_facts(cur, self._resume_base(cur)))
            return cached[1]

    def deal_ids(self) -> frozenset[str]:
        """Every deal id used so far (split parents included)."""
        with self.cursor() as cur:
            return facts.deal_ids(cur)
