"""Each replayed day's probability from the days' shared draws (queries/replay_odds.py): the stated error holds per day."""

from __future__ import annotations

import itertools
from decimal import Decimal as D

import pytest

from queries.odds_of import odds_from
from queries.probability import LEVELS, exact_distribution
from queries import replay_odds
from queries.replay_odds import DaysOdds, spans_of

RATES = [D("0.100000"), D("0.200000"), D("0.400000"), D("0.600000"), D("0.800000")]
WON, TARGET = D("100.0000"), D("7000.0000")


def pipeline_lists() -> dict[str, list]:
    """24 deals with amounts in cents (too many for the exact convolution: each day is simulated) over 3 days:
    deals 0-19 from day 1 (deals 16-19 until day 1 only, as if their lead time ran out), deals 20-23 from
    day 2, deal 5's rate changed on day 3 (a new span), deal 7's note on day 2 (the same amount and rate)."""
    rows = []
    for k in range(20):
        rows.append((f"D{k:02d}", D("512.3400") + 31 * k, RATES[k % 5], 1, 1 if k >= 16 else (2 if k == 5 else 3)))
    rows[7] = ("D07", rows[7][1], rows[7][2], 1, 1)
    rows += [(f"D{k:02d}", D("733.1700") + 17 * k, RATES[k % 5], 2, 3) for k in range(20, 24)]
    rows += [("D05", rows[5][1], D("0.800000"), 3, 3), ("D07", rows[7][1], rows[7][2], 2, 3)]
    rows.sort(key=lambda r: (r[3], r[0]))
    return {"deals": [r[0] for r in rows], "amounts": [r[1] for r in rows], "rates": [r[2] for r in rows],
            "firsts": [r[3] for r in rows], "lasts": [r[4] for r in rows]}


def day_deals(lists, day):
    return [(a, r) for a, r, f, l in zip(lists["amounts"], lists["rates"], lists["firsts"], lists["lasts"])
            if f <= day <= l]


def test_a_deals_spans_join_only_when_they_follow_on_with_the_same_amount_and_rate():
    spans = spans_of(pipeline_lists())
    d07 = [s for s in spans if s.amount == D("512.3400") + 31 * 7]
    assert [(s.first, s.last) for s in d07] == [(1, 3)]  # a note: the same draws carry over
    d05 = [s for s in spans if s.amount == D("512.3400") + 31 * 5]
    assert [(s.first, s.last, s.rate) for s in d05] == [(1, 2, D("0.1")), (3, 3, D("0.8"))]
    assert spans_of(None) == [] and spans_of({"deals": None}) == []


@pytest.mark.parametrize("narrow", [True, False])
def test_every_simulated_day_holds_its_stated_error_against_exact_enumeration(monkeypatch, narrow):
    if not narrow:  # as for totals beyond 2^31 units: a count per lane in an accumulator of its own
        monkeypatch.setattr(replay_odds, "NARROW_LIMIT", 0)
    lists = pipeline_lists()
    truths = []
    for day in (1, 2, 3):
        exact = exact_distribution(WON, day_deals(lists, day), fractions=True)
        cdf = {exact.money(t): float(c) for t, c in zip(exact.totals, itertools.accumulate(exact.weights))}
        truths.append((float(exact.probability_at_least(TARGET)), cdf))
    held = {1: 0, 2: 0, 3: 0}
    seeds = range(120)
    for seed in seeds:
        days = DaysOdds(spans_of(lists), 3, draws=256, seed=seed)
        assert days.narrow == narrow
        for day, (truth, cdf) in zip((1, 2, 3), truths):
            odds = days.odds(day, WON, TARGET)
            assert odds.method == "simulated" and odds.draws == 256 and odds.confidence == 0.95
            ok = abs(odds.probability - truth) <= odds.error
            for level, got in zip(LEVELS, (odds.p10, odds.p50, odds.p90)):
                below = max((c for t, c in cdf.items() if t < got), default=0.0)
                ok &= cdf[got] >= float(level) - odds.error and below < float(level) + odds.error
            held[day] += ok
    assert all(0.05 < truth < 0.95 for truth, _ in truths)  # targets where draws vary
    assert all(count / len(seeds) >= 0.95 for count in held.values()), held


def test_a_day_under_the_exact_budget_is_the_forecasts_own_computation():
    lists = {"deals": ["A", "B", "C"], "amounts": [D("5000.0000"), D("9000.0000"), D("4000.0000")],
             "rates": [D("0.600000"), D("0.800000"), D("1.000000")], "firsts": [1, 1, 2], "lasts": [2, 1, 2]}
    days = DaysOdds(spans_of(lists), 2)
    for day in (1, 2):
        got = days.odds(day, WON, TARGET)
        assert got == odds_from(WON, TARGET, day_deals(lists, day)) and got.method == "exact"


def test_common_draws_move_only_with_the_deals_that_changed():
    lists = pipeline_lists()
    # day 3 against day 2: deal 5's rate went up (0.1 -> 0.8), nothing else changed: it keeps its
    # uniforms, so no draw can lose what it had won, and every percentile can only rise
    days = DaysOdds(spans_of(lists), 3, draws=256, seed=1)
    day1, day2, day3 = (days.odds(day, WON, TARGET) for day in (1, 2, 3))
    assert (day3.p10, day3.p50, day3.p90) >= (day2.p10, day2.p50, day2.p90)
    assert day3.probability >= day2.probability
    assert day1 != day2  # four deals came, four went: the figures moved


def test_the_querys_integer_lists_give_the_same_spans_and_odds_as_decimals():
    lists = pipeline_lists()
    ints = dict(lists, amounts_e4=[int(a * 10_000) for a in lists["amounts"]],
                rates_e6=[int(r * 1_000_000) for r in lists["rates"]])
    del ints["amounts"], ints["rates"]
    by_decimals, by_ints = spans_of(lists), spans_of(ints)
    assert [(s.deal, s.amount, s.rate, s.first, s.last) for s in by_decimals] == [
        (s.deal, s.amount, s.rate, s.first, s.last) for s in by_ints]
    assert by_ints[0].amount == D("512.3400") and str(by_ints[0].rate) == "0.100000"
    a, b = DaysOdds(by_decimals, 3, seed=3), DaysOdds(by_ints, 3, seed=3)
    assert [a.odds(day, WON, TARGET) for day in (1, 2, 3)] == [b.odds(day, WON, TARGET) for day in (1, 2, 3)]


def test_an_amount_or_rate_finer_than_the_ledgers_decimals_is_refused():
    lists = {"deals": ["A"], "amounts": [D("10.00005")], "rates": [D("0.5")], "firsts": [1], "lasts": [1]}
    with pytest.raises(ValueError, match="amount 10.00005 has more than 4 decimals"):
        spans_of(lists)
    with pytest.raises(ValueError, match="rate 0.0000005 has more than 6 decimals"):
        spans_of(dict(lists, amounts=[D("10")], rates=[D("0.0000005")]))


def test_certain_deals_join_the_base_only_while_they_can_close():
    # D-certain (rate 1, 3,000) can close on day 1 only; 25 uncertain deals keep every day simulated
    lists = {"deals": ["C"] + [f"U{k:02d}" for k in range(25)],
             "amounts": [D("3000.0000")] + [D("100.0100") + k for k in range(25)],
             "rates": [D("1.000000")] + [D("0.500000")] * 25, "firsts": [1] * 26, "lasts": [1] + [2] * 25}
    days = DaysOdds(spans_of(lists), 2, draws=256, seed=0)
    day1, day2 = days.odds(1, WON, None), days.odds(2, WON, None)
    assert day1.method == day2.method == "simulated"
    # the same draws of the uncertain deals on both days: the certain deal's 3,000 is the whole difference
    assert (day1.p10 - day2.p10, day1.p50 - day2.p50, day1.p90 - day2.p90) == (D(3000),) * 3


def test_a_replay_through_the_query_hands_over_amounts_to_the_ten_thousandth(tmp_path):
    # amounts to 4 decimals and a stage change mid-month: every day (exact) equals the forecast at its end
    import datetime as dt

    from ledger.events import DealOpened, StageChanged, TargetSet, encode_event
    from queries import Store, end_of_day

    def at(day):
        return dt.datetime(2026, 10, day, 9, tzinfo=dt.timezone(dt.timedelta(hours=7)))

    events = [TargetSet(id="T", ts=at(1), period="2026-10", amount=D("20000.5"))]
    for k, (stage, amount) in enumerate([("quote", "5000.0001"), ("negotiation", "7000.1234"),
                                         ("quote", "3333.3333"), ("negotiation", "9999.9999"),
                                         ("quote", "1234.5678")]):
        events.append(DealOpened(id=f"O-{k}", ts=at(1), deal=f"D-{k}", name=f"deal {k}", owner="lan", stage=stage,
                                 amount=D(amount), priority="should"))
    events += [StageChanged(id="S-2", ts=at(9), deal="D-2", stage="negotiation"),
               StageChanged(id="W-1", ts=at(12), deal="D-1", stage="won")]
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_bytes(b"".join(encode_event(e) for e in events))
    with Store.open(ledger) as store:
        replay = store.replay("2026-10")
        for day in replay.days:
            alone = store.forecast("2026-10", end_of_day(day.date, store.ledger_tz))
            assert day.odds == alone.odds, day.date
    probabilities = [day.odds.probability for day in replay.days]
    assert len(set(probabilities)) > 2  # the odds moved with the deals: not a replay of one constant


def test_the_exact_days_take_numpy_once_their_work_would_have_paid_its_import(monkeypatch):
    from queries import probability

    # 30 deals (exact, dense: a few hundred thousand updates) over 4 days, fewer each day
    lists = {"deals": [f"E{k:02d}" for k in range(30)], "amounts": [D(1000 + 7 * k) for k in range(30)],
             "rates": [RATES[k % 5] for k in range(30)], "firsts": [1] * 30, "lasts": [1 + k % 4 for k in range(30)]}
    monkeypatch.setattr(probability, "_numpy_if_imported", lambda: None)  # pure Python throughout
    days = DaysOdds(spans_of(lists), 4)
    by_lists = [days.odds(day, WON, TARGET) for day in (1, 2, 3, 4)]
    assert {o.method for o in by_lists} == {"exact"}
    monkeypatch.undo()
    asked = []
    monkeypatch.setattr(replay_odds, "use_numpy", lambda: asked.append(days.day) or probability.use_numpy())
    work = [probability.exact_work(day_deals(lists, day)) for day in (1, 2, 3, 4)]
    assert work[0] >= probability.NUMPY_MIN_WORK
    monkeypatch.setattr(replay_odds, "IMPORT_WORK", work[0] + work[1] // 2)  # paid for on day 2
    days = DaysOdds(spans_of(lists), 4)
    assert [days.odds(day, WON, TARGET) for day in (1, 2, 3, 4)] == by_lists  # the same odds, to the last bit
    assert asked == [2]  # once, the day the work passed the import's


def test_the_handovers_scales_are_the_caches_decimals(tmp_path):
    # replay_days.sql hands amounts over x 10,000 and rates x 1,000,000 as integers: exact only while the
    # cache keeps them at 4 and 6 decimals (a finer scale would be rounded by the cast, silently)
    from pathlib import Path

    from queries import Store

    sample = tmp_path / "sample.jsonl"
    sample.write_bytes((Path(__file__).resolve().parents[1] / "sample_events.jsonl").read_bytes())
    with Store.open(sample) as store, store.cursor() as cur:
        types = dict(cur.execute(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE column_name IN ('amount', 'rate') "
            "AND table_name IN ('ledger_events', 'deal_snapshot', 'default_stages')"
        ).fetchall())
    scale = f"DECIMAL(18,{replay_odds.AMOUNT_SCALE})", f"DECIMAL(7,{replay_odds.RATE_SCALE})"
    assert types == {"ledger_events.amount": scale[0], "deal_snapshot.amount": scale[0], "ledger_events.rate": scale[1],
                     "default_stages.rate": scale[1]}
