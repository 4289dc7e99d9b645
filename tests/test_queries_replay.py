"""Replay of a period: the forecast at the end of each day, against what was actually won."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ledger.events import DealOpened, StageChanged, TargetSet, encode_event
from queries import Store

ICT = dt.timezone(dt.timedelta(hours=7))


def at(day: int, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, 9, tzinfo=ICT)


def month_of_deals(target: Decimal | int) -> list:
    """D-1 (quote 5k) moves on day 8 and is won on day 20; D-2 (negotiation 5k) opens on 15, is lost on 22."""
    return [
        TargetSet(id="T", ts=at(1), period="2026-10", amount=target),
        DealOpened(id="O1", ts=at(1), deal="D-1", name="one", owner="lan", stage="quote", amount=5_000,
                   priority="must"),
        StageChanged(id="S1", ts=at(8), deal="D-1", stage="negotiation"),
        DealOpened(id="O2", ts=at(15), deal="D-2", name="two", owner="minh", stage="negotiation", amount=5_000,
                   priority="must"),
        StageChanged(id="S2", ts=at(20), deal="D-1", stage="won"),
        StageChanged(id="S3", ts=at(22), deal="D-2", stage="lost"),
    ]


@pytest.fixture
def store_of(tmp_path):
    stores = []

    def make(events):
        path = tmp_path / f"l{len(stores)}.jsonl"
        path.write_bytes(b"".join(encode_event(e) for e in events))
        stores.append(Store.open(path))
        return stores[-1]

    yield make
    for store in stores:
        store.close()


EXPECTED = [3_000] * 7 + [4_000] * 7 + [8_000] * 5 + [9_000] * 2 + [5_000] * 10


def test_a_finished_month_replayed_day_by_day(store_of):
    replay = store_of(month_of_deals(10_000)).replay("2026-10", now=at(5, 11))
    assert [d.date for d in replay.days] == [dt.date(2026, 10, n) for n in range(1, 32)]
    assert [d.progress for d in replay.days] == pytest.approx(EXPECTED)
    assert (replay.actual, replay.target) == (5_000, 10_000)
    assert [d.error for d in replay.days] == pytest.approx([p - 5_000 for p in EXPECTED])
    assert [d.needed for d in replay.days] == pytest.approx([10_000 - p for p in EXPECTED])
    assert replay.days[0].chance == pytest.approx(0.3)
    marks = [(c.day, c.date, round(c.error), c.share, c.verdict) for c in replay.checkpoints]
    assert marks == [(7, dt.date(2026, 10, 7), -2_000, pytest.approx(-0.4), "low"),
                     (14, dt.date(2026, 10, 14), -1_000, pytest.approx(-0.2), "low"),
                     (21, dt.date(2026, 10, 21), 4_000, pytest.approx(0.8), "high")]
    assert replay.first_visible == dt.date(2026, 10, 1)  # never on track, and it was not made


def test_first_visible_is_the_first_day_the_verdict_held_to_the_end(store_of):
    replay = store_of(month_of_deals(5_000)).replay("2026-10", now=at(5, 11))
    assert replay.first_visible == dt.date(2026, 10, 15)
    late = store_of(month_of_deals(Decimal("5000.01"))).replay("2026-10", now=at(5, 11))
    assert late.first_visible == dt.date(2026, 10, 22)  # from the 22nd every day says "missed", as it was


def test_a_month_under_way_is_replayed_to_today_against_what_is_won_so_far(store_of):
    replay = store_of(month_of_deals(10_000)).replay("2026-10", now=at(21))
    assert len(replay.days) == 21 and replay.actual == 5_000
    assert [c.day for c in replay.checkpoints] == [7, 14, 21]
    early = store_of(month_of_deals(10_000)).replay("2026-10", now=at(6))
    assert len(early.days) == 6 and early.checkpoints == [] and early.actual == 0
    assert early.days[-1].error == pytest.approx(3_000) and early.days[-1].chance == pytest.approx(0.3)


def test_a_month_not_started_has_no_days(store_of):
    replay = store_of(month_of_deals(10_000)).replay("2026-11", now=at(5, 11))
    assert len(replay.days) == 5
    assert store_of(month_of_deals(10_000)).replay("2026-12", now=at(5, 11)).days == []


def test_an_owner_replay_and_exact_checkpoints(store_of):
    replay = store_of(month_of_deals(10_000)).replay("2026-10", owner="minh", now=at(5, 11))
    assert replay.actual == 0 and replay.target is None
    assert [d.progress for d in replay.days][13:22] == pytest.approx([0] + [4_000] * 7 + [0])
    assert [(c.verdict, c.share) for c in replay.checkpoints] == [("exact", None), ("exact", None), ("high", None)]


def test_days_end_in_the_offset_of_the_ledgers_last_line(store_of):
    late = dt.datetime(2026, 10, 3, 20, tzinfo=dt.timezone.utc)  # Oct 4, 03:00 in ICT
    events = [DealOpened(id="O", ts=at(1), deal="D-1", name="one", owner="lan", stage="quote", amount=1_000,
                         priority="must"),
              StageChanged(id="S", ts=late, deal="D-1", stage="won")]
    replay = store_of(events).replay("2026-10", now=at(5, 11))
    assert [d.won for d in replay.days[:4]] == [0, 0, 1_000, 1_000]  # the last line is in UTC
