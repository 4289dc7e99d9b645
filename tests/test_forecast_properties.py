"""Properties: on generated ledgers, the DuckDB engine in queries/ equals the reference fold at random moments."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from ledger.events import encode_event
from tests import reference
from tests.strategies import OWNERS, amounts, ledgers, moments, periods

queries = pytest.importorskip("queries")

SHARE = 1e-12  # chance and coverage are floats (shares); money itself must agree exactly
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def same(a, b) -> bool:
    """Money exactly equal (Decimal: 100.10 == 100.1000); shares within float rounding; None only with None."""
    if a is None or b is None:
        return a is b
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= SHARE * max(1.0, abs(a), abs(b))
    assert isinstance(a, Decimal) and isinstance(b, Decimal), (a, b)
    return a == b


def ledger_today(events: list, as_of: dt.datetime) -> dt.datetime:
    """as_of as the engine reads it without a zone: in the offset of the ledger's last line (UTC when empty)."""
    return as_of.astimezone(events[-1].ts.tzinfo if events else dt.UTC)


@contextlib.contextmanager
def store_of(events: list):
    """The engine's store over a ledger file holding these events."""
    note("ledger:\n" + b"".join(encode_event(e) for e in events).decode())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.jsonl"
        path.write_bytes(b"".join(encode_event(e) for e in events))
        store = queries.Store.open(path, cache=False)  # the cache has tests of its own
        try:
            assert not store.problems, f"the engine refused a generated line: {store.problems[0]}"
            yield store
        finally:
            store.close()


def check_pipeline(store, events: list, as_of: dt.datetime) -> None:
    expected = reference.pipeline(events, as_of)
    table = reference.stage_table([e for e in events if e.ts <= as_of])
    rows = {row.deal: row for row in store.pipeline(as_of)}
    assert set(rows) == set(expected), f"deals in the pipeline at {as_of}"
    for deal_id, want in expected.items():
        row = rows[deal_id]
        differ = {
            field: (getattr(row, field), value) for field, value in want.items()
            if not (same(row.amount, value) if field == "amount" else getattr(row, field) == value)
        }
        assert not differ, f"{deal_id} in the pipeline at {as_of}, (engine, reference): {differ}"
        assert row.stage_kind == table[want["stage"]][2], f"stage kind of {deal_id} at {as_of}"


def check_forecast(store, events: list, period: str, as_of: dt.datetime, owner: str | None, big_at: Decimal | None):
    want = reference.forecast(events, period, as_of, owner=owner, big_at=big_at)
    got = store.forecast(period=period, as_of=as_of, owner=owner, big_at=big_at)
    board = reference.pipeline(events, as_of)
    table = reference.stage_table([e for e in events if e.ts <= as_of])
    where = f"forecast {period} at {as_of} owner={owner} big_at={big_at}"
    note(f"reference {where}: {want}")
    note(f"engine: {got}")

    first, last = reference.period_days(period)
    assert (got.period, got.owner) == (period, owner), where
    today = reference.today_of(events, ledger_today(events, as_of))
    assert got.days_left == max(0, (last - today).days), where
    assert (got.period_start, got.period_end) == (first, last), where
    for field in ("target", "won", "progress", "needed", "chance", "coverage", "big_at"):
        assert same(getattr(got, field), want[field]), f"{field} of {where}"
    assert got.on_track == want["on_track"], where  # exact: needed of 0 is on track, no target never is

    deals = {d.deal: d for d in got.deals}
    assert set(deals) == set(want["deals"]), f"deals listed in {where}"
    for deal_id, (value, counts, big) in want["deals"].items():
        row, fields = deals[deal_id], board[deal_id]
        assert same(row.estimated_value, value), f"estimated value of {deal_id} in {where}"
        assert row.counts == counts, f"counts of {deal_id} in {where}"
        assert row.big == big, f"big of {deal_id} in {where}"
        assert same(row.amount, fields["amount"]), f"amount of {deal_id} in {where}"
        shown = ("name", "owner", "stage", "priority", "account", "close_date", "next_action", "due", "version",
                 "days_since_change")
        assert {f: getattr(row, f) for f in shown} == {f: fields[f] for f in shown}, f"{deal_id} in {where}"
        kind = table[fields["stage"]][2]
        assert (row.stage_kind, row.won_in_period) == (kind, kind == "won"), f"{deal_id} in {where}"

    keys = [(reference.PRIORITY_ORDER[d.priority], -d.estimated_value, d.deal) for d in got.deals]
    assert keys == sorted(keys), f"deal order in {where}: must, should, could; value from largest; then id"
    # exact: a tie is a tie, broken by deal id, and a need covered to the cent promotes nothing more
    assert got.promotions == want["promotions"], f"promotions of {where}"


@PROPERTY_SETTINGS
@given(data=st.data())
def test_engine_matches_reference_at_random_moments(data):
    events = data.draw(ledgers(), label="ledger")
    with store_of(events) as store:
        for _ in range(2):  # opening a store costs more than asking it, so ask it more than once
            as_of = ledger_today(events, data.draw(moments(events), label="as_of"))
            check_pipeline(store, events, as_of)
            check_forecast(store, events, f"{as_of:%Y-%m}", as_of, None, None)
            period = data.draw(periods(events), label="period")
            big_at = data.draw(st.none() | amounts, label="big_at")
            check_forecast(store, events, period, as_of, None, big_at)
            owner = data.draw(st.sampled_from(OWNERS), label="owner")
            check_forecast(store, events, period, as_of, owner, None)


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(data=st.data())
def test_waterfall_adds_up_from_progress_at_start_to_progress_at_end(data):
    events = data.draw(ledgers(), label="ledger")
    start, end = sorted([ledger_today(events, data.draw(moments(events), label=f"t{i}")) for i in (1, 2)])
    period = data.draw(periods(events, end), label="period")
    owner = data.draw(st.none() | st.sampled_from(OWNERS), label="owner")
    with store_of(events) as store:
        changes = store.changes(start, end, period=period, owner=owner)
    note(f"engine: {changes}")
    where = f"changes of {period} from {start} to {end} owner={owner}"
    assert same(changes.start, reference.forecast(events, period, start, owner)["progress"]), where
    assert same(changes.end, reference.forecast(events, period, end, owner)["progress"]), where
    assert same(sum(changes.buckets.values(), Decimal(0)), changes.end - changes.start), where


@settings(PROPERTY_SETTINGS, max_examples=30)
@given(data=st.data())
def test_replay_days_are_the_forecasts_at_each_days_end(data):
    events = data.draw(ledgers(), label="ledger")
    now = ledger_today(events, data.draw(moments(events), label="now"))
    # every day of a replay is read in the calendar in force at its now: the ledger's zone by then, else the
    # offset of the ledger's last line
    named = reference.zone_at(events, now)
    tz = zoneinfo.ZoneInfo(named) if named else now.tzinfo
    period = data.draw(periods(events, now.astimezone(tz)), label="period")
    owner = data.draw(st.none() | st.sampled_from(OWNERS), label="owner")
    with store_of(events) as store:
        replay = store.replay(period, owner, now=now)
    note(f"engine: {replay}")
    first, last = reference.period_days(period)
    today = now.astimezone(tz).date()
    replayed = [first + dt.timedelta(days=i) for i in range((min(last, today) - first).days + 1)]
    assert [day.date for day in replay.days] == replayed
    actual = reference.forecast(events, period, now if today <= last else day_end(last, tz), owner, tz=named)["won"]
    assert same(replay.actual, actual)
    for day in replay.days:
        want = reference.forecast(events, period, day_end(day.date, tz), owner, tz=named)
        where = f"replay of {period} owner={owner}, day {day.date}"
        for field in ("progress", "target", "won", "needed"):
            assert same(getattr(day, field), want[field]), f"{field} of {where}"
        assert same(day.error, want["progress"] - actual), f"error of {where}"


def day_end(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tz)
