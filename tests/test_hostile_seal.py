"""`dealbook verify` never lies: verifies at once, a full disk, a raw CR inside a line."""

from __future__ import annotations

import multiprocessing

from conftest import opened
from fsfaults import fill, tmpfs
from ledger.seal import DIGEST, seal_file, verify
from tui.cli import main


def _verify_at_once(path: str, barrier) -> None:
    barrier.wait()
    verify(path)


def test_verifies_at_once_leave_one_digest_per_line(write_ledger):
    lines = [opened(f"e{i}", f"D-{i}") for i in range(20_000)]
    path = write_ledger(*lines)
    ctx = multiprocessing.get_context("fork")
    for round_ in range(3):
        barrier = ctx.Barrier(4)
        workers = [ctx.Process(target=_verify_at_once, args=(str(path), barrier)) for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
            assert w.exitcode == 0
        assert seal_file(path).stat().st_size == DIGEST * len(lines)
        with open(path, "a") as f:
            f.write(opened(f"x{round_}", f"X-{round_}") + "\n")
        lines.append("x")
    result = verify(path)
    assert result.ok and result.checked == len(lines) - 1 and result.sealed == 1


def test_a_full_disk_is_said_and_nothing_is_claimed(tmp_path, capsys):
    with tmpfs(tmp_path / "mnt", size="512k") as mnt:
        path = mnt / "ledger.jsonl"
        path.write_text("".join(opened(f"e{i}", f"D-{i}") + "\n" for i in range(700)))
        filler = fill(mnt, leave=8192)  # room for 512 digests, not 700
        assert main(["verify", "--ledger", str(path)]) == 1
        err = capsys.readouterr().err
        assert "cannot write the seal" in err and "700 new line(s) were NOT sealed" in err
        assert "Traceback" not in err
        assert not seal_file(path).exists() or seal_file(path).stat().st_size == 0
        assert list(mnt.glob(".*tmp")) == []  # no half-written seal left behind
        filler.unlink()
        assert main(["verify", "--ledger", str(path)]) == 0
        assert "sealed 700 new lines" in capsys.readouterr().out
        text = path.read_text().splitlines(keepends=True)
        text[599] = text[599].replace("lan", "sam")
        path.write_text("".join(text))
        assert main(["verify", "--ledger", str(path)]) == 1
        assert f"{path}:600: line 600 was changed" in capsys.readouterr().out


def test_a_raw_cr_inside_a_line_is_not_a_line_end(write_ledger, capsys):
    with_cr = opened("e2", "D-2").replace(', "owner"', ',\r"owner"')
    path = write_ledger(opened("e1", "D-1"), with_cr, opened("e3", "D-3"))
    assert verify(path).sealed == 3
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(lines[:2] + [lines[2].replace(b"lan", b"sam")] + lines[3:]))
    assert main(["verify", "--ledger", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3: line 3 was changed" in out


def test_the_advice_keeps_the_evidence(write_ledger, capsys):
    path = write_ledger(opened("e1", "D-1"), opened("e2", "D-2"))
    verify(path)
    path.write_text(opened("e1", "D-1") + "\n")
    assert main(["verify", "--ledger", str(path)]) == 1
    out = capsys.readouterr().out
    assert "move the seal file away" not in out and "keep the old seal" in out
