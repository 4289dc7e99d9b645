"""Properties: on generated ledgers, the DuckDB engine in queries/ equals the reference fold at random moments."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from ledger.events import encode_event
from tests import reference
from tests.strategies import OWNERS, amounts, ledgers, moments, periods

queries = pytest.importorskip("queries")

CENT = 0.005  # two implementations agree to within half a cent (docs/forecast-rules.md)
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= CENT + 1e-9 * max(abs(a), abs(b))


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
            if not (close(row.amount, value) if field == "amount" else getattr(row, field) == value)
        }
        assert not differ, f"{deal_id} in the pipeline at {as_of}, (engine, reference): {differ}"
        assert row.stage_kind == table[want["stage"]][2], f"stage kind of {deal_id} at {as_of}"


def in_board_order(a: tuple[int, float, str], b: tuple[int, float, str]) -> bool:
    """Must, should, could; then estimated value from largest; then id (values within half a cent may go either way)."""
    if a[0] != b[0]:
        return a[0] < b[0]
    if a[1] != b[1]:
        return a[1] < b[1] or abs(a[1] - b[1]) <= CENT
    return a[2] < b[2]


def promotions_are_ambiguous(want: dict, candidates: list[tuple[int, float, str]]) -> bool:
    """Whether float noise within half a cent could change the promotions: a near tie, or a sum at the edge."""
    if abs(want["needed"]) <= CENT:
        return True
    ordered = sorted(candidates)
    near_tie = any(
        a[0] == b[0] and 0 < abs(a[1] - b[1]) <= CENT for a, b in zip(ordered, ordered[1:])
    )
    covered = 0
    for _, minus_value, _ in ordered:
        covered -= minus_value
        near_tie = near_tie or abs(covered - want["needed"]) <= CENT
    return near_tie


def check_forecast(store, events: list, period: str, as_of: dt.datetime, owner: str | None, big_at: float | None):
    want = reference.forecast(events, period, as_of, owner=owner, big_at=big_at)
    got = store.forecast(period=period, as_of=as_of, owner=owner, big_at=big_at)
    board = reference.pipeline(events, as_of)
    table = reference.stage_table([e for e in events if e.ts <= as_of])
    where = f"forecast {period} at {as_of} owner={owner} big_at={big_at}"
    note(f"reference {where}: {want}")
    note(f"engine: {got}")

    first, last = reference.period_days(period)
    assert (got.period, got.owner) == (period, owner), where
    assert got.days_left == max(0, (last - as_of.date()).days), where
    assert (got.period_start, got.period_end) == (first, last), where
    for field in ("target", "won", "progress", "needed", "chance", "coverage"):
        assert close(getattr(got, field), want[field]), f"{field} of {where}"
    if abs(want["needed"]) > CENT:
        assert got.on_track == want["on_track"], where

    deals = {d.deal: d for d in got.deals}
    assert set(deals) == set(want["deals"]), f"deals listed in {where}"
    for deal_id, (value, counts, big) in want["deals"].items():
        row, fields = deals[deal_id], board[deal_id]
        assert close(row.estimated_value, value), f"estimated value of {deal_id} in {where}"
        assert row.counts == counts, f"counts of {deal_id} in {where}"
        if not 0 < abs(fields["amount"] - want["big_at"]) <= CENT:  # a threshold off by float noise may go either way
            assert row.big == big, f"big of {deal_id} in {where}"
        assert close(row.amount, fields["amount"]), f"amount of {deal_id} in {where}"
        shown = ("name", "owner", "stage", "priority", "account", "close_date", "next_action", "due", "version",
                 "days_since_change")
        assert {f: getattr(row, f) for f in shown} == {f: fields[f] for f in shown}, f"{deal_id} in {where}"
        kind = table[fields["stage"]][2]
        assert (row.stage_kind, row.won_in_period) == (kind, kind == "won"), f"{deal_id} in {where}"

    keys = [(reference.PRIORITY_ORDER[d.priority], -d.estimated_value, d.deal) for d in got.deals]
    for a, b in zip(keys, keys[1:]):
        assert in_board_order(a, b), f"deal order in {where}: {a[2]} before {b[2]}"

    if got.promotions != want["promotions"]:
        candidates = [
            (reference.PRIORITY_ORDER[board[d]["priority"]], -value, d)
            for d, (value, counts, _) in want["deals"].items()
            if counts and board[d]["priority"] != "must"
        ]
        assert promotions_are_ambiguous(want, candidates), (
            f"promotions of {where}: engine {got.promotions}, reference {want['promotions']}"
        )


@PROPERTY_SETTINGS
@given(data=st.data())
def test_engine_matches_reference_at_random_moments(data):
    events = data.draw(ledgers(), label="ledger")
    with store_of(events) as store:
        for _ in range(2):  # opening a store costs more than asking it, so ask it more than once
            as_of = data.draw(moments(events), label="as_of")
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
    start, end = sorted([data.draw(moments(events), label="t1"), data.draw(moments(events), label="t2")])
    period = data.draw(periods(events, end), label="period")
    owner = data.draw(st.none() | st.sampled_from(OWNERS), label="owner")
    with store_of(events) as store:
        changes = store.changes(start, end, period=period, owner=owner)
    note(f"engine: {changes}")
    where = f"changes of {period} from {start} to {end} owner={owner}"
    assert close(changes.start, reference.forecast(events, period, start, owner)["progress"]), where
    assert close(changes.end, reference.forecast(events, period, end, owner)["progress"]), where
    assert close(sum(changes.buckets.values()), changes.end - changes.start), where


@settings(PROPERTY_SETTINGS, max_examples=30)
@given(data=st.data())
def test_replay_days_are_the_forecasts_at_each_days_end(data):
    events = data.draw(ledgers(), label="ledger")
    assume(events)  # an empty ledger's days end in the machine's offset
    tz = events[-1].ts.tzinfo  # days end in the offset of the ledger's last line
    # now in that offset too: whether "today" is read in now's offset or the ledger's is not settled
    now = data.draw(moments(events), label="now").astimezone(tz)
    period = data.draw(periods(events, now), label="period")
    owner = data.draw(st.none() | st.sampled_from(OWNERS), label="owner")
    with store_of(events) as store:
        replay = store.replay(period, owner, now=now)
    note(f"engine: {replay}")
    first, last = reference.period_days(period)
    replayed = [first + dt.timedelta(days=i) for i in range((min(last, now.date()) - first).days + 1)]
    assert [day.date for day in replay.days] == replayed
    actual = reference.forecast(events, period, now if now.date() <= last else day_end(last, tz), owner)["won"]
    assert close(replay.actual, actual)
    for day in replay.days:
        want = reference.forecast(events, period, day_end(day.date, tz), owner)
        where = f"replay of {period} owner={owner}, day {day.date}"
        for field in ("progress", "target", "won"):
            assert close(getattr(day, field), want[field]), f"{field} of {where}"
        assert close(day.error, want["progress"] - actual), f"error of {where}"


def day_end(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tz)
