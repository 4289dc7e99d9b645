"""The theme chosen in the app is kept in the person's config, and the next start opens in it."""

from __future__ import annotations

from pathlib import Path

from tests.test_board_app import SIZE, ledger, make_app, settle  # noqa: F401 (a fixture)
from tui import config


async def test_the_theme_chosen_is_kept_and_restored(ledger: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DEALBOOK_CONFIG", str(tmp_path / "config.toml"))
    app = make_app(ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not (tmp_path / "config.toml").exists()  # opening the app writes nothing
        app.theme = "textual-light"
        await pilot.pause()
    assert config.load().theme == "textual-light"
    again = make_app(ledger)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"
