"""quick_odds: the count of uncertain deals alone rules out an exact convolution only when it truly costs too much."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from queries.probability import exact_work
from tests.test_odds_of import ledger  # noqa: F401  (the fixture)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
rates = st.sampled_from([Decimal("0.1"), Decimal("0.25"), Decimal("0.5"), Decimal("0.9"), Decimal("0"), Decimal("1")])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(amounts, rates), max_size=60))
def test_the_bound_never_exceeds_the_work(deals):
    uncertain = sum(1 for amount, rate in deals if amount and 0 < rate < 1)
    assert uncertain * (uncertain + 3) // 2 <= exact_work(deals)


def test_the_bound_is_the_work_of_deals_of_one_unit():
    for n in (1, 10, 630, 631):
        assert exact_work([(Decimal(7), Decimal("0.5"))] * n) == n * (n + 3) // 2


def test_a_large_pipeline_reads_no_rate_back(ledger, monkeypatch):  # noqa: F811
    import msgspec

    from queries import Store, odds_of

    with Store.open(ledger) as store:
        small = store.forecast("2026-10", "2026-10-12")
    deal = small.deals[-1]
    many = [msgspec.structs.replace(deal, deal=f"X-{i}", amount=Decimal(7), estimated_value=Decimal("3.5"),
                                    counts=True, stage_kind="open") for i in range(640)]
    large = msgspec.structs.replace(small, deals=small.deals + many)
    assert odds_of.quick_odds(small) == small.odds  # exact and cheap: the engine's own figures
    monkeypatch.setattr(odds_of, "rate_of", lambda d: (_ for _ in ()).throw(AssertionError("a rate was read")))
    assert odds_of.quick_odds(large) is None
