"""The board's keys for looking around: whose deals and which period are shown, in what order, filtered how,
and a deal's detail or the deals to update. They change what is shown, never the ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Input

from queries.moments import period_bounds, resize_period, shift_period
from tui.board.deals_table import DealsTable
from tui.board.header import BoardHeader
from tui.board.rows import SORTS, sort_of_column, sort_words
from tui.text import money, plain

if TYPE_CHECKING:
    from tui.board.host import BoardHost

    _Base = BoardHost  # the screen that mixes this in (see changes.py)
else:
    _Base = object


class LookingKeys(_Base):
    """Owner, period, period size, orders, sorts, the filter, a deal's detail, the deals to update."""

    def action_reload(self) -> None:
        self.say("reloading…")
        self.reload()

    def action_cycle_owner(self) -> None:
        owners = list(self.view.owners) if self.view else []
        cycle: list[str | None] = [None, *owners]
        index = cycle.index(self.owner) if self.owner in cycle else 0
        self.owner = cycle[(index + 1) % len(cycle)]
        self.say(f"showing {'the team' if self.owner is None else plain(self.owner)}")
        self.reload()

    def action_period(self, step: int) -> None:
        if self.period is None:
            return
        self.period = shift_period(self.period, step)
        self.say(f"showing {self.period}")
        self.reload()

    def action_orders(self) -> None:
        """Target, won, progress and needed in orders of the team's order value, or in money again."""
        header = self.query_one(BoardHeader)
        header.in_orders = not header.in_orders
        if self.view is not None:
            header.show(self.view)
        value = self.view.settings.get("order_value") if self.view is not None else None
        if not header.in_orders:
            self.say("counting in money")
        elif value:
            self.say(f"counting in orders of {money(value)} (the ledger's order value)")
        else:
            self.say("no order value set: Z sets the team's (or `dealbook settings --order-value 8k`)", error=True)

    def action_period_size(self) -> None:
        """Month, quarter, year, month again: the targets of a quarter or a year roll up from its months."""
        if self.period is None:
            return
        today = self.view.as_of.date() if self.view is not None else None
        self.period = resize_period(self.period, today or period_bounds(self.period)[0])
        self.say(f"showing {self.period}")
        self.reload()

    def action_sort(self) -> None:
        self.sort, self.sort_reverse = (self.sort + 1) % len(SORTS), False
        self._show_table()
        self.say(f"sorted by {sort_words(self.sort, False)} (within each priority); "
                 f"{self.key_of('sort-reverse')} reverses, a click on a header sorts by it")

    def action_sort_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._show_table()
        self.say(f"sorted by {sort_words(self.sort, self.sort_reverse)} (within each priority)")

    def on_deals_table_sort_asked(self, message: DealsTable.SortAsked) -> None:
        sort = sort_of_column(message.column)
        if sort is None:
            self.say(f"nothing sorts by that column; {self.key_of('sort')} cycles the sorts")
        elif sort == self.sort:
            self.action_sort_reverse()
        else:
            self.sort, self.sort_reverse = sort, False
            self._show_table()
            self.say(f"sorted by {sort_words(sort, False)} (within each priority); a click again reverses")

    def action_deal_detail(self) -> None:
        deal, view = self.table.selected, self.view
        if deal is None or view is None or view.forecast is None:
            self.say("no deal under the cursor")
            return
        from tui.board.detail import DealDetail

        self.app.push_screen(DealDetail(deal, view.forecast, view.stages, self.today(), self.data.path, view.as_of))

    def action_to_update(self) -> None:
        view = self.view
        if view is None or view.forecast is None:
            return
        from tui.board.to_update import ToUpdate

        def go(deal_id: str | None) -> None:
            if deal_id is None:
                return
            if deal_id not in {d.deal for d in self.table.shown}:
                self.action_clear_search()  # a filter hides it: the whole board again
            self.table.move_cursor(self.table.row_index(deal_id))

        self.app.push_screen(ToUpdate(view.forecast.deals, self.today()), go)

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        search.display = False
        self.needle = ""
        self._show_table()
        self.table.focus()
