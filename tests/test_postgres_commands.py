"""Every command on a ledger table (a real server) as on the same file; the table's query cache on this laptop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledger import postgres
from ledger.home import forget_tables
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_events.jsonl"
NOW = "2026-11-30T18:00"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("DEALBOOK_LEDGER", raising=False)
    yield
    forget_tables()


@pytest.fixture
def sample_table(pg_url, capsys) -> str:
    assert main(["init", pg_url]) == 0 and main(["copy", str(SAMPLE), pg_url]) == 0
    capsys.readouterr()
    return pg_url


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows(url: str) -> list[str]:
    where = postgres.parse_url(url)
    with postgres.connect(where) as conn:
        return [text for _, text in postgres.read_from(conn, where.table)]


@pytest.mark.parametrize("argv", [
    ["check"], ["log"], ["forecast", "--json", "--as-of", NOW], ["replay", "--json", "--period", "2026-11"],
    ["changes", "--json", "--from", "2026-11-01", "--to", "2026-11-30"], ["calibrate", "--json"],
    ["settings"],
], ids=lambda a: a[0])
def test_a_report_on_the_table_says_what_it_says_on_the_same_file(sample_table, tmp_path, capsys, argv):
    file_copy = tmp_path / "same.jsonl"
    file_copy.write_bytes(SAMPLE.read_bytes())
    code, from_file, _ = run(capsys, "--ledger", str(file_copy), *argv)
    assert code == 0
    code, from_table, err = run(capsys, "--ledger", sample_table, *argv)
    assert code == 0, err
    assert from_table.replace(str(postgres.parse_url(sample_table)), "LEDGER") == \
        from_file.replace(str(file_copy), "LEDGER")


def test_change_commands_append_rows_with_the_files_checks_and_conflicts(sample_table, capsys, monkeypatch):
    monkeypatch.setenv("DEALBOOK_LEDGER", sample_table)  # the variable takes a URL as --ledger does
    before = rows(sample_table)
    code, out, _ = run(capsys, "note", "D-1225", "call the buyer")
    assert code == 0 and out.startswith(f"line {len(before) + 1}: D-1225: next action: call the buyer (version ")
    version = int(out.rsplit("version ", 1)[1].rstrip(")\n"))
    assert run(capsys, "amount", "D-1225", "50000", "--expect-version", str(version))[0] == 0
    code, _, err = run(capsys, "amount", "D-1225", "60000", "--expect-version", str(version))
    assert code == 1 and f"is at version {version + 1}" in err and "Nothing was written" in err
    code, _, err = run(capsys, "owner", "D-1225", "lann")
    assert code == 1 and "has never been seen" in err and "did you mean lan" in err
    code, out, _ = run(capsys, "amount", "D-1225", "50000")
    assert code == 0 and "nothing to do" in out
    after = rows(sample_table)
    assert after[:len(before)] == before and len(after) == len(before) + 2
    assert run(capsys, "check")[1].startswith(f"ok: {len(after):,} events")


def test_verify_on_a_table_checks_the_triggers_and_the_rows(sample_table, capsys):
    code, out, _ = run(capsys, "--ledger", sample_table, "verify")
    assert code == 0 and "refuses any UPDATE, DELETE or TRUNCATE" in out
    where = postgres.parse_url(sample_table)
    with postgres.connect(where) as conn:
        conn.execute(f"ALTER TABLE {where.table} DISABLE TRIGGER refuse_change")
    code, _, err = run(capsys, "--ledger", sample_table, "verify")
    assert code == 1 and "not a Dealbook ledger table" in err


def test_a_missing_table_and_a_server_away_are_said_plainly(pg_server, capsys):
    code, _, err = run(capsys, "--ledger", pg_server.url(table="nobody_here"), "check")
    assert code == 1 and "create it with `dealbook init" in err
    code, _, err = run(capsys, "--ledger", "postgresql://rep:secret@127.0.0.1:1/sales?table=t", "forecast")
    assert code == 1 and "cannot reach the ledger" in err and "secret" not in err


def test_the_cache_is_kept_on_this_laptop_and_a_reopen_reads_only_the_rows_it_lacks(sample_table, tmp_path):
    from queries import Store
    from queries.table_store import TableStore

    with Store.open(sample_table) as store:
        assert isinstance(store, TableStore) and store.cache_path is not None
        assert store.cache_path.parent == tmp_path / "cache" / "dealbook"
        loaded = store.events_loaded
        first = store.forecast(as_of=NOW)
    assert main(["--ledger", sample_table, "note", "D-1225", "later"]) == 0
    seen = []
    from queries import table_store

    original = table_store.fold_piece

    def counting(name, piece, *rest):
        seen.append(piece.rows)
        return original(name, piece, *rest)

    table_store.fold_piece = counting
    try:
        with Store.open(sample_table) as store:
            assert seen == [1]  # the one new row, not the table
            assert store.events_loaded == loaded + 1
            assert store.forecast(as_of=NOW).deals == first.deals
    finally:
        table_store.fold_piece = original


def test_a_table_made_again_under_the_same_name_is_loaded_afresh(sample_table, write_ledger):
    from queries import Store
    from tests.conftest import opened

    with Store.open(sample_table) as store:
        assert store.events_loaded > 2000
    where = postgres.parse_url(sample_table)
    forget_tables()
    with postgres.connect(where) as conn:
        conn.execute(f"ALTER TABLE {where.table} DISABLE TRIGGER refuse_change")
        conn.execute(f"DROP TABLE {where.table}")
        for part in ("refuse", "serialize", "announce"):
            conn.execute(f"DROP FUNCTION {where.table}_{part}")
    postgres.init(sample_table)
    small = write_ledger(*[opened(f"e{i}", f"D-{i}") for i in range(3000)])  # more rows than before, other ids
    assert main(["copy", str(small), sample_table]) == 0
    with Store.open(sample_table) as store:
        assert store.events_loaded == 3000
        assert {d.deal for d in store.pipeline(as_of=NOW)} == {f"D-{i}" for i in range(3000)}


def test_two_cli_processes_on_one_table_lose_nothing(sample_table, tmp_path):
    env = {**os.environ, "DEALBOOK_LEDGER": sample_table, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    script = ("import sys; from tui.cli import main\n"
              "for i in range(20):\n"
              "    assert main(['note', 'D-1225', f'{sys.argv[1]} {i}']) == 0\n")
    before = len(rows(sample_table))
    procs = [subprocess.Popen([sys.executable, "-c", script, name], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    after = rows(sample_table)
    notes = [line for line in after[before:] if '"note_added"' in line or "next_action" in line]
    assert len(after) == before + 40 and len(notes) == 40
    code = main(["--ledger", sample_table, "check"])
    assert code == 0


def test_by_defaults_to_the_servers_role_on_a_table(sample_table, capsys):
    assert main(["--ledger", sample_table, "note", "D-1225", "mine"]) == 0
    assert '"by":"postgres"' in rows(sample_table)[-1].replace(" ", "")
    assert main(["--ledger", sample_table, "--by", "lan", "note", "D-1225", "theirs"]) == 0
    assert '"by":"lan"' in rows(sample_table)[-1].replace(" ", "")


def test_a_whatif_committed_to_a_table_appends_its_events(sample_table, capsys):
    before = len(rows(sample_table))
    code, out, err = run(capsys, "--ledger", sample_table, "whatif", "--lose", "D-1225", "--commit")
    assert code == 0, err
    after = rows(sample_table)
    assert len(after) == before + 1 and '"deal":"D-1225"' in after[-1].replace(" ", "")
    assert '"stage":"lost"' in after[-1].replace(" ", "")


def test_a_password_in_the_url_is_never_echoed(sample_table, capsys):
    user, rest = sample_table.split("://", 1)[1].split("@", 1)
    with_password = f"postgresql://{user}:s3cret-pw@{rest}"  # trust authentication: the password goes unused
    code, out, err = run(capsys, "--ledger", with_password, "check")
    assert code == 0 and out.startswith("ok:") and "s3cret-pw" not in out + err
    code, out, err = run(capsys, "--ledger", with_password, "note", "D-1198", "call them")
    assert code == 0 and "s3cret-pw" not in out + err
