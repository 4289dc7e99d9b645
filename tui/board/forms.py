"""The modal forms a change asks for: one value, a next action, a new deal, a split into tranches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static

from ledger.calendar import zone
from ledger.events import PRIORITIES, SplitPart
from tui import parse
from tui.board.keys import FORM_KEYS, binding
from tui.text import exact_money, money, plain

T = TypeVar("T")


def _bindings(*ids: str) -> list[Binding]:
    keys = {k.id: k for k in FORM_KEYS}
    return [binding(keys[i]) for i in ids]


def _input(value: str = "", **options: Any) -> Input:
    return Input(value, compact=True, **options)


def _select(values: Sequence[str], **options: Any) -> Select[str]:
    return Select([(Text(plain(v)), v) for v in values], compact=True, **options)


class Form(ModalScreen[T]):
    """A form over the board: ctrl+s or enter saves, escape cancels; a wrong value is said beside it."""

    BINDINGS: ClassVar[list[Binding]] = _bindings("form-cancel", "form-save")
    title_text: Text = Text()
    error_text = ""  # why the last save was refused
    amount_inputs: tuple[str, ...] = ()  # inputs holding an amount: what each reads as is shown while typed

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.title_text, id="form-title")
            yield from self.fields()
            if self.amount_inputs:
                yield Static("", id="form-reading")
            yield Static("", id="form-error")
            yield Static(Text("enter or ctrl+s: save   esc: cancel", style="dim"), id="form-hint")

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def result(self) -> T:
        """The form's value; raises InputError with a message for people."""
        raise NotImplementedError

    def value_of(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        try:
            value = self.result()
        except (parse.InputError, ValueError) as err:
            self.error_text = str(err)
            self.query_one("#form-error", Static).update(Text(self.error_text))
            return
        self.dismiss(value)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def on_mount(self) -> None:
        self.show_reading()

    @on(Input.Changed)
    def show_reading(self) -> None:
        """Say what each amount typed reads as (12,5 is 12.50 or 125 by the decimal mark), before it is saved."""
        if not self.amount_inputs:
            return
        line = Text()
        for widget_id in self.amount_inputs:
            text = self.value_of(widget_id).strip()
            if not text:
                continue
            try:
                line.append(f"reads as {exact_money(parse.amount(text))}", style="dim")
            except parse.InputError as err:
                line.append(str(err), style="yellow")
            line.append("  ")
        self.query_one("#form-reading", Static).update(line)


def _row(label: str, widget: Any) -> ComposeResult:
    with Horizontal(classes="form-row"):
        yield Label(label, classes="form-label")
        yield widget


class ValueForm(Form[T]):
    """One value typed in, such as an amount, a close date, an owner or a target."""

    def __init__(self, title: Text, label: str, initial: str, read: Callable[[str], T],
                 suggestions: Sequence[str] = ()) -> None:
        super().__init__()
        self.title_text, self.label, self.initial, self.read = title, label, initial, read
        self.suggestions = list(suggestions)
        self.amount_inputs = ("value",) if read is parse.amount else ()

    def fields(self) -> ComposeResult:
        suggester = SuggestFromList(self.suggestions, case_sensitive=False) if self.suggestions else None
        yield from _row(self.label, _input(self.initial, id="value", suggester=suggester, select_on_focus=True))

    def result(self) -> T:
        return self.read(self.value_of("value"))


class NextActionForm(Form[tuple[str, dt.date | None]]):
    """The deal's next action and when it is due."""

    def __init__(self, title: Text, text: str, due: dt.date | None, today: dt.date) -> None:
        super().__init__()
        self.title_text, self.text, self.due = title, text, due or today + dt.timedelta(days=2)

    def fields(self) -> ComposeResult:
        yield from _row("Next action", _input(self.text, id="text", placeholder="call the buyer"))
        yield from _row("Due", _input(self.due.isoformat(), id="due", placeholder="YYYY-MM-DD or none"))

    def result(self) -> tuple[str, dt.date | None]:
        text = self.value_of("text").strip()
        if not text:
            raise parse.InputError("say what the next action is, such as: send the revised quote")
        return text, parse.optional_date(self.value_of("due"))


class NewDealForm(Form[dict[str, Any]]):
    """A new deal: id, name, account, owner, stage, amount, priority, close date.

    The name has the focus: the id is minted already and rarely changed, and what one types after `n` is
    the deal's name (on the id, the first field, it replaced the id).
    """

    AUTO_FOCUS = "#name"

    def __init__(self, deal_id: str, owner: str, owners: Sequence[str], stages: Sequence[str]) -> None:
        super().__init__()
        self.title_text = Text("New deal", style="bold")
        self.amount_inputs = ("amount",)
        self.deal_id, self.owner, self.owners, self.stages = deal_id, owner, list(owners), list(stages)

    def fields(self) -> ComposeResult:
        yield from _row("Id", _input(self.deal_id, id="deal"))
        yield from _row("Name", _input(id="name", placeholder="Acme renewal"))
        yield from _row("Account", _input(id="account", placeholder="optional"))
        yield from _row("Owner", _input(self.owner, id="owner", suggester=SuggestFromList(self.owners)))
        yield from _row("Stage", _select(self.stages, value=self.stages[0], id="stage"))
        yield from _row("Amount", _input(id="amount", placeholder="5k"))
        yield from _row("Priority", _select(PRIORITIES, value="should", id="priority"))
        yield from _row("Close date", _input(id="close_date", placeholder="YYYY-MM-DD, optional"))

    def result(self) -> dict[str, Any]:
        name, owner = self.value_of("name").strip(), self.value_of("owner").strip()
        if not name or not owner:
            missing = " and ".join(what for what, given in (("a name", name), ("an owner", owner)) if not given)
            raise parse.InputError(f"a deal needs {missing}")
        account = self.value_of("account").strip() or None
        close = parse.optional_date(self.value_of("close_date"))
        fields = dict(deal=self.value_of("deal").strip(), name=name, owner=owner,
                      stage=self.query_one("#stage", Select).value,
                      amount=parse.amount(self.value_of("amount")),
                      priority=self.query_one("#priority", Select).value, account=account, close_date=close)
        return {k: v for k, v in fields.items() if v is not None}


def tranche_priority(parent: str, n: int) -> str:
    """The first tranche keeps the parent's priority (its part of progress stays as it was); the others
    start one step lower (a must-have's rest is a back-up, should-have)."""
    if n == 0:
        return parent
    return PRIORITIES[min(PRIORITIES.index(parent) + 1, len(PRIORITIES) - 1)]


class SplitForm(Form[list[SplitPart]]):
    """A big deal broken into tranches, each with its own amount, priority and optional close date."""

    BINDINGS: ClassVar[list[Binding]] = _bindings("form-cancel", "form-save", "form-add-tranche")

    def __init__(self, title: Text, amount: Decimal, ids: Sequence[str], next_ids: Callable[[int], list[str]],
                 priority: str = "must", close_date: dt.date | None = None, next_action: str | None = None) -> None:
        super().__init__()
        self.title_text, self.amount, self.ids, self.next_ids = title, amount, list(ids), next_ids
        self.priority, self.close_date, self.next_action = priority, close_date, next_action
        self.rows = 0

    def fields(self) -> ComposeResult:
        hint = "tranche id, amount, priority, close date (empty: none)   ctrl+n: add a tranche"
        if self.next_action:
            hint += f"\neach tranche keeps the next action: {plain(self.next_action, 60)}"
        yield Static(Text(hint, style="dim"))
        with VerticalScroll(id="tranches"):
            for deal_id in self.ids:
                yield self._tranche(deal_id, self.amount / len(self.ids))
        yield Static("", id="split-sum")

    def _tranche(self, deal_id: str, amount: Decimal) -> Horizontal:
        n = self.rows
        self.rows += 1
        return Horizontal(
            _input(deal_id, id=f"id-{n}", classes="tranche-id"),
            _input(f"{amount:.0f}", id=f"amount-{n}", classes="tranche-amount"),
            _select(PRIORITIES, value=tranche_priority(self.priority, n), id=f"priority-{n}",
                    classes="tranche-priority"),
            _input(self.close_date.isoformat() if self.close_date else "", id=f"close-{n}", placeholder="YYYY-MM-DD",
                   classes="tranche-close"),
            classes="tranche",
        )

    def on_mount(self) -> None:
        self._update_sum()  # the tranches' sum says what the amounts read as

    def action_add_tranche(self) -> None:
        taken = [self.value_of(f"id-{n}") for n in range(self.rows)]
        new_id = next(i for i in self.next_ids(self.rows + 1) if i not in taken)
        self.query_one("#tranches", VerticalScroll).mount(self._tranche(new_id, 0))

    @on(Input.Changed)
    def _update_sum(self) -> None:
        try:
            total = sum(parse.amount(self.value_of(f"amount-{n}")) for n in range(self.rows))
        except parse.InputError:
            return
        gap = "" if total == self.amount else "  (not the deal's amount; that is allowed)"
        self.query_one("#split-sum", Static).update(
            Text(f"tranches add up to {money(total)} of {money(self.amount)}{gap}",
                 style="dim"))

    def result(self) -> list[SplitPart]:
        parts = []
        for n in range(self.rows):
            deal_id = self.value_of(f"id-{n}").strip()
            if not deal_id:
                continue  # a blank id drops the row
            parts.append(SplitPart(
                deal=deal_id, amount=parse.amount(self.value_of(f"amount-{n}")),
                priority=str(self.query_one(f"#priority-{n}", Select).value),
                close_date=parse.optional_date(self.value_of(f"close-{n}"))))
        if not parts:
            raise parse.InputError("a split needs at least one tranche with an id")
        return parts


class SettingsForm(Form[dict[str, Any]]):
    """The ledger's settings for the whole team: time zone, currency, order value, big-deal threshold."""

    LABELS: ClassVar[dict[str, tuple[str, str]]] = {
        "tz": ("Time zone", "an IANA name such as Asia/Ho_Chi_Minh; none: each line's own offset"),
        "currency": ("Currency", "USD, VND, EUR ... (for display); none to clear"),
        "order_value": ("Order value", "a typical order, such as 8k; none to clear"),
        "big_at": ("Big from", "the amount from which a deal is big; none: 25% of the target"),
    }

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__()
        self.title_text = Text("Ledger settings (for the whole team: appended as one settings_changed)",
                               style="bold")
        self.current = dict(current)
        self.amount_inputs = ()

    def fields(self) -> ComposeResult:
        for name, (label, hint) in self.LABELS.items():
            value = self.current.get(name)
            shown = "" if value is None else (exact_money(value) if isinstance(value, Decimal) else str(value))
            yield from _row(label, _input(shown, id=f"setting-{name}", placeholder=hint))

    def result(self) -> dict[str, Any]:
        """Only what changed: a name to its new value (None returns it to its default)."""
        changed: dict[str, Any] = {}
        for name in self.LABELS:
            text = self.value_of(f"setting-{name}").strip()
            value: Any = None if text.lower() in ("", "none") else text
            if value is not None and name == "tz":
                zone(value)  # an unknown zone is said here (ValueError), before anything is written
            elif value is not None and name == "currency":
                value = value.upper()
                if len(value) != 3 or not value.isalpha():
                    raise parse.InputError(f"currency must be a three-letter code such as USD, not {text!r}")
            elif value is not None:
                value = parse.amount(value)
            if value != self.current.get(name):
                changed[name] = value
        if not changed:
            raise parse.InputError("nothing changed: edit a setting, or esc to leave")
        return changed
