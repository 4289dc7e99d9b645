"""The command palette's commands: every action a key does on the screen in front, found by its words or its id."""

from __future__ import annotations

from functools import partial

from rich.markup import escape
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.board.keys import ALL_KEYS, APP_KEYS, MOVES, BoardKey, display_keys
from tui.history.keys import HISTORY_KEYS, OPEN_KEYS

ANYWHERE = tuple(k for k in APP_KEYS + OPEN_KEYS if k.id != "command-palette")  # app-level: any screen


def _action_name(action: str) -> str:
    """`stage(1)` -> `stage`; `app.help` -> `help`."""
    return action.removeprefix("app.").split("(", 1)[0]


class BoardCommands(Provider):
    """Each key of the screen the palette was opened from, the app's and the history's, as a command."""

    def _keys(self) -> list[BoardKey]:
        screen = self.screen
        ids = {b.id for b in getattr(screen, "BINDINGS", ()) if isinstance(b, Binding) and b.id}
        focused = screen.focused
        keys: dict[str, BoardKey] = {}
        for key in (*ALL_KEYS, *HISTORY_KEYS):
            if key.id in keys:
                continue
            if key in ANYWHERE or key.id in ids or (
                    key in MOVES and hasattr(focused, f"action_{_action_name(key.action)}")):
                keys[key.id] = key
        return list(keys.values())

    async def _run(self, key: BoardKey) -> None:
        action = key.action
        if action.startswith("app."):
            await self.app.run_action(action[4:])
        elif key in MOVES and hasattr(self.screen.focused, f"action_{_action_name(action)}"):
            await self.app.run_action(action, self.screen.focused)  # the table moves its own cursor, as its keys do
        else:
            await self.app.run_action(action, self.screen)

    def _help(self, key: BoardKey) -> str:
        keymap = getattr(self.app, "keymap", {})
        # the palette reads help as markup, and keys may come from the user's keymap file
        return escape(f"key: {display_keys(keymap.get(key.id, key.keys))}   id: {key.id}")

    async def discover(self) -> Hits:
        for key in self._keys():
            yield DiscoveryHit(key.description, partial(self._run, key), help=self._help(key))

    async def search(self, query: str) -> Hits:
        """A key matches by its words (`replay`) or by its binding id (`history-replay`, `promote`)."""
        matcher = self.matcher(query)
        for key in self._keys():
            by_words, by_id = matcher.match(key.description), matcher.match(key.id)
            if by_words > 0 or by_id > 0:
                shown = matcher.highlight(key.description) if by_words >= by_id else key.description
                yield Hit(max(by_words, by_id), shown, partial(self._run, key),
                          text=key.description, help=self._help(key))
