"""Garbage in: each bad line is reported with its number and a reason, and nothing else escapes."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import read_ledger
from tests.conftest import opened

CORPUS = Path(__file__).parent / "corpus" / "nasty_lines.jsonl"
GOOD = (opened("e1", "D-1") + "\n").encode()


def test_every_nasty_line_of_the_corpus_is_reported(tmp_path):
    nasty = CORPUS.read_bytes().split(b"\n")[:-1]
    path = tmp_path / "l.jsonl"
    path.write_bytes(GOOD + b"".join(line + b"\n" for line in nasty))
    result = read_ledger(path)
    assert [p.line for p in result.problems] == list(range(2, len(nasty) + 2))
    for problem in result.problems:
        assert problem.reason and len(problem.text) <= 120
        assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in str(problem).replace("\n    ", ""))
    assert len(result.events) == 1


json_ish = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.binary(max_size=200) | json_ish.map(lambda v: __import__("json").dumps(v).encode()),
                      min_size=1, max_size=8))
def test_random_lines_never_escape_as_exceptions(tmp_path, lines):
    path = tmp_path / "fuzz.jsonl"
    lines = [line.replace(b"\n", b" ") for line in lines]
    path.write_bytes(GOOD + b"".join(line + b"\n" for line in lines))
    result = read_ledger(path)
    reported = {p.line for p in result.problems}
    accepted = set(result.lines)
    assert reported | accepted == set(range(1, len(lines) + 2))
    assert not reported & accepted
