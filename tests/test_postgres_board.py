"""The board on a ledger table (a real server): woken by other processes' changes, and the server stopped and
started under it (offline: readable, changes refused, nothing queued; then back)."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ledger import postgres
from ledger.home import forget_tables
from test_board_app import NOW, SIZE, SMALL, board, header, make_app, settle

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield
    forget_tables()


def fill(url: str, tmp_path: Path) -> None:
    source = tmp_path / "small.jsonl"
    source.write_text("".join(line + "\n" for line in SMALL))
    postgres.init(url)
    from ledger.pgcopy import copy_to_table

    copy_to_table(source, url)


def rows(url: str) -> list[str]:
    where = postgres.parse_url(url)
    with postgres.connect(where) as conn:
        return [text for _, text in postgres.read_from(conn, where.table)]


async def until(pilot, condition, timeout: float = 60.0) -> None:
    """Wait for the board to reach a state; the bound only keeps a broken board from hanging the run."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "the board never got there"
        await pilot.pause(0.1)


async def cli(*argv: str, env: dict[str, str] | None = None) -> int:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "tui.cli", *argv, cwd=ROOT, env=env)
    return await proc.wait()


async def test_two_cli_processes_and_a_board_on_one_table(pg_url, tmp_path):
    fill(pg_url, tmp_path)
    app = make_app(pg_url, tmp_path, watch=True)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Progress 3,000" in header(app)
        ts = (NOW + dt.timedelta(minutes=1)).isoformat()
        codes = await asyncio.gather(cli("priority", "D-2", "must", "--ledger", pg_url, "--ts", ts),
                                     cli("move", "D-1", "negotiation", "--ledger", pg_url, "--ts", ts))
        assert codes == [0, 0]
        # woken by NOTIFY, caught up by seq: D-1 in negotiation (5,000 x 80%) and D-2 a must (7,200)
        await until(pilot, lambda: "Progress 11,200" in header(app))
        table = board(app).query_one("DealsTable")
        assert table.deals["D-1"].stage == "negotiation" and table.deals["D-2"].priority == "must"
        await pilot.press("<")  # the board's own change, from the version it now shows
        await settle(pilot)
        assert '"stage":"quote"' in rows(pg_url)[-1].replace(" ", "")
        await until(pilot, lambda: "Progress 10,200" in header(app))


class Restartable:
    """A server of its own for one test, stopped and started again on the same data and port."""

    def __init__(self) -> None:
        from tests import pgserver

        self.pgserver = pgserver
        try:
            self.server = pgserver.start()
        except pgserver.Unavailable as err:
            pytest.skip(f"no PostgreSQL server: {err}")
        self.args = self.server.process.args

    def stop(self) -> None:
        self.server.process.send_signal(signal.SIGINT)  # a fast shutdown: every session is ended
        self.server.process.wait(timeout=30)

    def start(self) -> None:
        folder = self.server.folder
        log = open(folder / "server.log", "ab")  # noqa: SIM115 - handed to the child
        self.server.process = subprocess.Popen(
            self.args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=folder,
            start_new_session=True, **self.pgserver._run_as())  # type: ignore[arg-type]
        log.close()
        assert self.pgserver._ready(self.server), (folder / "server.log").read_text()[-2000:]

    def close(self) -> None:
        self.server.stop()


async def test_the_server_stopped_and_started_under_an_open_board(tmp_path):
    pg = Restartable()
    try:
        url = pg.server.url(table="team_a")
        fill(url, tmp_path)
        app = make_app(url, tmp_path, watch=True)  # type: ignore[arg-type]
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "Progress 3,000" in header(app)
            pg.stop()
            await until(pilot, lambda: "offline: reconnecting" in board(app).notes_text)
            assert "Progress 3,000" in header(app)  # still readable, from the cache
            await pilot.press(">")  # D-1 forward: refused, with the reason, and not queued
            await settle(pilot)
            status = board(app).status_text
            assert "Refused" in status and "offline: reconnecting" in status and "nothing is queued" in status
            pg.start()
            await until(pilot, lambda: "offline" not in board(app).notes_text)
            assert len(rows(url)) == len(SMALL)  # the refused change was never written, nor sent later
            assert await cli("priority", "D-2", "must", "--ledger", url,
                             "--ts", (NOW + dt.timedelta(minutes=1)).isoformat()) == 0
            await until(pilot, lambda: "Progress 10,200" in header(app))  # caught up by seq after the restart
            await pilot.press(">")
            await settle(pilot)
            assert len(rows(url)) == len(SMALL) + 2
            await until(pilot, lambda: "Progress 11,200" in header(app))
    finally:
        forget_tables()
        pg.close()



async def test_a_board_opened_while_the_server_is_down_shows_its_cache_then_turns_live(tmp_path):
    pg = Restartable()
    try:
        url = pg.server.url(table="team_a")
        fill(url, tmp_path)
        from queries.table_store import TableStore

        TableStore.open_table(url).close()  # an earlier session on this laptop left its cache warm
        forget_tables()
        pg.stop()
        app = make_app(url, tmp_path, watch=True)  # type: ignore[arg-type]
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "offline: reconnecting" in board(app).notes_text
            assert "Progress 3,000" in header(app)  # the cache, as last read
            await pilot.press(">")  # refused with the reason, never queued
            await settle(pilot)
            status = board(app).status_text
            assert "Refused" in status and "offline: reconnecting" in status and "nothing is queued" in status
            pg.start()
            await until(pilot, lambda: "offline" not in board(app).notes_text)
            assert len(rows(url)) == len(SMALL)
            assert await cli("priority", "D-2", "must", "--ledger", url,
                             "--ts", (NOW + dt.timedelta(minutes=1)).isoformat()) == 0
            await until(pilot, lambda: "Progress 10,200" in header(app))  # live again: woken, caught up by seq
    finally:
        forget_tables()
        pg.close()


async def test_a_board_with_no_cache_and_no_server_says_so(tmp_path):
    pg = Restartable()
    try:
        url = pg.server.url(table="team_a")
        fill(url, tmp_path)
        forget_tables()
        pg.stop()
        app = make_app(url, tmp_path, watch=True)  # type: ignore[arg-type]
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            view = board(app).view
            assert view is not None and view.error is not None and "cannot reach the ledger" in view.error
            pg.start()
            await until(pilot, lambda: "Progress 3,000" in header(app))  # the server back: read whole
    finally:
        forget_tables()
        pg.close()


def test_another_laptops_rows_are_carried_over_the_view_before_the_engines_reload(pg_url, tmp_path, monkeypatch):
    from ledger import NoteAdded, PriorityChanged, stamp
    from ledger.home import home_for
    from tui.board.data import BoardData

    fill(pg_url, tmp_path)
    data = BoardData(pg_url, lambda: NOW)  # type: ignore[arg-type]
    try:
        first = data.load(None, None)
        assert first.forecast is not None and not first.provisional
        ts = NOW + dt.timedelta(minutes=1)
        elsewhere = home_for(pg_url)  # another laptop's writes (this process's home: the same rows on the server)
        elsewhere.append(stamp(NoteAdded, ts=ts, deal="D-1", text="call the buyer"))
        elsewhere.append(stamp(PriorityChanged, ts=ts, deal="D-2", priority="must"))

        def no_forecast(*args, **kwargs):
            raise AssertionError("a carried view needs no forecast from the engine")

        monkeypatch.setattr(data._engine, "forecast", no_forecast)
        quick = data.caught_up(first.period, None)
        assert quick is not None and quick.provisional and quick.generation > first.generation
        deals = {d.deal: d for d in quick.forecast.deals}
        assert deals["D-1"].next_action == "call the buyer" and deals["D-2"].priority == "must"
        assert deals["D-1"].version == {d.deal: d for d in first.forecast.deals}["D-1"].version + 1
        assert data.caught_up(first.period, None) is None  # a carried view is not carried again: the engine's comes next
        monkeypatch.undo()
        full = data.load(first.period, None)
        assert not full.provisional and {d.deal: d for d in full.forecast.deals}["D-1"].next_action == "call the buyer"
        assert data.caught_up(first.period, None) is None  # nothing new since the engine's view
        elsewhere.append(stamp(NoteAdded, ts=ts, deal="D-1", text="send the quote"))
        again = data.caught_up(first.period, None)
        assert again is not None and {d.deal: d for d in again.forecast.deals}["D-1"].next_action == "send the quote"
    finally:
        data.close()


def test_the_history_screens_read_the_boards_store_and_its_cache_when_the_server_is_away(tmp_path, monkeypatch):
    from queries.table_store import TableStore

    opened = []
    open_table = TableStore.open_table

    def counted(url, **kwargs):
        opened.append(url)
        return open_table(url, **kwargs)

    monkeypatch.setattr(TableStore, "open_table", counted)
    pg = Restartable()
    app = None
    try:
        url = pg.server.url(table="team_a")
        fill(url, tmp_path)
        app = make_app(url, tmp_path)  # type: ignore[arg-type]
        live = app.history.forecast("2026-11", NOW, None)
        assert app.history.store() is app.data.engine() and len(opened) == 1  # one Store, one cache connection
        pg.stop()
        away = app.history.forecast("2026-11", NOW, None)  # its own Store would have raised Offline here
        assert away.progress == live.progress and app.data.offline()
    finally:
        if app is not None:
            app.history.close()
            app.data.close()
        forget_tables()
        pg.close()
