"""The deals table: a line-API widget (each row rendered once per change, not each cell per frame)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from queries.model import Forecast, ForecastDeal
from tui.board.keys import MOVES, binding
from tui.board.rows import COLUMNS, PADDING, SORT_COLUMNS, SORTS, Row, Rows, RowStyles, build_rows, line_of, widths_for


class DealsTable(ScrollView, can_focus=True, inherit_bindings=False):
    """The board's deals under a fixed header row; the cursor only ever rests on a deal, never on a heading."""

    BINDINGS: ClassVar[list[Binding]] = [binding(k) for k in MOVES if k.id != "focus-next"]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "deals-table--header", "deals-table--cursor", "deals-table--group", "deals-table--overdue",
        "deals-table--stale", "deals-table--big", "deals-table--muted", "deals-table--promote", "deals-table--won",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: Rows | list[Row] = []
        self.cursor_row = 0  # an index into rows
        self._args: tuple | None = None
        self._widths: tuple[int, ...] = widths_for(0)
        self._strips: dict[int, Strip] = {}  # the heading lines, by index
        # A deal's line, by what it shows: kept across reloads, so that after one change only the
        # changed deal's line is drawn again (a reload hands over the same ForecastDeal for the others).
        self._deal_strips: dict[tuple[ForecastDeal, bool], Strip] = {}
        self._drawn_with: tuple | None = None  # the widths, day and styles those lines were drawn with
        self._deals: dict[str, ForecastDeal] | None = None
        self._sorted: tuple[str, bool] = ("value", False)  # the sorted column, and reversed or not

    # -- what it shows ---------------------------------------------------------------------------

    @property
    def selected(self) -> ForecastDeal | None:
        if 0 <= self.cursor_row < len(self.rows):
            return self.rows[self.cursor_row].deal
        return None

    @property
    def deals(self) -> dict[str, ForecastDeal]:
        """Every deal of the forecast shown, by id (filtered out or not)."""
        if self._deals is None:
            forecast = self._args[0] if self._args else None
            self._deals = {d.deal: d for d in (forecast.deals if forecast else [])}
        return self._deals

    def deal(self, deal_id: str) -> ForecastDeal | None:
        """The deal of the forecast shown with that id (filtered out or not): the one under the cursor
        without indexing every deal (a key acts on it), else from the index."""
        selected = self.selected
        if selected is not None and selected.deal == deal_id:
            return selected
        return self.deals.get(deal_id)

    @property
    def shown(self) -> list[ForecastDeal]:
        """The deals on the table's lines, in their order."""
        return list(self.rows.deals()) if isinstance(self.rows, Rows) else []

    @property
    def shown_count(self) -> int:
        return self.rows.deal_count if isinstance(self.rows, Rows) else 0

    def row_index(self, deal_id: str) -> int:
        index = self.rows.index_of(deal_id) if isinstance(self.rows, Rows) else None
        if index is None:
            raise KeyError(f"{deal_id} is not on the table")
        return index

    def cells_of(self, deal_id: str) -> tuple[Text, ...]:
        return self.rows[self.row_index(deal_id)].cells

    class SortAsked(Message):
        """A click on a column's header: sort by it (again: the other way)."""

        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    def show(self, forecast: Forecast | None, today: dt.date, needle: str, sort: int,
             stage_rank: dict[str, int], promotions: Sequence[str], reverse: bool = False) -> None:
        self._args = (forecast, today, needle, sort, stage_rank, promotions)
        self._sorted = (SORT_COLUMNS[SORTS[sort][0]], reverse)
        self._rebuild()

    def _rebuild(self) -> None:
        if self._args is None:
            return
        keep = self.selected.deal if self.selected else None
        self._widths = widths_for(max(self.size.width - 2, 0))  # the vertical scrollbar
        styles = RowStyles(**{name: self._style(name) for name in RowStyles.__dataclass_fields__})
        self.rows = build_rows(*self._args, widths=self._widths, styles=styles, reverse=self._sorted[1])
        self._deals = None
        self._strips.clear()
        drawn_with = (self._widths, self._args[1], styles)
        if drawn_with != self._drawn_with or len(self._deal_strips) > 2 * len(self.rows) + 1000:
            self._deal_strips.clear()
            self._drawn_with = drawn_with
        width = sum(self._widths) + 2 * PADDING * len(self._widths)
        self.virtual_size = Size(width, len(self.rows) + 1)
        rows = self.rows
        kept = rows.index_of(keep) if keep is not None else None
        first = rows.first_deal()
        self.move_cursor(kept if kept is not None else (first if first is not None else 0))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if widths_for(max(event.size.width - 2, 0)) != self._widths:
            self._rebuild()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"deals-table--{name}", partial=True)

    # -- drawing ---------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:
            labels = [Text(header_label(key, label, width, self._sorted))
                      for (key, label, _, _), width in zip(COLUMNS, self._widths)]
            strip = self._strip_of(line_of(labels, self._widths), self._style("header"))
        else:
            index = scroll_y + y - 1
            if index >= len(self.rows):
                return Strip.blank(width, self.rich_style)
            row = self.rows[index]
            if row.deal is None:
                strip = self._strips.get(index)
                if strip is None:
                    strip = self._strips[index] = self._strip_of(line_of(row.cells, self._widths, spill=True))
            else:
                strip = self._deal_strips.get((row.deal, row.promote))
                if strip is None:
                    strip = self._deal_strips[(row.deal, row.promote)] = self._strip_of(line_of(row.cells, self._widths))
            if index == self.cursor_row:
                cursor = self._style("cursor") if self.has_focus else self._style("cursor") + Style(dim=True)
                strip = Strip(list(Segment.apply_style(list(strip), post_style=cursor)), strip.cell_length)
        return frozen_id(strip, scroll_x, width, self._widths[0] + 2 * PADDING).extend_cell_length(
            width, self.rich_style)

    def _strip_of(self, line: Text, style: Style | None = None) -> Strip:
        segments = list(line.render(self.app.console))
        if style is not None:
            segments = list(Segment.apply_style(segments, post_style=style))
        return Strip(segments, line.cell_len)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- the cursor ------------------------------------------------------------------------------

    def move_cursor(self, row: int, animate: bool = False) -> None:
        """Put the cursor on a row (a heading moves it to the nearest deal) and scroll it into view."""
        if not self.rows:
            self.cursor_row = 0
            return
        row = max(0, min(row, len(self.rows) - 1))
        if self.rows[row].deal is None:
            below = [i for i in range(row, len(self.rows)) if self.rows[i].deal is not None]
            above = [i for i in range(row, -1, -1) if self.rows[i].deal is not None]
            row = (below or above or [row])[0]
        self.refresh_line(self.cursor_row - int(self.scroll_y) + 1)
        self.cursor_row = row
        self.refresh_line(row - int(self.scroll_y) + 1)
        visible = max(self.size.height - 1, 1)  # lines under the header
        if row < self.scroll_y:
            self.scroll_to(y=row, animate=animate)
        elif row >= self.scroll_y + visible:
            self.scroll_to(y=row - visible + 1, animate=animate)

    def _step(self, step: int) -> None:
        row = self.cursor_row + step
        while 0 <= row < len(self.rows) and self.rows[row].deal is None:
            row += 1 if step > 0 else -1
        if 0 <= row < len(self.rows):
            self.move_cursor(row)
        elif step < 0:
            self.scroll_to(y=0, animate=False)  # the first heading back into view

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_page_down(self) -> None:
        self._step(max(self.size.height - 2, 1))

    def action_page_up(self) -> None:
        self._step(-max(self.size.height - 2, 1))

    def action_scroll_home(self) -> None:
        self.move_cursor(0)
        self.scroll_to(y=0, animate=False)

    def action_scroll_end(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    def action_cursor_right(self) -> None:
        self.scroll_to(x=self.scroll_x + 8, animate=False)

    def action_cursor_left(self) -> None:
        self.scroll_to(x=max(self.scroll_x - 8, 0), animate=False)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            fixed = self._widths[0] + 2 * PADDING  # the id column stays in place (frozen_id)
            column = column_at(offset.x if offset.x < fixed else int(self.scroll_x) + offset.x, self._widths)
            if column is not None:
                self.post_message(self.SortAsked(column))
            return
        self.move_cursor(int(self.scroll_y) + offset.y - 1)


def frozen_id(strip: Strip, scroll_x: int, width: int, fixed: int) -> Strip:
    """The line as seen from scroll_x, its first column (the deal id) kept in place: scrolling right
    never loses which deal a line is."""
    if scroll_x <= 0 or width <= fixed:
        return strip.crop(scroll_x, scroll_x + width)
    return Strip.join([strip.crop(0, fixed), strip.crop(fixed + scroll_x, scroll_x + width)])


def header_label(key: str, label: str, width: int, sorted_: tuple[str, bool]) -> str:
    """A column's header, with ▼ (or ▲ reversed) on the sorted one, kept within the column."""
    if key != sorted_[0]:
        return label
    arrow = "▲" if sorted_[1] else "▼"
    return label + arrow if len(label) < width else label[: width - 1] + arrow


def column_at(x: int, widths: Sequence[int]) -> str | None:
    """The key of the column under a line's x (padding included)."""
    left = 0
    for (key, _, _, _), width in zip(COLUMNS, widths):
        left += width + 2 * PADDING
        if x < left:
            return key
    return None
