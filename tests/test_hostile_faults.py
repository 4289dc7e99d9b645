"""Real file system faults: each is said as a sentence (what, where, what to do), never a traceback."""

from __future__ import annotations

import pytest

from conftest import opened, line
from fsfaults import fill, immutable, read_only, tmpfs
from queries import cache_path_for
from tui.cli import main

LINES = [line("target_set", "t1", period="2026-10", amount=10000), opened("e1", "D-1"), opened("e2", "D-2")]
FORECAST = ["forecast", "--as-of", "2026-10-02", "--json"]


def say(capsys) -> tuple[str, str]:
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return out.out, out.err


def test_a_truncated_cache_is_rebuilt_and_says_so(write_ledger, capsys):
    path = write_ledger(*LINES)
    assert main(["--ledger", str(path), *FORECAST]) == 0
    say(capsys)
    cache = cache_path_for(path)
    assert main(["--ledger", str(path), "note", "D-1", "call"]) == 0  # the cache is now behind by a line
    say(capsys)
    assert main(["--ledger", str(path), *FORECAST]) == 0
    good, _ = say(capsys)
    whole = cache.read_bytes()
    notes = []
    for cut in range(4096, len(whole), len(whole) // 8):  # cut short at eight places: each open must be right
        cache.write_bytes(whole[:cut])
        assert main(["--ledger", str(path), *FORECAST]) == 0
        out, err = say(capsys)
        assert out == good
        notes.append(err)
        assert main(["--ledger", str(path), *FORECAST]) == 0
        assert say(capsys) == (good, "")  # healed: the next open uses the cache quietly
        cache.write_bytes(whole)
    assert any("could not be read" in note and "rebuilt" in note for note in notes)


def test_a_directory_in_the_caches_place_means_working_from_memory(write_ledger, capsys):
    path = write_ledger(*LINES)
    cache_path_for(path).mkdir()
    assert main(["--ledger", str(path), *FORECAST]) == 0
    out, err = say(capsys)
    assert '"target":10000' in out and "working from memory" in err
    assert cache_path_for(path).is_dir()  # nothing of the user's was removed


def test_a_read_only_directory(tmp_path, capsys):
    with tmpfs(tmp_path / "ro") as mnt:
        path = mnt / "ledger.jsonl"
        path.write_text("".join(x + "\n" for x in LINES))
        read_only(mnt)
        assert main(["--ledger", str(path), *FORECAST]) == 0
        out, err = say(capsys)
        assert '"target":10000' in out and "working from memory" in err
        assert main(["--ledger", str(path), "note", "D-1", "call"]) == 1
        _, err = say(capsys)
        assert f"cannot use {path}: Read-only file system" in err and "copy the ledger to a writable place" in err
        assert main(["--ledger", str(path), "verify"]) == 1
        _, err = say(capsys)
        assert "cannot write the seal" in err and "NOT sealed" in err
        assert main(["--ledger", str(path), "check"]) == 0


def test_an_immutable_ledger(write_ledger, capsys):
    path = write_ledger(*LINES)
    with immutable(path):
        assert main(["--ledger", str(path), "note", "D-1", "call"]) == 1
        _, err = say(capsys)
        assert f"cannot use {path}: Operation not permitted" in err and "immutable" in err
        assert main(["--ledger", str(path), *FORECAST]) == 0
        say(capsys)
    assert path.read_text() == "".join(x + "\n" for x in LINES)


def test_a_full_disk(tmp_path, capsys):
    with tmpfs(tmp_path / "full", size="256k") as mnt:
        path = mnt / "ledger.jsonl"
        path.write_text("".join(x + "\n" for x in LINES) + opened("e3", "D-3")[:30])  # a cut-off last line
        before = path.read_bytes()
        fill(mnt)
        # no room for a cache: from memory; exit 3, the figures rest on a ledger with a cut-off last line
        assert main(["--ledger", str(path), *FORECAST]) == 3
        out, err = say(capsys)
        assert '"target":10000' in out and "working from memory" in err
        assert main(["--ledger", str(path), "note", "D-1", "call"]) == 1  # the tail cannot be set aside
        _, err = say(capsys)
        assert "No space left on device" in err and "free some space" in err
        assert path.read_bytes() == before


def test_whatif_past_the_calendars_end_is_refused(write_ledger, capsys):
    path = write_ledger(*LINES)
    assert main(["--ledger", str(path), "whatif", "--as-of", "2026-10-02", "--slip", "D-1",
                 "--slip-days", "99999999"]) == 1
    assert "past 9999-12-31" in say(capsys)[1]
    far = write_ledger(line("target_set", "t1", period="9999-12", amount=10000),
                       opened("e1", "D-1", close_date="9999-12-20"), name="far.jsonl")
    assert main(["--ledger", str(far), "whatif", "--period", "9999-12", "--as-of", "9999-12-01",
                 "--slip", "D-1"]) == 1
    assert "past 9999-12-31" in say(capsys)[1]


def test_saving_a_scenario_onto_a_directory(write_ledger, tmp_path, capsys):
    path = write_ledger(*LINES)
    assert main(["--ledger", str(path), "whatif", "--as-of", "2026-10-02", "--lose", "D-1",
                 "--save", str(tmp_path)]) == 1
    assert "cannot save the scenario" in say(capsys)[1]
