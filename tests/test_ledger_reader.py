"""Every rule of docs/ledger-format.md is applied on read, and every problem is reported in one pass."""

import pytest

from ledger import read_ledger
from tests.conftest import line, opened

GOOD = [line("target_set", "t1", period="2026-10", amount=20000), opened("e1", "D-1")]


@pytest.mark.parametrize("bad, reason", [
    ("not json at all", "not valid JSON"),
    ("[1, 2]", "not a JSON object"),
    ('"a string"', "not a JSON object"),
    ('{"id":"x","ts":"2026-10-01T08:00:00+07:00"}', "missing field `type`"),
    (line("deal_won", "x", deal="D-1"), "unknown event type 'deal_won'"),
    ('{"id":"x","ts":"2026-10-01T08:00:00+07:00","type":["a"]}', "unknown event type"),
    (line("stage_changed", "x", deal="D-1"), "missing required field `stage`"),
    (line("amount_changed", "x", deal="D-1", amount="5000"), "Expected `number`, got `str`"),
    (line("amount_changed", "x", deal="D-1", amount=-5), ">= 0"),
    (line("stage_changed", "e1", deal="D-1", stage="won"), "duplicate id 'e1' (first used on line 2)"),
    (line("stage_changed", "x", ts="2026-09-30T23:00:00+07:00", deal="D-1", stage="won"), "earlier than the line before"),
    (line("stage_changed", "x", deal="D-1", stage="signed"), "unknown stage 'signed'"),
    (opened("x", "D-1"), "deal 'D-1' is opened twice (first on line 2)"),
    (opened("x", "D-2", stage="signed"), "unknown stage 'signed'"),
    (line("note_added", "x", deal="D-404", text="hi"), "deal 'D-404' was never opened"),
    (line("deal_split", "x", deal="D-1", parts=[{"deal": "D-1", "amount": 1, "priority": "must"}]),
     "split part 'D-1' is not a new deal id"),
    ("", "empty line"),
])
def test_each_rule_is_reported_with_file_and_line(write_ledger, bad, reason):
    path = write_ledger(*GOOD, bad)
    result = read_ledger(path)
    assert len(result.problems) == 1, result.problems
    problem = result.problems[0]
    assert problem.line == 3 and reason in problem.reason
    assert str(problem).startswith(f"{path}:3: ")
    assert len(result.events) == 2  # the bad line is reported, not applied


def test_an_event_for_a_split_deal_is_refused(write_ledger):
    split = line("deal_split", "s", deal="D-1", parts=[{"deal": "D-1a", "amount": 1, "priority": "must"}])
    path = write_ledger(*GOOD, split, line("stage_changed", "x", deal="D-1", stage="won"),
                        line("stage_changed", "y", deal="D-1a", stage="won"))
    problems = read_ledger(path).problems
    assert [(p.line, p.reason) for p in problems] == [
        (4, "deal 'D-1' was split on line 3 and takes no more events")]


def test_invalid_utf8_is_reported(write_ledger):
    path = write_ledger(*GOOD, b'{"id":"x","name":"\xff\xfe"}\n')
    [problem] = read_ledger(path).problems
    assert problem.line == 3 and "not valid UTF-8" in problem.reason
    assert "\\xff" in problem.text


def test_every_problem_in_one_pass(write_ledger):
    path = write_ledger("garbage", *GOOD, "[]", line("note_added", "n", deal="D-9", text="x"), opened("e1", "D-5"))
    assert [p.line for p in read_ledger(path).problems] == [1, 4, 5, 6]


def test_the_quoted_line_is_short_and_inert(write_ledger):
    path = write_ledger(*GOOD, "\x1b[31m" + "x" * 500)
    [problem] = read_ledger(path).problems
    assert "\x1b" not in str(problem) and "\\x1b[31m" in problem.text
    assert len(problem.text) <= 120


def test_a_cut_off_last_line_is_reported_as_such(write_ledger):
    path = write_ledger(*GOOD, opened("e2", "D-2").encode()[:30])
    result = read_ledger(path)
    [problem] = result.problems
    assert problem.line == 3 and "cut off" in problem.reason
    assert result.cut_tail and len(result.events) == 2


def test_reading_resumes_where_it_stopped(write_ledger):
    path = write_ledger(*GOOD)
    first = read_ledger(path)
    with open(path, "a") as f:
        f.write(line("stage_changed", "m", deal="D-1", stage="won") + "\n")
    more = read_ledger(path, start_offset=first.end_offset, start_line=first.next_line, state=first.state)
    assert more.lines == [3] and not more.problems
    assert more.state.deals["D-1"].stage == "won" and more.state.deals["D-1"].version == 2


def test_a_valid_ledger_has_no_problems_and_the_right_state(write_ledger):
    path = write_ledger(*GOOD, line("deal_split", "s", deal="D-1", parts=[
        {"deal": "D-1a", "amount": 1000, "priority": "must"},
        {"deal": "D-1b", "amount": 4000, "priority": "should", "close_date": "2026-11-30"}]))
    result = read_ledger(path)
    assert result.ok
    assert [d.deal for d in result.state.live_deals()] == ["D-1a", "D-1b"]
    assert result.state.deals["D-1b"].stage == "quote" and result.state.deals["D-1b"].owner == "lan"
