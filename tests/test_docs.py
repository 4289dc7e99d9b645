"""The README and docs/ stand on their own: no link out of the clone, no dead link, and the examples hold."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from ledger import read_ledger
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return {slug(m.group(1)) for m in re.finditer(r"^#+\s+(.*)$", text, re.M)}


def relative_links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return [t for t in LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def test_the_pages_are_found():
    names = {p.name for p in PAGES}
    assert {"README.md", "method.md", "ledger-format.md", "forecast-rules.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_sends_the_reader_outside_the_clone(page: Path):
    text = page.read_text(encoding="utf-8")
    for outside in ("../shared", "shared/METHOD", "shared/LEDGER_FORMAT", "METHOD.md", "LEDGER_FORMAT.md"):
        assert outside not in text, f"{page.name} mentions {outside}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_points_to_an_existing_file_and_heading(page: Path):
    for target in relative_links(page):
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.is_file(), f"{page.name} links to {target}, which does not exist"
        assert ROOT in linked.parents or linked == ROOT, f"{page.name} links outside the clone: {target}"
        if anchor:
            assert anchor in anchors(linked), f"{page.name} links to {target}: no such heading"


def test_the_link_check_finds_a_dead_link(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text("See [the rules](rules.md) and [this](#a-heading) and [out](https://example.com).\n"
                    "```\n[not a link](inside-code.md)\n```\n# A heading\n")
    assert relative_links(page) == ["rules.md", "#a-heading"]
    assert anchors(page) == {"a-heading"}


def test_the_method_pages_example_is_what_the_engine_computes(tmp_path: Path, capsys):
    """docs/method.md's worked example (10 November 2026, target 30,000), figure by figure."""
    def line(n: int, type_: str, day: int = 1, **fields: object) -> str:
        ts = f"2026-11-{day:02d}T09:{n:02d}:00+07:00"
        return json.dumps({"id": f"E{n:03d}", "ts": ts, "type": type_, **fields}) + "\n"

    def deal(n: int, deal_id: str, stage: str, amount: int, priority: str, **extra: object) -> str:
        return line(n, "deal_opened", deal=deal_id, name=f"deal {deal_id}", owner="lan", stage=stage,
                    amount=amount, priority=priority, **extra)

    ledger = tmp_path / "example.jsonl"
    ledger.write_text("".join([
        line(1, "target_set", period="2026-11", amount=30000),
        deal(2, "D-1", "quote", 5000, "must", close_date="2026-11-07"),
        deal(3, "D-2", "negotiation", 12000, "must"),
        deal(4, "D-3", "proposal", 10000, "must"),
        deal(5, "D-4", "negotiation", 9000, "should"),
        deal(6, "D-5", "quote", 20000, "should", close_date="2026-12-05"),
        deal(7, "D-6", "quote", 6000, "could"),
        deal(8, "D-7", "negotiation", 8000, "could"),
        deal(9, "D-8", "lead", 15000, "must"),
        deal(10, "D-9", "quote", 4000, "should"),
        line(11, "stage_changed", day=4, deal="D-7", stage="won"),
    ]))
    assert read_ledger(ledger).problems == []
    capsys.readouterr()
    assert main(["forecast", "--ledger", str(ledger), "--as-of", "2026-11-10", "--period", "2026-11", "--json"]) == 0
    forecast = json.loads(capsys.readouterr().out)
    money = {k: Decimal(str(forecast[k])) for k in ("target", "won", "progress", "needed", "big_at")}
    assert money == {"target": 30000, "won": 8000, "progress": 20600, "needed": 9400, "big_at": 7500}
    assert f"{float(forecast['chance']):.0%}" == "69%" and f"{float(forecast['coverage']):.0%}" == "167%"
    assert forecast["promotions"] == ["D-4", "D-9"] and forecast["days_left"] == 20
    deals = {d["deal"]: d for d in forecast["deals"]}
    assert {k for k, d in deals.items() if d["counts"]} == {"D-1", "D-2", "D-4", "D-6", "D-9"}
    assert {k for k, d in deals.items() if d["big"]} == {"D-2", "D-3", "D-4", "D-5", "D-7", "D-8"}
    page = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    for said in ("**progress** = 8,000 + 3,000 (D-1) + 9,600 (D-2) = 20,600", "**needed** = 30,000 - 20,600 = 9,400",
                 "20,600 / 30,000 = 69%", "/ 30,000 = 167%", "here D-4 then D-9"):
        assert said in page, f"docs/method.md no longer says {said!r}"


def test_the_ledger_format_pages_example_is_a_valid_ledger(tmp_path: Path):
    page = (ROOT / "docs" / "ledger-format.md").read_text(encoding="utf-8")
    example = re.search(r"^## Example\n.*?```\n(.*?)```", page, re.S | re.M)
    assert example, "docs/ledger-format.md has no Example block"
    ledger = tmp_path / "example.jsonl"
    ledger.write_text(example.group(1))
    read = read_ledger(ledger)
    assert read.problems == [] and len(read.events) == 4
