"""Counting in orders (issue 16, point 5): with the ledger's order_value set, O on the board and --orders on
forecast show target, won, progress and needed as orders of it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.test_board_app import SIZE, SMALL, event, header, make_app, settle
from tui.cli import main
from tui.text import orders


def test_an_amount_in_orders_to_a_tenth():
    assert orders(Decimal(135000), Decimal(8000)) == "16.9 orders"  # 16.875
    assert orders(Decimal(-6900), Decimal(8000)) == "-0.9 orders"
    assert orders(None, Decimal(8000), none="not set") == "not set"


def ledger_with_order_value(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.jsonl"
    lines = [*SMALL, event("settings_changed", 60, day=4, order_value=2500)]
    path.write_text("".join(line + "\n" for line in lines))
    return path


async def test_o_counts_the_header_in_orders_and_back(tmp_path: Path):
    app = make_app(ledger_with_order_value(tmp_path))  # target 40,000, progress 3,000, needed 37,000
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Target 40,000" in header(app)
        await pilot.press("O")
        await settle(pilot)
        text = header(app)
        assert "Target 16.0 orders" in text and "Progress 1.2 orders" in text and "Needed 14.8 orders" in text
        assert "in orders of 2,500" in text
        await pilot.press("O")
        await settle(pilot)
        assert "Target 40,000" in header(app) and "orders" not in header(app)


async def test_o_without_an_order_value_says_how_to_set_one(tmp_path: Path):
    path = tmp_path / "ledger.jsonl"
    path.write_text("".join(line + "\n" for line in SMALL))
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        assert "no order value set" in app.screen.status_text and "Target 40,000" in header(app)


def test_forecast_orders_flag(tmp_path: Path, capsys):
    path = ledger_with_order_value(tmp_path)
    assert main(["--ledger", str(path), "forecast", "--period", "2026-11", "--as-of", "2026-11-10", "--orders"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "in orders of 2,500: target 16.0 orders won 0.0 orders progress 1.2 orders needed 14.8 orders" in out


def test_the_gap_to_the_target_is_said_the_same_way_everywhere_never_negative():
    from functools import partial

    from tui.text import needed

    assert needed(Decimal("12500")) == "12,500"
    assert needed(Decimal("-6900")) == "0 (ahead by 6,900)"
    assert needed(Decimal("0")) == "0" and needed(None) == "none" and needed(None, none="-") == "-"
    assert needed(Decimal("-5000"), partial(orders, order_value=Decimal(2500))) == "0 (ahead by 2.0 orders)"


def test_forecast_and_activity_say_ahead_rather_than_a_negative_need(tmp_path: Path, capsys):
    """The board says "Needed 0 (ahead by 6,900)" once the target is passed; the commands say it alike."""
    path = tmp_path / "l.jsonl"
    path.write_text("".join(line + "\n" for line in SMALL))
    target = ["target", "2026-11", "100", "--ts", "2026-11-05T09:00:00+07:00"]
    assert main(["--ledger", str(path), *target]) == 0
    assert main(["--ledger", str(path), "move", "D-1", "won", "--ts", "2026-11-06T09:00:00+07:00"]) == 0
    capsys.readouterr()
    for command in (["forecast", "--period", "2026-11", "--as-of", "2026-11-10"], ["activity", "--period", "2026-11"]):
        assert main(["--ledger", str(path), *command]) == 0
        out = capsys.readouterr().out
        assert "needed 0 (ahead by " in out and "needed -" not in out, out
