"""The whole command line fuzzed: random argument lists over the real subcommands, random ledger lines and
scenario files. Whatever comes, the answer is an exit code and sentences, never a traceback.

CI runs DEALBOOK_FUZZ_EXAMPLES (default 25) examples; a longer run by hand:
    DEALBOOK_FUZZ_EXAMPLES=1000 .venv/bin/python -m pytest -q tests/test_cli_fuzz.py
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import traceback
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ledger import encode_event
from tests.strategies import ledgers
from tui.cli import build_parser, main

EXAMPLES = int(os.environ.get("DEALBOOK_FUZZ_EXAMPLES", "60"))
PARSER = build_parser()
COMMANDS = PARSER._subparsers._group_actions[0].choices  # type: ignore[union-attr]
OPTIONS = {name: sorted({flag for action in sub._actions for flag in action.option_strings
                         if flag not in ("-h", "--help", "--ledger")})
           for name, sub in COMMANDS.items()}

# Lines a hostile or careless hand writes: deep nesting, keys twice, a BOM, escapes, invisible characters.
HOSTILE_LINES = [
    b'{"type":"note_added","id":"x1","ts":"2026-10-01T08:00:00+07:00","deal":"D-1","text":"t","x":'
    + b"[" * 3000 + b"]" * 3000 + b"}",
    b'{"type":"amount_changed","id":"x2","ts":"2026-10-01T08:00:00+07:00","deal":"D-1","amount":1,"amount":2}',
    b"\xef\xbb\xbf{}",
    b'{"type":"stage_defined","id":"x3","ts":"2026-10-01T08:00:00+07:00","stage":"\\u001b[31mred",'
    b'"rate":0.5,"lead_days":3,"position":9}',
    '{"type":"deal_opened","id":"x4","ts":"2026-10-01T08:00:00+07:00","deal":"D-\u200b1","name":"\u202eA",'
    '"owner":"o","stage":"quote","amount":1e308,"priority":"must"}'.encode(),
    b'{"type":"target_set","id":"x5","ts":"9999-12-31T23:59:59+14:00","period":"9999-12","amount":10000000000000}',
    b'{"type":"close_date_changed","id":"x6","ts":"0001-01-01T00:00:00-12:00","deal":"D-1","close_date":"0001-01-01"}',
    b"\r", b"", b"[]", b"null", b"{\"type\":\"note_added\"", b"\xff\xfe",
]

VALUES = st.one_of(
    st.sampled_from(["D-1", "D-2", "D-\u200b1", "quote", "won", "lost", "must", "should", "could", "none",
                     "2026-10", "2026-Q4", "9999-12", "0001-01", "2026-13", "2026-10-02", "9999-12-31",
                     "2026-10-02T10:00:00+07:00", "0", "-1", "10k", "1e400", "99999999", "99999999999999999999",
                     "quote=0.5", "quote=55%", "quote=10", "=", "nan", "inf", "D-1:10k:must", "D-1:x:y:z",
                     "\x1b[31m", "", " ", "--", "-"]),
    st.text(max_size=12),
    st.integers(-10**20, 10**20).map(str),
)


DAYS = ["2026-10-02", "2026-10-31", "2026-11-12", "9999-12-31", "0001-01-01", "2026-10-02T10:00:00+07:00"]
LIKELY = {  # by argparse dest: values that pass the parser, so that the command itself runs
    "deal": ["D-1", "D-2", "D-\u200b1", "N-1"], "stage": ["quote", "won", "lost", "negotiation", "\x1b[31m"],
    "amount": ["10k", "5000", "0", "1e400", "12.50"], "priority": ["must", "should", "could"],
    "close_date": ["2026-10-20", "none", "9999-12-31"], "owner": ["lan", "marco", "\u202eo"],
    "period": ["2026-10", "2026-Q4", "9999-12", "0001-01", "2026"], "text": ["call", "\x1b]0;x\x07"],
    "as_of": DAYS, "start": DAYS, "end": DAYS, "due": ["2026-10-20"],
    "ts": ["2026-10-02T10:00:00+07:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"],
    "slip": ["D-1", "D-2"], "lose": ["D-1", "D-2"], "slip_days": ["3", "99999999", "-5"],
    "rate": ["quote=0.5", "quote=55%", "won=2"], "lead_days": ["quote=10", "quote=-1"],
    "target": ["10k", "1e13"], "big_at": ["5k", "0"], "limit": ["0", "3", "-1"], "expect_version": ["1", "0", "7"],
    "parts": ["D-1a:2k:must", "D-1b:3k:could:2026-10-20"], "position": ["9", "-1"], "name": ["n"],
    "account": ["acme"], "by": ["lan"],
}


@st.composite
def ledger_bytes(draw) -> bytes:
    events = draw(ledgers(max_events=20))
    lines = [encode_event(e) for e in events]
    for _ in range(draw(st.integers(0, 3))):
        bad = draw(st.sampled_from(HOSTILE_LINES) | st.binary(max_size=60).map(lambda b: b.replace(b"\n", b" ")))
        lines.insert(draw(st.integers(0, len(lines))), bad + b"\n")
    data = b"".join(lines)
    if draw(st.booleans()) and data:
        data = data[: draw(st.integers(0, len(data)))]  # cut off anywhere
    return data


@st.composite
def scenario_bytes(draw) -> bytes:
    lines = draw(st.lists(st.sampled_from([
        b'{"type":"priority_changed","deal":"D-1","priority":"could"}',
        b'{"type":"stage_changed","deal":"D-1","stage":"won"}',
        b'{"type":"amount_changed","deal":"D-1","amount":5000}',
        b'{"type":"target_set","period":"2026-10","amount":1}',
        b'{"type":"deal_opened","deal":"N-1","name":"n","owner":"o","stage":"quote","amount":1,"priority":"must"}',
    ] + HOSTILE_LINES) | st.binary(max_size=40), max_size=4))
    return b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n"


@st.composite
def argument_lists(draw, paths: list[str]) -> list[str]:
    """Mostly well-formed: every positional given, a random set of the command's options with values
    (choices drawn from the choices, files from the test's files); sometimes stray tokens too."""
    command = draw(st.sampled_from(sorted(COMMANDS)))
    values = VALUES | st.sampled_from(paths)
    args = [command]
    for action in COMMANDS[command]._actions:
        if action.option_strings and (action.dest in ("help", "ledger")
                                      or not (action.required or draw(st.booleans()))):
            continue
        likely = list(action.choices or LIKELY.get(action.dest, []))
        if action.dest in ("scenario", "compare", "save"):
            likely = paths
        given = (st.sampled_from(likely) if likely and draw(st.integers(0, 4)) else values)
        if action.option_strings:
            args.append(draw(st.sampled_from(action.option_strings)))
        if action.nargs != 0:
            args += draw(st.lists(given, min_size=1, max_size=2 if action.nargs == "+" else 1))
    if draw(st.integers(0, 9)) == 0:
        args.insert(draw(st.integers(1, len(args))), draw(values | st.sampled_from(OPTIONS[command] or ["-x"])))
    return args


def _run(argv: list[str]) -> tuple[int | str, str]:
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code: int | str = main(argv)
        except SystemExit as exit_:  # argparse's usage errors (2) and --help (0)
            code = exit_.code if isinstance(exit_.code, int) else 2
        except BaseException:
            return "traceback", traceback.format_exc()
    return code, err.getvalue()


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), ledger=ledger_bytes(), scenario=scenario_bytes())
def test_no_argument_list_ledger_or_scenario_gives_a_traceback(data, ledger, scenario):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "ledger.jsonl").write_bytes(ledger)
        (root / "scenario.jsonl").write_bytes(scenario)
        (root / "dir").mkdir()
        paths = [str(root / name) for name in ("ledger.jsonl", "scenario.jsonl", "dir", "missing.jsonl",
                                               "saved.jsonl")]
        argv = ["--ledger", str(root / "ledger.jsonl"), *data.draw(argument_lists(paths))]
        here, config = os.getcwd(), os.environ.get("DEALBOOK_CONFIG")
        os.chdir(root)  # a relative path the fuzzer draws (salvage's NEW, say) lands here, not in the clone
        os.environ["DEALBOOK_CONFIG"] = str(root / "config.toml")  # `dealbook config` writes only this example's
        try:
            code, said = _run(argv)
        finally:
            os.chdir(here)
            if config is None:
                os.environ.pop("DEALBOOK_CONFIG", None)
            else:
                os.environ["DEALBOOK_CONFIG"] = config
        event(f"{argv[2]} exit {code}")
        assert code != "traceback", f"{argv!r}\n{said}"
        assert "Traceback" not in said, f"{argv!r}\n{said}"
        assert code in (0, 1, 2, 3, 130), (argv, code, said)


def test_the_fuzzer_reaches_every_command():
    assert {"check", "verify", "log", "forecast", "replay", "changes", "calibrate", "whatif", "move", "open",
            "split", "target", "stage"} <= set(OPTIONS)
    assert json.dumps(OPTIONS)  # each command's flags were found
