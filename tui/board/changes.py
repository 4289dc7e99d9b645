"""The board's change keys: each builds one event from the deal under the cursor, writes it, and can undo it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text

from queries.model import ForecastDeal
from tui import parse
from tui.board import actions
from tui.board.actions import Change, Refusal
from tui.board.forms import NewDealForm, NextActionForm, SettingsForm, SplitForm, ValueForm
from tui.board.promotions import proposed
from tui.text import money, plain

if TYPE_CHECKING:
    from tui.board.host import BoardHost

    _Base = BoardHost  # the screen that mixes this in, as its own module says it (screen.py imports this one)
else:
    _Base = object

Build = Callable[[], "Change | list[Change]"]


def _title(verb: str, deal: ForecastDeal) -> Text:
    text = Text(f"{verb} ", style="bold")
    text.append(f"{plain(deal.deal)}  {plain(deal.name, 60)}")
    return text


class ChangeKeys(_Base):
    """Mixed into the board screen; one method per change key."""

    # -- the gate every change goes through -----------------------------------------------------

    def why_not(self) -> str | None:
        view = self.view
        if view is None:
            return "the ledger is still loading"
        if view.read_only:
            first = view.problems[0]
            return (f"read-only: the ledger has {len(view.problems)} problem(s), first "
                    f"{plain(first.path)}:{first.line}: {plain(first.reason, 120)}. Fix the file by hand "
                    "(`dealbook check` lists them), then press r. Nothing was written.")
        if view.forecast is None:
            return "no forecast to change from (see the note above); nothing was written"
        return None

    def submit(self, build: Build, undo: bool = False) -> None:
        """Build the change now (or once the change being saved is shown) and write it."""
        if (why := self.why_not()) is not None:
            self.say(why, error=True)
            return
        if self.writing:
            self.pending.append(lambda: self.submit(build, undo))
            return
        try:
            built = build()
        except Refusal as refusal:
            self.say(str(refusal), error=True)
            return
        changes = built if isinstance(built, list) else [built]
        if changes:
            self.take(changes, undo)

    def take(self, changes: list[Change], undo: bool) -> None:
        """Where built changes go: the ledger (scenario mode sends them to its draft instead)."""
        self.writing = True
        self.write(changes, undo, self.period, self.owner)

    def on_board_screen_written(self, message: Any) -> None:
        result, undo = message.result, message.undo
        self.writing = False
        if not undo:
            self.undo_stack.extend(result.applied)
        if result.refused:
            again = " The board has reloaded: look again, then decide." if result.conflict else ""
            done = f"{len(result.applied)} change(s) were written first. " if result.applied else ""
            self.say(f"{done}Refused: {result.refused}{again}", error=True)
            if result.conflict:
                self.app.notify(plain(result.refused, 300), title="Changed by someone else", severity="warning",
                                markup=False)
        elif result.unchanged and not result.applied:
            self.say(result.unchanged)
        elif result.applied:
            first, last = result.applied[0], result.applied[-1]
            version = f" (version {last.version_after})" if last.version_after else ""
            undoable = last.inverse.event_type is not None
            hint = f" · {self.key_of('undo')} undoes" if undoable and not undo else ""
            if len(result.applied) == 1:
                self.say(f"{'undone: ' if undo else ''}line {last.line}: {last.summary}{version}{hint}")
            else:
                self.say(f"lines {first.line}-{last.line}: {len(result.applied)} changes "
                         f"({'; '.join(a.summary for a in result.applied)}){hint} (one at a time)")
        self.show(message.view)
        if message.view.provisional:
            self.confirm_soon()
        if self.pending:
            self.pending.popleft()()

    # -- helpers ---------------------------------------------------------------------------------

    def on_deal(self, build: Callable[[ForecastDeal], Change]) -> None:
        """A change to the deal under the cursor, found again by id when the change is built."""
        if (why := self.why_not()) is not None:
            self.say(why, error=True)
            return
        deal = self.table.selected
        if deal is None:
            self.say("no deal under the cursor" + (" (the filter hides them all)" if self.needle else ""),
                     error=True)
            return
        deal_id = deal.deal

        def build_now() -> Change:
            current = self.table.deal(deal_id)
            if current is None:
                raise Refusal(f"{plain(deal_id)} is no longer on this board")
            return build(current)

        self.submit(build_now)

    def ask(self, form: Any, then: Callable[[Any], Change | list[Change]]) -> None:
        if (why := self.why_not()) is not None:
            self.say(why, error=True)
            return

        def done(value: Any) -> None:
            if value is None:
                self.say("cancelled; nothing was written")
            else:
                self.submit(lambda: then(value))

        self.app.push_screen(form, done)

    def ask_deal(self, make_form: Callable[[ForecastDeal], Any],
                 then: Callable[[ForecastDeal, Any], Change]) -> None:
        if (why := self.why_not()) is not None:
            self.say(why, error=True)
            return
        deal = self.table.selected
        if deal is None:
            self.say("no deal under the cursor", error=True)
            return
        deal_id = deal.deal

        def build(value: Any) -> Change:
            current = self.table.deal(deal_id)
            if current is None:
                raise Refusal(f"{plain(deal_id)} is no longer on this board")
            if current.version != deal.version:  # it changed while the form was open
                return then(deal, value)  # the stale version makes the write refuse it, as it should
            return then(current, value)

        self.ask(make_form(deal), build)

    # -- the keys --------------------------------------------------------------------------------

    def action_stage(self, step: int) -> None:
        self.on_deal(lambda d: actions.move_stage(d, self.view.stages, step))

    def action_priority(self, step: int) -> None:
        self.on_deal(lambda d: actions.move_priority(d, step))

    def action_won(self) -> None:
        self.confirm_close("won")

    def action_lost(self) -> None:
        self.confirm_close("lost")

    def confirm_close(self, kind: str) -> None:
        """w and l sit beside j and k: closing a deal for real (not in a scenario) is asked first."""
        deal = self.table.selected
        if self.scenario_events() is not None or deal is None or self.why_not() is not None:
            self.on_deal(lambda d: actions.close_as(d, self.view.stages, kind))  # says why, or goes to the draft
            return
        from tui.whatif.confirm import ConfirmScreen

        question = _title(f"Mark as {kind.upper()}:", deal)
        question.append(f"\namount {money(deal.amount)}; one stage_changed is appended (u undoes it)")

        def answer(yes: bool | None) -> None:
            if yes:
                self.on_deal(lambda d: actions.close_as(d, self.view.stages, kind))
            else:
                self.say(f"not marked {kind}; nothing was written")

        self.app.push_screen(ConfirmScreen(question), answer)

    def action_inactive(self) -> None:
        self.on_deal(lambda d: actions.toggle_inactive(d, self.view.stages, self.view.parked_from.get(d.deal)))

    def action_amount(self) -> None:
        self.ask_deal(lambda d: ValueForm(_title("Amount of", d), "Amount", money(d.amount), parse.amount),
                      actions.set_amount)

    def action_close_date(self) -> None:
        self.ask_deal(
            lambda d: ValueForm(_title("Close date of", d), "Close date",
                                d.close_date.isoformat() if d.close_date else "", parse.optional_date),
            actions.set_close_date)

    def action_owner(self) -> None:
        owners = list(self.view.owners) if self.view else []
        self.ask_deal(lambda d: ValueForm(_title("Owner of", d), "Owner", d.owner, str.strip, owners),
                      actions.set_owner)

    def action_next_action(self) -> None:
        self.ask_deal(lambda d: NextActionForm(_title("Next action for", d), d.next_action or "", d.due,
                                               self.today()),
                      lambda d, value: actions.set_next_action(d, *value))

    def action_split(self) -> None:
        taken = set(self.view.taken()) if self.view else set()
        self.ask_deal(
            lambda d: SplitForm(_title("Split", d), d.amount, actions.tranche_ids(d.deal, 2, taken),
                                lambda n, deal_id=d.deal: actions.tranche_ids(deal_id, n, taken),
                                d.priority, d.close_date, d.next_action),
            lambda d, parts: actions.split_keeping_next_action(d, parts, taken))

    def action_new_deal(self) -> None:
        view = self.view
        if view is None:
            return
        taken = set(view.taken())
        owner = self.owner or self.data.by or (view.owners[0] if view.owners else "")
        form = NewDealForm(actions.next_deal_id(taken), owner, view.owners, actions.stage_choices(view.stages))
        self.ask(form, lambda fields: actions.open_deal(fields, taken))

    def action_target(self) -> None:
        view = self.view
        if view is None or self.period is None:
            return
        period, owner = self.period, self.owner
        current = view.targets.get((period, owner))
        title = Text(f"Target for {period}, {'the team' if owner is None else plain(owner)}", style="bold")
        form = ValueForm(title, "Target", money(current) if current is not None else "", parse.amount)
        self.ask(form, lambda amount: actions.set_target(period, owner, amount, view.targets))

    def action_ledger_settings(self) -> None:
        view = self.view
        if view is None:
            return
        current = dict(view.settings)
        self.ask(SettingsForm(current), lambda changed: actions.change_settings(changed, current))

    def action_promote(self) -> None:
        deals = proposed(self.view.forecast if self.view else None)
        if self.view is not None and self.view.forecast is not None and not deals:
            self.say("nothing to promote: " + ("on track" if self.view.forecast.on_track
                                                else "no should- or could-have deal can close in time"))
            return
        self.submit(lambda: actions.promote(proposed(self.view.forecast if self.view else None)))

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.say("nothing to undo: you have made no change in this session")
            return
        last = self.undo_stack[-1]
        if last.inverse.event_type is None:
            self.say(f"cannot undo line {last.line} ({last.summary}): {last.inverse.impossible}", error=True)
            return
        self.undo_stack.pop()
        self.submit(lambda: actions.undo_change(last.inverse, last.version_after), undo=True)
