"""Hostile ledger lines: unknown fields nested deep, keys given twice, a byte order mark."""

from __future__ import annotations

import pytest

from conftest import line, opened
from ledger import read_ledger
from ledger.jsonscan import NotJson, key_given_twice, scan
from tui.cli import main

DEEP = 5000


def deep_note(id_: str = "n1", depth: int = DEEP, **fields: object) -> bytes:
    head = line("note_added", id_, deal="D-1", text="call back", **fields)[:-1]
    return (head + ',"extra":').encode() + b'[{"k":' * depth + b"1" + b"}]" * depth + b"}\n"


@pytest.mark.parametrize("command", [["check"], ["log"], ["forecast", "--as-of", "2026-10-02"],
                                     ["replay", "--period", "2026-10"], ["note", "D-1", "again"]])
def test_an_unknown_field_nested_deep_is_kept_and_ignored(write_ledger, command, capsys):
    path = write_ledger(opened("e1", "D-1"), deep_note())
    assert main(["--ledger", str(path), *command]) == 0
    out = capsys.readouterr().out
    if command == ["log"]:
        assert "next action: call back" in out


def test_the_reader_accepts_the_deep_line_on_both_paths(write_ledger):
    good = write_ledger(opened("e1", "D-1"), deep_note())
    read = read_ledger(good)
    assert read.ok and [e.id for e in read.events] == ["e1", "n1"]
    broken = write_ledger(opened("e1", "D-1"), "not json", deep_note(), name="broken.jsonl")
    read = read_ledger(broken)  # the line-by-line path
    assert [p.line for p in read.problems] == [2] and [e.id for e in read.events] == ["e1", "n1"]


def test_a_deep_line_that_is_not_json_is_said_with_its_line(write_ledger):
    path = write_ledger(opened("e1", "D-1"), deep_note()[:-3] + b"\n")
    read = read_ledger(path)
    assert [(p.line, p.reason.split(":")[0]) for p in read.problems] == [(2, "not valid JSON")]


def test_a_deep_scenario_file_is_tried(write_ledger, tmp_path, capsys):
    path = write_ledger(opened("e1", "D-1"))
    scenario = tmp_path / "s.jsonl"
    scenario.write_bytes(b'{"type":"priority_changed","deal":"D-1","priority":"could","x":'
                         + b"[" * DEEP + b"]" * DEEP + b"}\n")
    assert main(["--ledger", str(path), "whatif", "--as-of", "2026-10-02", "--scenario", str(scenario)]) == 0
    assert "could" in capsys.readouterr().out


@pytest.mark.parametrize("raw, key", [
    (b'{"a":1,"a":2}', "a"), (b'{"a": {"b": 1, "b": 1}}', "b"), (b'[{"x":1},{"x":1,"y":{"x":2,"x":3}}]', "x"),
    (b'{"a":1,"b":2}', None), (b'{"a": 100.10}', None), (b'{"a":[{"a":1}],"b":{"a":1}}', None),
])
def test_a_key_given_twice_is_found_however_the_line_is_written(raw, key):
    assert key_given_twice(raw) == key
    assert scan(raw)[1] == key


def test_the_scanner_refuses_what_is_not_json():
    for raw in (b"", b"{", b'{"a":1,}', b'{"a" 1}', b"[1 2]", b"{}x", b'{"a":tru}', b'"\x01"'):
        with pytest.raises(NotJson):
            scan(raw)


def test_a_key_given_twice_in_a_line_is_a_problem_and_the_line_is_not_accepted(write_ledger, capsys):
    twice = '{"id":"e2","ts":"2026-10-01T08:00:00+07:00","type":"amount_changed","deal":"D-1","amount":1,"amount":9}'
    path = write_ledger(opened("e1", "D-1"), twice, opened("e3", "D-2"))
    read = read_ledger(path)
    assert [e.id for e in read.events] == ["e1", "e3"]
    assert [(p.line, "'amount' is given twice" in p.reason) for p in read.problems] == [(2, True)]
    assert main(["--ledger", str(path), "check"]) == 1
    assert f"{path}:2: the key 'amount' is given twice" in capsys.readouterr().out
    nested = write_ledger(opened("e1", "D-1", extra={"k": 1, "k2": 2}).replace('"k2"', '"k"'), name="n.jsonl")
    assert [p.line for p in read_ledger(nested).problems] == [1]


def test_a_key_given_twice_is_found_on_the_line_by_line_path_too(write_ledger):
    twice = '{"id":"e2","ts":"2026-10-01T08:00:00+07:00","type":"amount_changed","deal":"D-1","amount":1,"amount":9}'
    path = write_ledger(opened("e1", "D-1"), "{bad", twice)
    assert [p.line for p in read_ledger(path).problems] == [2, 3]


def test_a_byte_order_mark_is_named(write_ledger, capsys):
    path = write_ledger(b"\xef\xbb\xbf" + opened("e1", "D-1").encode() + b"\n", opened("e2", "D-2"))
    assert main(["--ledger", str(path), "check"]) == 1
    out = capsys.readouterr().out
    assert f"{path}:1: the file starts with a UTF-8 byte order mark; save it without BOM" in out
    assert "byte 0" not in out
