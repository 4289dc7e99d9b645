"""`dealbook verify` finds a line changed, removed, inserted or reordered since the last verify, and names it."""

import pytest

from ledger.seal import seal_file, verify
from tests.conftest import opened
from tui.cli import main

LINES = [opened(f"e{i}", f"D-{i}") for i in range(1, 7)]


def rewrite(path, lines):
    path.write_text("".join(x + "\n" for x in lines))


@pytest.fixture
def sealed(write_ledger):
    path = write_ledger(*LINES)
    first = verify(path)
    assert first.ok and first.sealed == 6 and first.checked == 0
    return path


@pytest.mark.parametrize("edit, expected", [
    (lambda ls: ls[:2] + [ls[2].replace("5000", "5001")] + ls[3:], ":3: line 3 was changed"),
    (lambda ls: ls[:2] + ls[3:], ":3: the line sealed as line 3 was removed"),
    (lambda ls: ls[:3] + [ls[4], ls[3]] + ls[5:], ":4: lines 4 and 5 were swapped"),
    (lambda ls: ls[:1] + [opened("x", "D-x")] + ls[1:], ":2: a line was inserted here"),
    (lambda ls: ls[:4], ":5: lines 5 to 6 were removed from the end"),
])
def test_each_tampering_is_found_and_located(sealed, edit, expected):
    seal_before = seal_file(sealed).read_bytes()
    rewrite(sealed, edit(LINES))
    result = verify(sealed)
    assert not result.ok and expected in result.findings[0]
    assert seal_file(sealed).read_bytes() == seal_before  # the evidence is kept


def test_appended_lines_are_sealed_on_the_next_verify(sealed):
    with open(sealed, "a") as f:
        f.write(opened("e7", "D-7") + "\n")
    result = verify(sealed)
    assert result.ok and result.checked == 6 and result.sealed == 1
    rewrite(sealed, LINES + [opened("e7", "D-7").replace("lan", "sam")])
    assert "line 7 was changed" in verify(sealed).findings[0]


def test_verify_command(sealed, capsys):
    assert main(["verify", "--ledger", str(sealed)]) == 0
    assert "ok: 6 lines match the last verify; sealed 0 new lines" in capsys.readouterr().out
    rewrite(sealed, LINES[1:])
    assert main(["verify", "--ledger", str(sealed)]) == 1
    assert f"{sealed}:1: the line sealed as line 1 was removed" in capsys.readouterr().out
