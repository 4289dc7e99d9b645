"""The board's scenario mode: change keys go to a what-if scenario, and keys to save, load, commit or discard it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.message import Message

from ledger import Event, LedgerError
from queries import moves
from queries.scenario_files import read_scenario, write_scenario
from tui.board.actions import Change, Refusal
from tui.board.forms import ValueForm
from tui.text import money, plain
from tui.whatif.confirm import ConfirmScreen
from tui.whatif.draft import changes_of, events_of, summary
from tui.whatif.panel import ScenarioPanel

if TYPE_CHECKING:
    from tui.board.host import BoardHost

    _Base = BoardHost  # the screen that mixes this in, as its own module says it (screen.py imports this one)
else:
    _Base = object


class ScenarioKeys(_Base):
    """Mixed into the board screen before ChangeKeys: in scenario mode, a change is tried, never written."""

    draft: list[Change] | None = None  # the scenario's changes, in order; None outside scenario mode
    scenario_file: Path | None = None  # the file last saved or loaded

    class Tried(Message):
        """A scenario tried in a worker: adopted when the ledger accepts it (error None)."""

        def __init__(self, candidate: list[Change] | None, view: Any, said: str, error: str | None) -> None:
            super().__init__()
            self.candidate, self.view, self.said, self.error = candidate, view, said, error

    class Committed(Message):
        """A scenario committed in a worker: what was appended, and the changes left when one was refused."""

        def __init__(self, result: Any, rest: list[Change], view: Any) -> None:
            super().__init__()
            self.result, self.rest, self.view = result, rest, view

    def scenario_events(self) -> tuple[Event, ...] | None:
        return None if self.draft is None else events_of(self.draft)

    # -- change keys, redirected ------------------------------------------------------------------

    def take(self, changes: list[Change], undo: bool) -> None:
        if self.draft is None:
            super().take(changes, undo)  # type: ignore[safe-super]
            return
        current = list(self.draft)
        said = "; ".join(summary(e) for e in events_of(changes))
        self.try_changes(lambda: current + changes, f"in the scenario (not written): {said}")

    def action_undo(self) -> None:
        if self.draft is None:
            super().action_undo()  # type: ignore[safe-super]
            return
        if not self.draft:
            self.say("nothing to take out: the scenario is empty")
            return
        current = list(self.draft)
        self.try_changes(lambda: current[:-1], f"taken out of the scenario: {summary(events_of(current[-1:])[0])}")

    # -- the scenario keys ------------------------------------------------------------------------

    def action_whatif(self) -> None:
        if self.draft is None:
            if self.view is not None and self.view.read_only:
                self.say(self.why_not() or "read-only", error=True)
                return
            self.draft = []
            self._mode_changed()
            self.say("what-if scenario: change keys now try changes here; nothing is written to the ledger")
            self.reload()
        elif self.draft:
            self.say(f"the scenario holds {len(self.draft)} change(s): {self.key_of('whatif-commit')} commits them, "
                     f"{self.key_of('whatif-save')} saves them, {self.key_of('whatif-discard')} discards them",
                     error=True)
        else:
            self._leave("left the what-if scenario: change keys write to the ledger again")

    def action_whatif_discard(self) -> None:
        if self.draft is None:
            self.say(f"no scenario to discard: {self.key_of('whatif')} starts one")
            return
        self._leave(f"scenario discarded ({len(self.draft)} change(s)); nothing was written to the ledger")

    def action_whatif_big_to_should(self) -> None:
        if self.draft is None:
            self.action_whatif()
            if self.draft is None:
                return

        def build() -> list[Change]:
            view = self.view
            if view is None or view.forecast is None:
                raise Refusal("no forecast yet")
            events = moves.big_to_should(moves.Board(view.forecast, view.stages))
            if not events:
                big = f"from {money(view.forecast.big_at)}" if view.forecast.big_at else "none without a target"
                raise Refusal(f"no open must-have deal is big ({big}): nothing to move")
            versions = [self.table.deals[e.deal_id or ""].version for e in events]
            return changes_of(events, versions, self.table.deals)

        self.submit(build)

    def action_whatif_save(self) -> None:
        if not self.draft:
            self.say("nothing to save: the scenario is empty" if self.draft is not None
                     else f"no scenario to save: {self.key_of('whatif')} starts one")
            return
        events = events_of(self.draft)

        def save(path: Path | None) -> None:
            if path is None:
                self.say("not saved")
                return
            try:
                write_scenario(path, events, ledger=self.data.path)
            except LedgerError as err:
                self.say(str(err), error=True)
                return
            self.scenario_file = path
            self.say(f"saved {len(events)} event(s) to {plain(path)}; nothing was written to the ledger")

        self.app.push_screen(self._file_form("Save the scenario to"), save)

    def action_whatif_load(self) -> None:
        if self.draft is None:
            self.action_whatif()
            if self.draft is None:
                return
        current, deals = list(self.draft), dict(self.table.deals)

        def load(path: Path | None) -> None:
            if path is None:
                self.say("nothing loaded")
                return

            def make() -> list[Change]:
                loaded = read_scenario(path)
                staged = self.data.stage([*events_of(current), *loaded])
                versions = [s.expect_version for s in staged[len(current):]]
                return current + changes_of(loaded, versions, deals)

            self.scenario_file = path
            self.try_changes(make, f"added the events of {plain(path)} to the scenario")

        self.app.push_screen(self._file_form("Add to the scenario the events of"), load)

    def action_whatif_commit(self) -> None:
        if not self.draft:
            self.say("nothing to commit: the scenario is empty" if self.draft is not None
                     else f"no scenario to commit: {self.key_of('whatif')} starts one")
            return
        changes = list(self.draft)
        question = Text(f"Commit {len(changes)} change(s) to the ledger {self.data.path}?\n", style="bold")
        question.append("Each is appended as its own event, checked against the deal's version the scenario saw; "
                        "a conflict stops the commit.\n\n")
        for n, event in enumerate(events_of(changes), start=1):
            question.append(f"{n:>3}. {summary(event)}\n")

        def answer(yes: bool | None) -> None:
            if not yes:
                self.say("not committed; the scenario is kept")
            elif self.writing:
                self.say("a change is being saved: commit again in a moment", error=True)
            else:
                self.writing = True
                self.commit_scenario(changes, self.period, self.owner)

        self.app.push_screen(ConfirmScreen(question), answer)

    # -- workers and their messages ---------------------------------------------------------------

    def try_changes(self, make: Callable[[], list[Change]], said: str) -> None:
        self.writing = True
        self.try_scenario(make, said, self.period, self.owner)

    @work(thread=True, group="write", exit_on_error=False)
    def try_scenario(self, make: Callable[[], list[Change]], said: str, period: str | None,
                     owner: str | None) -> None:
        try:
            candidate = make()
        except (LedgerError, Refusal) as err:
            self.post_message(self.Tried(None, None, said, str(err)))
            return
        view = self.data.load(period, owner, events_of(candidate))
        self.post_message(self.Tried(candidate, view, said, view.scenario_error or view.error))

    @work(thread=True, group="write", exit_on_error=False)
    def commit_scenario(self, changes: list[Change], period: str | None, owner: str | None) -> None:
        result = self.data.apply(changes)
        rest = changes[len(result.applied):]
        view = self.data.load(period, owner, events_of(rest) if result.refused else None)
        self.post_message(self.Committed(result, rest, view))

    def on_scenario_keys_tried(self, message: ScenarioKeys.Tried) -> None:
        self.writing = False
        if message.error is not None or message.candidate is None:
            self.say(f"not tried: {message.error}. The scenario is unchanged.", error=True)
        elif self.draft is not None:
            self.draft = message.candidate
            self.show(message.view)
            self.say(message.said)
        if self.pending:
            self.pending.popleft()()

    def on_scenario_keys_committed(self, message: ScenarioKeys.Committed) -> None:
        self.writing = False
        result = message.result
        self.undo_stack.extend(result.applied)
        lines = ", ".join(f"line {a.line}: {a.summary}" for a in result.applied) or "none"
        if result.refused:
            self.draft = list(message.rest)
            self.say(f"commit stopped: {len(result.applied)} change(s) written ({lines}); refused: {result.refused} "
                     f"The {len(message.rest)} change(s) not written stay in the scenario "
                     f"({self.key_of('whatif-discard')} discards them).", error=True)
        else:
            self.draft = None
            self.say(f"committed {len(result.applied)} change(s) to the ledger ({lines}); "
                     f"{self.key_of('undo')} undoes them one at a time")
        self._mode_changed()
        self.show(message.view)
        if self.pending:
            self.pending.popleft()()

    # -- showing the mode -------------------------------------------------------------------------

    def _leave(self, said: str) -> None:
        self.draft = None
        self._mode_changed()
        self.say(said)
        self.reload()

    def _mode_changed(self) -> None:
        active = self.draft is not None
        self.set_class(active, "-scenario")
        panel = self.query_one(ScenarioPanel)
        panel.display = active
        if active:
            self.show_scenario(None)

    def show_scenario(self, view: Any) -> None:
        """The banner and the figures, for the view shown (None while it is computed)."""
        if self.draft is None:
            return
        keys = {key_id: self.key_of(key_id) for key_id in (
            "whatif", "whatif-big", "whatif-save", "whatif-load", "whatif-commit", "whatif-discard", "whatif-fold",
            "undo")}
        self.query_one(ScenarioPanel).show(view, len(self.draft), keys)

    def action_whatif_fold(self) -> None:
        if self.draft is None:
            self.say(f"no scenario to fold: {self.key_of('whatif')} starts one")
            return
        folded = self.query_one(ScenarioPanel).fold()
        self.say("the scenario's figures folded: five across" if folded else "every figure of the scenario shown")

    def on_resize(self) -> None:
        if self.draft is not None:
            self.query_one(ScenarioPanel).fit()

    def _file_form(self, title: str) -> ValueForm:
        default = self.scenario_file or self.data.path.with_name(f"{self.data.path.stem}.whatif.jsonl")
        return ValueForm(Text(title, style="bold"), "File", str(default), _scenario_path)


def _scenario_path(text: str) -> Path:
    if not text.strip():
        raise ValueError("give a file name, such as whatif.jsonl")
    return Path(text.strip()).expanduser()
