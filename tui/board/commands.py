"""The command palette's board commands: every action a key does, findable by its words."""

from __future__ import annotations

from functools import partial

from rich.markup import escape
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.board.keys import ALL_KEYS, BoardKey, display_keys


class BoardCommands(Provider):
    """Each board key as a command, with its current keys as help."""

    def _keys(self) -> list[BoardKey]:
        return [k for k in ALL_KEYS if k.id != "command-palette"]

    async def _run(self, key: BoardKey) -> None:
        action = key.action
        if action.startswith("app."):
            await self.app.run_action(action[4:])
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
        matcher = self.matcher(query)
        for key in self._keys():
            score = matcher.match(key.description)
            if score > 0:
                yield Hit(score, matcher.highlight(key.description), partial(self._run, key),
                          text=key.description, help=self._help(key))
