"""The ledger's settings from the app: Z sets the team's time zone, and the board reads and stamps in it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

from ledger.events import AmountChanged, SettingsChanged
from tests.test_board_app import SIZE, header, last, ledger, make_app, settle  # noqa: F401 (a fixture)


async def test_z_sets_the_time_zone_and_the_board_stamps_and_reads_days_in_it(ledger: Path):
    app = make_app(ledger)  # now: 10 Nov 12:00 +07:00 = 9 Nov 19:00 in Honolulu (-10:00)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "20 days left" in header(app)
        await pilot.press("Z")
        await pilot.pause()
        app.screen.query_one("#setting-tz", Input).value = "Mars/Olympus"
        await pilot.press("enter")
        await pilot.pause()
        assert "unknown time zone" in str(app.screen.query_one("#form-error").render())
        assert not isinstance(last(ledger), SettingsChanged)  # nothing written
        app.screen.query_one("#setting-tz", Input).value = "Pacific/Honolulu"
        app.screen.query_one("#setting-currency", Input).value = "usd"
        await pilot.press("enter")
        await settle(pilot)
        setting = last(ledger)
        assert isinstance(setting, SettingsChanged) and (setting.tz, setting.currency) == ("Pacific/Honolulu", "USD")
        assert setting.ts.utcoffset() == dt.timedelta(hours=7)  # stamped in the calendar before it
        assert "21 days left" in header(app)  # today is 9 November there
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#value", Input).value = "6k"
        await pilot.press("enter")
        await settle(pilot)
        change = last(ledger)
        assert isinstance(change, AmountChanged)
        assert change.ts.utcoffset() == dt.timedelta(hours=-10) and change.ts.date() == dt.date(2026, 11, 9)
        await pilot.press("u")  # undoes the amount
        await settle(pilot)
        await pilot.press("u")  # then the settings: the zone and currency return to none
        await settle(pilot)
        undone = last(ledger)
        assert isinstance(undone, SettingsChanged) and (undone.tz, undone.currency) == (None, None)
        # no zone again: version 1's rule reads today in the offset of the last line, stamped in Honolulu
        assert undone.ts.utcoffset() == dt.timedelta(hours=-10), undone
        assert "21 days left" in header(app)


async def test_a_change_the_file_system_refuses_is_said_and_the_board_stays_up(ledger: Path):
    from fsfaults import immutable

    before = ledger.read_bytes()
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with immutable(ledger):
            await pilot.press("a")
            await pilot.pause()
            app.screen.query_one("#value", Input).value = "6k"
            await pilot.press("enter")
            await settle(pilot)
            said = app.screen.status_text
            assert "Operation not permitted" in said and "immutable" in said
        assert "Progress 3,000" in header(app)  # still up, the same figures
    assert ledger.read_bytes() == before
