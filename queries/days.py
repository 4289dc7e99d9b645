"""Which local day each loaded row falls on: the SQL that reads it in the ledger's time zone, or in its own offset."""

from __future__ import annotations

import duckdb

from ledger.events import SettingsChanged
from queries import loading


def day_sql(tz: str | None, us: str, own: str) -> str:
    """SQL for the local date of the instant in column `us`: in zone `tz`, else `own` (its own offset)."""
    if tz is None:
        return own
    literal = "'" + tz.replace("'", "''") + "'"  # an IANA name, checked when read; quoted all the same
    return f"CASE WHEN {us} IS NULL THEN NULL ELSE timezone({literal}, make_timestamptz({us}))::DATE END"


def own_day_of(us: str, offset: str = "utc_offset") -> str:
    return f"CASE WHEN {us} IS NULL THEN NULL ELSE make_timestamp({us} + {offset}::BIGINT * 1000000)::DATE END"


def redate(cur: duckdb.DuckDBPyConnection, tz: str | None) -> None:
    """Read every loaded row's day in `tz` (the ledger's new latest time zone), in the open transaction."""
    cur.execute(f"UPDATE ledger_events SET day = {day_sql(tz, 'ts_us', 'own_day')}")
    cur.execute(f"UPDATE deal_snapshot SET last_day = {day_sql(tz, 'last_ts_us', own_day_of('last_ts_us', 'last_offset'))}")


def reread_view(cur: duckdb.DuckDBPyConnection, rows: str, tz: str | None) -> None:
    """This cursor's `events`: the rows of the query `rows`, each day read again in `tz`; the snapshot (whose
    days are the latest calendar's) hidden behind an empty one, so that forecasts fold the rows."""
    cur.execute(f"CREATE OR REPLACE TEMP VIEW events AS SELECT * REPLACE ({day_sql(tz, 'ts_us', 'own_day')} AS day) "
                f"FROM ({rows})")
    cur.execute("CREATE TEMP TABLE IF NOT EXISTS deal_snapshot AS SELECT * FROM main.deal_snapshot LIMIT 0")


def zones_named(cur: duckdb.DuckDBPyConnection) -> list[tuple[int, str | None]]:
    """(ts_us, zone or None) of every settings_changed naming a time zone, in ledger order."""
    named = []
    for ts_us, text in cur.execute(
            "SELECT ts_us, settings FROM ledger_events WHERE type = 'settings_changed' ORDER BY seq").fetchall():
        event = loading.decode_stored(text)
        if isinstance(event, SettingsChanged) and "tz" in event.named():
            named.append((ts_us, event.tz))
    return named
