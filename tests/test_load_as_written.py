"""A load stores the lines as written when they are exactly what the events encode to (LedgerRead.text), and
its rows then equal those of the events encoded again: money exact, each stage_changed's prior stage the fold's."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import queries.store
from ledger import SettingsChanged, read_ledger, stamp
from ledger.events import encode_event
from ledger import reader
from ledger.reader import read_bytes
from queries import Store, loading
from scripts.gen_big_ledger import generate

SEL = "SELECT * EXCLUDE (settings) FROM ledger_events ORDER BY seq"


@pytest.fixture(scope="module")
def ledger_text(tmp_path_factory) -> bytes:
    """A generated ledger with splits and stage moves, and settings with amounts of many digits."""
    path = tmp_path_factory.mktemp("gen") / "gen.jsonl"
    generate(path, 2000, open_deals=150, seed=5)
    lines = path.read_bytes().splitlines(keepends=True)
    at = read_ledger(path).events[99].ts
    settings = stamp(SettingsChanged, tz="Asia/Bangkok", order_value=Decimal("1234567890123.4567"),
                     big_at=Decimal("100.10"), ts=at)
    return b"".join(lines[:100]) + encode_event(settings) + b"".join(lines[100:])


def test_the_text_is_kept_only_when_every_line_is_accepted_as_written(tmp_path: Path, ledger_text: bytes) -> None:
    path = tmp_path / "l.jsonl"
    assert read_bytes(path, ledger_text, keep_text=True).text == ledger_text
    assert read_bytes(path, ledger_text).text == b""  # the whole file is not held twice unless asked for
    assert read_bytes(path, ledger_text, keep_events=False, keep_text=True).text == b""
    lines = ledger_text.splitlines(keepends=True)
    twice = b"".join(lines[:50] + [lines[10]] + lines[50:])  # a duplicate id: refused
    assert read_bytes(path, twice, keep_text=True).text == b""
    spaced = b"".join(lines[:50] + [lines[50].replace(b'","', b'", "', 1)] + lines[51:])  # accepted, not as written
    read = read_bytes(path, spaced, keep_text=True)
    assert read.ok and read.text == b""


@pytest.mark.parametrize("at", [0, 500, -1])
def test_the_text_of_a_read_in_many_pieces_is_kept_only_when_every_piece_is_as_written(
        tmp_path: Path, ledger_text: bytes, monkeypatch: pytest.MonkeyPatch, at: int) -> None:
    """read_bytes decodes and folds a piece of FOLD_PIECE_BYTES at a time: a line not as written, or
    refused, in the first, a middle or the last piece drops the whole text; else the text is all of it."""
    monkeypatch.setattr(reader, "FOLD_PIECE_BYTES", 3000)  # about 25 lines a piece
    path = tmp_path / "l.jsonl"
    whole = read_bytes(path, ledger_text, keep_text=True)
    assert whole.ok and whole.text == ledger_text and len(whole.events) == ledger_text.count(b"\n")
    lines = ledger_text.splitlines(keepends=True)
    spaced = lines[:]
    spaced[at] = spaced[at].replace(b'","', b'", "', 1)  # accepted, not as written
    read = read_bytes(path, b"".join(spaced), keep_text=True)
    assert read.ok and read.text == b"" and len(read.events) == len(lines)
    place = max(1, at % len(lines))
    twice = lines[:place] + [lines[place - 1]] + lines[place:]  # the line before again: a duplicate id, refused
    read = read_bytes(path, b"".join(twice), keep_text=True)
    assert [p.line for p in read.problems] == [place + 1] and read.text == b""


def _rows(path: Path, monkeypatch: pytest.MonkeyPatch, as_written: bool, piece: int) -> tuple[list, list]:
    monkeypatch.setattr(queries.store, "LOAD_PIECE_BYTES", piece)
    encoded = loading.chunk_params

    def chunk_params(*args, text=b"", **kw):  # type: ignore[no-untyped-def]
        assert not as_written or text, "an as-written piece passes its text"
        return encoded(*args, text=text if as_written else b"", **kw)

    monkeypatch.setattr(loading, "chunk_params", chunk_params)
    with Store.open(path, cache=False) as store, store.cursor() as cur:
        rows = cur.execute(SEL).fetchall()
        settings = [loading.decode_stored(text) for (text,) in cur.execute(
            "SELECT settings FROM ledger_events WHERE settings IS NOT NULL ORDER BY seq").fetchall()]
        assert store.settings()["order_value"] == Decimal("1234567890123.4567")
        assert store.settings()["big_at"] == Decimal("100.10")
    return rows, settings


@pytest.mark.parametrize("piece", [8 * 2**20, 20_000])
def test_rows_from_the_text_equal_rows_from_the_events_encoded(tmp_path: Path, ledger_text: bytes,
                                                                monkeypatch: pytest.MonkeyPatch, piece: int) -> None:
    path = tmp_path / "l.jsonl"
    path.write_bytes(ledger_text)
    from_text = _rows(path, monkeypatch, True, piece)
    monkeypatch.undo()
    encoded = _rows(path, monkeypatch, False, piece)
    assert from_text == encoded
    amounts = {row[17] for row in from_text[0] if row[17] is not None}  # settings left out: amount is 17
    assert amounts and all(type(a) is Decimal for a in amounts)
    assert sum(1 for row in from_text[0] if row[4] == "stage_changed" and row[16] is not None) > 100


def test_prior_stages_reach_the_rows_across_a_refused_line_and_odd_stage_names(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A piece with a refused line sends its lines one by one (a gap), and any stage name goes as it is."""
    import datetime as dt

    from ledger import DealOpened, StageChanged, StageDefined

    ts = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    odd = "dé\nmo, \"🚀\""
    events = [StageDefined(id="s", ts=ts, stage=odd, rate=Decimal("0.5"), lead_days=3, position=9)]
    expected: dict[int, str] = {}
    for i in range(60):
        at = ts + dt.timedelta(minutes=i + 1)
        events.append(DealOpened(id=f"o{i}", ts=at, deal=f"D{i % 7}-{i // 7}", name="n", owner="o",
                                 stage="lead", amount=Decimal(1), priority="must"))
    lines = [encode_event(event) for event in events]
    stage = {event.deal: "lead" for event in events[1:]}  # type: ignore[attr-defined]
    for i in range(120):
        deal = f"D{i % 7}-{(i * 5) % 8}"
        to = (odd, "quote", "won", "lead")[i % 4]
        lines.append(encode_event(StageChanged(id=f"c{i}", ts=ts + dt.timedelta(hours=1, minutes=i), deal=deal,
                                               stage=to)))
        expected[len(lines)] = stage[deal]
        stage[deal] = to
        if i % 25 == 3:  # a duplicate id: refused, a gap in the piece's lines
            lines.append(lines[-1])
    path = tmp_path / "l.jsonl"
    path.write_bytes(b"".join(lines))
    monkeypatch.setattr(queries.store, "LOAD_PIECE_BYTES", 4000)
    with Store.open(path, cache=False) as store, store.cursor() as cur:
        assert len(store.problems) == 5
        got = dict(cur.execute("SELECT line, prev_stage FROM ledger_events WHERE type = 'stage_changed'").fetchall())
    assert got == expected
