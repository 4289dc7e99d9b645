"""The deals table's rows, built as plain Rich Text: grouped must / should / could, filtered, sorted, flagged."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.style import Style
from rich.text import Text

from queries.model import Forecast, ForecastDeal
from tui.board.why import settled, slipped
from tui.text import cell, money

STALE_DAYS = 14
GROUPS = (("must", "MUST-HAVE"), ("should", "SHOULD-HAVE"), ("could", "COULD-HAVE"))
_FAR = dt.date.max

SortKey = Callable[[ForecastDeal], Any]
# (name shown, key within a group); the first is the method's own order (estimated value, largest first).
SORTS: tuple[tuple[str, SortKey | None], ...] = (
    ("estimated value", None),
    ("amount", lambda d: (-d.amount, d.deal)),
    ("close date", lambda d: (d.close_date or _FAR, d.deal)),
    ("due date", lambda d: (d.due or _FAR, d.deal)),
    ("days since change", lambda d: (-d.days_since_change, d.deal)),
    ("name", lambda d: (d.name.casefold(), d.deal)),
    ("account", lambda d: ((d.account or "").casefold(), d.deal)),
    ("owner", lambda d: (d.owner.casefold(), d.deal)),
    ("stage", None),  # board order of the stages: needs the stage table
)
# Each sort's column on the table, and the words for its order and for the order reversed.
SORT_COLUMNS = {"estimated value": "value", "amount": "amount", "close date": "close", "due date": "due",
                "days since change": "idle", "name": "name", "account": "account", "owner": "owner", "stage": "stage"}
_ORDERS = {"estimated value": ("largest first", "smallest first"), "amount": ("largest first", "smallest first"),
           "close date": ("soonest first", "latest first"), "due date": ("soonest first", "latest first"),
           "days since change": ("most idle first", "least idle first"), "stage": ("board order", "board order reversed")}


def sort_words(sort: int, reverse: bool) -> str:
    """`amount, largest first`: what the sort is and which way it runs."""
    name = SORTS[sort][0]
    words = _ORDERS.get(name, ("A to Z", "Z to A"))
    return f"{name}, {words[reverse]}"


def sort_of_column(column: str) -> int | None:
    """The sort of a column of the table (a click on its header), or None for a column nothing sorts by."""
    return next((i for i, (name, _) in enumerate(SORTS) if SORT_COLUMNS[name] == column), None)
# (key, label, width, right-aligned); the name column (width 0) takes what is left, up to NAME_MAX. The
# figures come before the account, so that 80 columns show what a deal is worth and whether it counts.
COLUMNS = (("deal", "Deal", 8, False), ("name", "Name", 0, False), ("amount", "Amount", 8, True),
           ("value", "Est.value", 9, True), ("counts", "In", 3, False), ("stage", "Stage", 11, False),
           ("owner", "Owner", 6, False), ("account", "Account", 16, False), ("close", "Close", 7, False),
           ("action", "Next action", 20, False), ("due", "Due", 7, False), ("big", "Big", 3, False),
           ("idle", "Idle", 5, True))
MIN_NAME = 14
NAME_MAX = 40  # past this, spare width goes to the account and the next action
PADDING = 1  # spaces each side of a cell


def widths_for(total: int) -> tuple[int, ...]:
    fixed = sum(width + 2 * PADDING for _, _, width, _ in COLUMNS if width) + 2 * PADDING
    spare = max(total - fixed, MIN_NAME)
    name = min(spare, NAME_MAX)
    more = spare - name
    extra = {"account": more // 2, "action": more - more // 2}
    return tuple(width + extra.get(key, 0) if width else name for key, _, width, _ in COLUMNS)


def short_day(day: dt.date | None) -> str:
    return f"{day:%d %b}" if day else ""


def matches(deal: ForecastDeal, needle: str) -> bool:
    """The filter: a piece of the id, name, account, owner or stage, in any case."""
    needle = needle.casefold().strip()
    return not needle or any(needle in (value or "").casefold()
                             for value in (deal.deal, deal.name, deal.account, deal.owner, deal.stage))


@dataclass(frozen=True)
class RowStyles:
    group: Style = Style()
    overdue: Style = Style()
    stale: Style = Style()
    big: Style = Style()
    muted: Style = Style()
    promote: Style = Style()
    won: Style = Style()


@dataclass(frozen=True)
class RowContext:
    """What every row of one build shares: the day, the column widths, the styles."""

    today: dt.date
    widths: tuple[int, ...]
    styles: RowStyles


class Row:
    """One line of the table. A deal's cells are built the first time the line is drawn: a board of
    10k deals shows forty, and building every cell took a second on each reload."""

    __slots__ = ("key", "deal", "promote", "_context", "_cells")

    def __init__(self, key: str, deal: ForecastDeal | None, context: RowContext | None = None,
                 promote: bool = False, cells: tuple[Text, ...] = ()) -> None:
        self.key, self.deal, self.promote = key, deal, promote
        self._context, self._cells = context, cells

    @property
    def cells(self) -> tuple[Text, ...]:
        if not self._cells and self.deal is not None and self._context is not None:
            c = self._context
            self._cells = _cells(self.deal, c.today, self.promote, c.widths, c.styles)
        return self._cells


def build_rows(forecast: Forecast | None, today: dt.date, needle: str, sort: int, stage_rank: Mapping[str, int],
               promotions: Sequence[str], widths: Sequence[int], styles: RowStyles, reverse: bool = False) -> Rows:
    deals = forecast.deals if forecast else []
    if needle.strip():
        deals = [d for d in deals if matches(d, needle)]
    key = SORTS[sort][1]
    if SORTS[sort][0] == "stage":
        key = lambda d: (stage_rank.get(d.stage, 99), d.deal)  # noqa: E731
    groups: dict[str, list[ForecastDeal]] = {priority: [] for priority, _ in GROUPS}
    for d in deals:  # already in the method's order: estimated value, largest first, within each priority
        groups[d.priority].append(d)
    for group in groups.values():
        if key is not None:
            group.sort(key=key, reverse=reverse)
        elif reverse:
            group.reverse()
    return Rows([(priority, title, groups[priority]) for priority, title in GROUPS],
                RowContext(today, tuple(widths), styles), frozenset(promotions))


class Rows(Sequence[Row]):
    """The table's lines: each group's heading, then its deals. A Row is made when a line is asked for
    (drawn, or under the cursor): a keystroke's repaint of 10k deals groups them and draws forty lines,
    instead of making 10k rows and summing each group's money for headings off screen."""

    def __init__(self, groups: list[tuple[str, str, list[ForecastDeal]]], context: RowContext,
                 promoted: frozenset[str]) -> None:
        self._groups, self._context, self._promoted = groups, context, promoted
        self._starts: list[int] = []  # the index of each group's heading
        at = 0
        for _, _, deals in groups:
            self._starts.append(at)
            at += 1 + len(deals)
        self._length = at
        self._made: dict[int, Row] = {}

    @property
    def deal_count(self) -> int:
        return self._length - len(self._groups)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int) -> Row:  # type: ignore[override]  (no slices: nothing asks for one)
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        row = self._made.get(index)
        if row is None:
            at = bisect.bisect_right(self._starts, index) - 1
            priority, title, deals = self._groups[at]
            offset = index - self._starts[at]
            if offset == 0:
                row = _group_row(priority, title, deals, self._context.styles)
            else:
                d = deals[offset - 1]
                row = Row(d.deal, d, self._context, d.deal in self._promoted)
            self._made[index] = row
        return row

    def __iter__(self) -> Iterator[Row]:
        return (self[i] for i in range(self._length))

    def deals(self) -> Iterator[ForecastDeal]:
        """The deals on the lines, in their order (no rows made)."""
        for _, _, deals in self._groups:
            yield from deals

    def index_of(self, deal_id: str) -> int | None:
        """The line of a deal, or None when it is not on the table."""
        for start, (_, _, deals) in zip(self._starts, self._groups):
            for offset, d in enumerate(deals):
                if d.deal == deal_id:
                    return start + 1 + offset
        return None

    def first_deal(self) -> int | None:
        """The line of the first deal, or None when no group has one."""
        return next((start + 1 for start, (_, _, deals) in zip(self._starts, self._groups) if deals), None)


def _group_row(priority: str, title: str, group: list[ForecastDeal], styles: RowStyles) -> Row:
    """The group's heading; its Est.value is what counts (or was won) in the period, and its label says so."""
    value = sum(d.estimated_value for d in group if d.counts or d.won_in_period)
    every = sum(d.estimated_value for d in group)
    cells = {"name": Text(f"{title} · {len(group)}"), "amount": Text(money(sum(d.amount for d in group))),
             "value": Text(money(value)),
             "stage": Text(f"← Est.value counting or won: {money(value)} of {money(every)}")}
    texts = tuple(cells.get(key, Text()) for key, _, _, _ in COLUMNS)
    for text in texts:
        text.stylize(styles.group)
    return Row(f"group:{priority}", None, cells=texts)


def _cells(d: ForecastDeal, today: dt.date, promote: bool, widths: Sequence[int], styles: RowStyles
           ) -> tuple[Text, ...]:
    width = {key: w for (key, _, _, _), w in zip(COLUMNS, widths)}
    muted = styles.muted if d.stage_kind == "inactive" else Style()
    name = cell(d.name, width["name"], style=styles.promote if promote else muted)
    if d.stage_kind == "won":
        name.stylize(styles.won)
    overdue = d.due is not None and d.due < today and d.stage_kind == "open"
    stale = d.days_since_change >= STALE_DAYS and d.stage_kind == "open"
    late = slipped(d, today)  # its close date passed while it is still open: the date needs updating
    past = styles.muted if settled(d) else Style()  # a won or lost deal's close date and next action are history
    counts = "✓" if d.counts else ("won" if d.won_in_period else "·")
    cells = {
        "deal": cell(d.deal, width["deal"], style=muted), "name": name,
        "account": cell(d.account, width["account"], style=muted),
        "owner": cell(d.owner, width["owner"]), "stage": cell(d.stage, width["stage"], style=muted),
        "amount": Text(money(d.amount)), "value": Text(money(d.estimated_value), style=muted), "counts": Text(counts),
        "close": Text(short_day(d.close_date) + ("!" if late else ""), style=styles.overdue if late else past),
        "action": cell(d.next_action, width["action"], style=past),
        "due": Text(short_day(d.due) + ("!" if overdue else ""), style=styles.overdue if overdue else past),
        "big": Text("★", style=styles.big) if d.big else Text(""),
        "idle": Text(f"{d.days_since_change}d" + ("!" if stale else ""), style=styles.stale if stale else ""),
    }
    return tuple(cells[key] for key, _, _, _ in COLUMNS)


def line_of(cells: Sequence[Text], widths: Sequence[int], spill: bool = False) -> Text:
    """One table line: each cell cut or padded to its column, with a space each side. With `spill` (a
    group's heading), a cell runs on over the empty cells after it."""
    line = Text(no_wrap=True, end="")
    widths = list(widths)
    skip = 0
    for i, (text, width, (_, _, _, right)) in enumerate(zip(cells, widths, COLUMNS)):
        if skip:
            skip -= 1
            continue
        if spill and text.cell_len > width:
            while i + skip + 1 < len(cells) and not cells[i + skip + 1].plain and width < text.cell_len:
                skip += 1
                width += widths[i + skip] + 2 * PADDING
        piece = text.copy()
        piece.truncate(width, overflow="ellipsis")
        piece.align("right" if right else "left", width)
        line.append(" " * PADDING)
        line.append_text(piece)
        line.append(" " * PADDING)
    return line


def first_steps(has_target: bool, has_zone: bool, key: Callable[[str], str]) -> str:
    """What an empty board says: which key starts what (keys as remapped)."""
    steps = [f"{key('new-deal')} opens the first deal"]
    if not has_target:
        steps.append(f"{key('target')} sets this month's target")
    if not has_zone:
        steps.append(f"{key('ledger-settings')} the team's time zone and currency")
    return "No deals yet: " + ", ".join(steps) + "; ? lists every key."
