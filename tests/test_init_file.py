"""`dealbook init FILE`: a new ledger from flags or questions; a refusal writes nothing."""

import argparse
import json
from decimal import Decimal

import pytest

from ledger import read_ledger
from ledger.stages import board_order
from tui.cli import initfile, main


def lines(path):
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_flags_start_a_ledger_that_checks_clean(tmp_path, capsys):
    path = tmp_path / "team.jsonl"
    code = main(["init", str(path), "--tz", "Europe/Paris", "--currency", "eur", "--stage", "discovery:0.1:60",
                 "--stage", "signed:1:0:won", "--target", "2026-12:60k", "--by", "lan"])
    assert code == 0
    got = lines(path)
    assert [x["type"] for x in got] == ["settings_changed", "stage_defined", "stage_defined", "target_set"]
    assert got[0]["tz"] == "Europe/Paris" and got[0]["currency"] == "EUR"
    assert (got[1]["stage"], got[1]["position"], got[1]["lead_days"]) == ("discovery", 1, 60)
    assert (got[2]["stage"], got[2]["kind"], got[2]["position"]) == ("signed", "won", 2)
    assert (got[3]["period"], got[3]["amount"]) == ("2026-12", 60000)
    assert {x["by"] for x in got} == {"lan"}
    assert got[1]["ts"].endswith(("+01:00", "+02:00"))  # stamped in the zone just set
    state = read_ledger(path).state
    assert state.tz == "Europe/Paris" and state.stages["signed"].kind == "won"
    assert state.targets[("2026-12", None)] == Decimal(60000)
    assert board_order(state.stages)[0] == "discovery"
    out = capsys.readouterr().out
    assert "started the ledger" in out and "n opens a deal" in out


def test_a_bare_target_is_this_month_in_the_zone(tmp_path):
    path = tmp_path / "t.jsonl"
    assert main(["init", str(path), "--tz", "Asia/Ho_Chi_Minh", "--target", "5k", "--no-input"]) == 0
    got = lines(path)
    assert got[-1]["type"] == "target_set"
    assert got[-1]["period"] == got[-1]["ts"][:7]  # the month of the day it was written, in that zone


def test_an_existing_ledger_is_refused_untouched(tmp_path, capsys):
    path = tmp_path / "team.jsonl"
    path.write_text('{"x": 1}\n')
    assert main(["init", str(path), "--tz", "UTC"]) == 1
    assert path.read_text() == '{"x": 1}\n'
    assert "already holds a ledger" in capsys.readouterr().err


@pytest.mark.parametrize("bad", [["--stage", "demo:0.3"], ["--stage", "demo:2:3"], ["--stage", "demo:0.3:x"],
                                 ["--stage", "demo:0.3:3:closed"], ["--stage", "a:0.1:1", "--stage", "a:0.2:2"],
                                 ["--target", "2026-13:5k"], ["--target", "lots"]])
def test_a_bad_option_writes_no_file(tmp_path, capsys, bad):
    path = tmp_path / "team.jsonl"
    assert main(["init", str(path), "--no-input", *bad]) in (1, 2)
    assert not path.exists()
    assert capsys.readouterr().err.strip()


@pytest.mark.parametrize("bad", [["--tz", "Mars/Olympus"], ["--currency", "dollars"]])
def test_a_bad_zone_or_currency_is_a_usage_error(tmp_path, bad):
    path = tmp_path / "team.jsonl"
    with pytest.raises(SystemExit) as exit_:
        main(["init", str(path), *bad])
    assert exit_.value.code == 2 and not path.exists()


def args_for(path, **given):
    base = dict(target=str(path), tz=None, currency=None, stages=None, target_amount=None, no_input=False, by="lan")
    return argparse.Namespace(**{**base, **given})


def test_questions_fill_what_the_flags_left_out_and_ask_again_after_a_wrong_answer(tmp_path, capsys):
    path = tmp_path / "team.jsonl"
    answers = iter(["Mars/Olympus", "Asia/Ho_Chi_Minh", "vnd", "demo:0.3:25 close:0.8:5", "2026-12:1.2m"])
    asked = []

    def ask(prompt):
        asked.append(prompt)
        return next(answers)

    assert initfile.run(args_for(path), ask=ask) == 0
    assert len(asked) == 5 and "Time zone" in asked[0] and asked[0] == asked[1]  # asked again
    got = lines(path)
    assert got[0]["tz"] == "Asia/Ho_Chi_Minh" and got[0]["currency"] == "VND"
    assert [x.get("stage") for x in got[1:3]] == ["demo", "close"]
    assert got[3]["amount"] == 1200000
    assert "unknown time zone 'Mars/Olympus'" in capsys.readouterr().out


def test_questions_skip_what_a_flag_gave_and_empty_answers_leave_things_unset(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "")
    monkeypatch.setattr(initfile, "system_zone", lambda: None)
    path = tmp_path / "team.jsonl"
    asked = []

    def ask(prompt):
        asked.append(prompt)
        return ""

    assert initfile.run(args_for(path, currency="USD"), ask=ask) == 0
    assert not any("Currency" in q for q in asked) and len(asked) == 3
    got = lines(path)
    assert got == [{**got[0], "type": "settings_changed", "currency": "USD"}]
    assert "tz" not in got[0]


def test_the_end_of_input_mid_questions_writes_nothing(tmp_path):
    path = tmp_path / "team.jsonl"
    answers = iter(["UTC"])

    def ask(prompt):
        return next(answers) if "zone" in prompt else (_ for _ in ()).throw(EOFError())

    with pytest.raises(Exception, match="nothing was written"):
        initfile.run(args_for(path), ask=ask)
    assert not path.exists()


def test_an_empty_ledger_with_no_input_is_an_empty_file(tmp_path):
    path = tmp_path / "empty.jsonl"
    assert main(["init", str(path), "--no-input"]) == 0
    assert path.exists() and path.read_text() == ""
    assert main(["--ledger", str(path), "check"]) == 0


def test_a_url_with_file_options_is_refused_before_connecting(capsys):
    assert main(["init", "postgresql://nobody@localhost/none?table=t", "--tz", "UTC"]) == 1
    assert "start a ledger file" in capsys.readouterr().err
