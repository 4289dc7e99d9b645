"""The table's lines made on demand (rows.Rows) are the lines a plain grouping makes, heading for heading."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from queries import Store
from tui.board.rows import GROUPS, SORTS, RowStyles, build_rows, widths_for
from tui.board.why import slipped, slipped_count

SAMPLE = Path(__file__).resolve().parent.parent / "sample_events.jsonl"
TODAY = dt.date(2026, 10, 20)


@pytest.fixture(scope="module")
def forecast():
    with Store.open(SAMPLE, cache=False) as store:
        return store.forecast("2026-10", store.as_of("2026-10-20"))


def plain_grouping(deals, sort, reverse):
    key = SORTS[sort][1]
    lines = []
    for priority, _ in GROUPS:
        group = [d for d in deals if d.priority == priority]
        if key is not None:
            group.sort(key=key, reverse=reverse)
        elif reverse:
            group.reverse()
        lines += [f"group:{priority}", *(d.deal for d in group)]
    return lines


@pytest.mark.parametrize("sort", [0, 1, 5])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("needle", ["", "lan"])
def test_rows_are_the_plain_grouping(forecast, sort, reverse, needle):
    promotions = [d.deal for d in forecast.deals[::3]]
    rows = build_rows(forecast, TODAY, needle, sort, {}, promotions, widths_for(160), RowStyles(), reverse)
    deals = [d for d in forecast.deals if not needle or needle in d.owner]
    expected = plain_grouping(deals, sort, reverse)
    assert [row.key for row in rows] == expected and len(rows) == len(expected)
    assert [rows[i].key for i in range(-len(rows), 0)] == expected
    assert rows.deal_count == len(deals) and [d.deal for d in rows.deals()] == [k for k in expected if "group:" not in k]
    for index, key in enumerate(expected):
        row = rows[index]
        assert row is rows[index]  # made once
        if key.startswith("group:"):
            assert row.deal is None and rows.index_of(key) is None
        else:
            assert row.deal.deal == key and rows.index_of(key) == index and row.promote == (key in promotions)
            assert row.cells[0].plain.strip() == key
    assert rows.first_deal() == next(i for i, k in enumerate(expected) if not k.startswith("group:"))
    with pytest.raises(IndexError):
        rows[len(rows)]


def test_slipped_count_counts_what_slipped_says(forecast):
    for day in (dt.date(2026, 9, 1), TODAY, dt.date(2026, 12, 31)):
        assert slipped_count(forecast.deals, day) == sum(1 for d in forecast.deals if slipped(d, day))
    assert slipped_count(forecast.deals, dt.date(2026, 12, 31)) > 0
