"""Every board key: its binding id, default keys and words, and the user's keymap file that remaps them."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding

ENV_KEYMAP = "DEALBOOK_KEYMAP"


@dataclass(frozen=True)
class BoardKey:
    id: str  # the binding id a keymap file names
    keys: str  # Textual key names, comma-separated
    action: str
    description: str  # in the help screen and the command palette
    group: str  # change | view | whatif | app | move | form
    footer: str = ""  # the footer's short word; keys without one stay out of the footer

    @property
    def show(self) -> bool:
        return bool(self.footer)


CHANGES = (
    BoardKey("new-deal", "n", "new_deal", "New deal", "change", "New"),
    BoardKey("stage-forward", "greater_than_sign,full_stop", "stage(1)", "Stage forward", "change", "Stage›"),
    BoardKey("stage-back", "less_than_sign,comma", "stage(-1)", "Stage back", "change"),
    BoardKey("priority-up", "plus,equals_sign", "priority(-1)", "Priority up (toward must)", "change", "Must↑"),
    BoardKey("priority-down", "minus", "priority(1)", "Priority down (toward could)", "change"),
    BoardKey("amount", "a", "amount", "Set the amount", "change"),
    BoardKey("close-date", "c", "close_date", "Set the close date", "change"),
    BoardKey("owner", "o", "owner", "Hand the deal to another owner", "change"),
    BoardKey("split", "x", "split", "Split into tranches", "change"),
    BoardKey("won", "w", "won", "Mark won", "change"),
    BoardKey("lost", "l", "lost", "Mark lost", "change"),
    BoardKey("inactive", "i", "inactive", "Inactive, or back from inactive", "change"),
    BoardKey("next-action", "e", "next_action", "Set the next action and its due date", "change", "Next action"),
    BoardKey("target", "t", "target", "Set the target of this period", "change"),
    BoardKey("promote", "p", "promote", "Apply the proposed promotions", "change", "Promote"),
    BoardKey("undo", "u,ctrl+z", "undo", "Undo my last change", "change", "Undo"),
    BoardKey("ledger-settings", "Z", "ledger_settings", "Ledger settings: time zone, currency, order value, big deals",
             "change"),
)
VIEWS = (
    BoardKey("cycle-owner", "v", "cycle_owner", "Team or one owner (cycles)", "view", "Owner"),
    BoardKey("previous-period", "left_square_bracket", "period(-1)", "Previous month (quarter, year)", "view"),
    BoardKey("next-period", "right_square_bracket", "period(1)", "Next month (quarter, year)", "view"),
    BoardKey("period-size", "y", "period_size", "Month, quarter or year (cycles; targets roll up)", "view"),
    BoardKey("orders", "O", "orders", "Count the header's figures in orders of the order value (toggle)", "view"),
    BoardKey("search", "slash", "search", "Filter by name, account, owner or stage", "view", "Filter"),
    BoardKey("clear-search", "escape", "clear_search", "Clear the filter", "view"),
    BoardKey("sort", "s", "sort", "Sort by the next column (cycles; a click on a header sorts by it)", "view", "Sort"),
    BoardKey("sort-reverse", "I", "sort_reverse", "Reverse the sort (invert)", "view"),
    BoardKey("reload", "r", "reload", "Reload the ledger", "view"),
    BoardKey("to-update", "U", "to_update", "What to update: slipped deals first, overdue next actions, idle deals",
             "view"),
    BoardKey("deal-detail", "enter", "deal_detail", "The deal's detail: why it counts or not, its events, the stages",
             "view", "Detail"),
)
WHATIF = (  # the scenario keys act in scenario mode; the banner lists them there
    BoardKey("whatif", "W", "whatif", "What-if scenario: start one, or leave it", "whatif", "What-if"),
    BoardKey("whatif-big", "B", "whatif_big_to_should", "What-if: big must-haves to should", "whatif"),
    BoardKey("whatif-save", "S", "whatif_save", "Save the scenario to a file", "whatif"),
    BoardKey("whatif-load", "L", "whatif_load", "Add a scenario file's events", "whatif"),
    BoardKey("whatif-commit", "C", "whatif_commit", "Commit the scenario (asks first)", "whatif"),
    BoardKey("whatif-discard", "D", "whatif_discard", "Discard the scenario", "whatif"),
    BoardKey("whatif-fold", "F", "whatif_fold", "What-if: all the figures, or five across (folds the panel)", "whatif"),
)
APP_KEYS = (
    BoardKey("help", "question_mark,f1", "app.help", "Show every key", "app", "Keys"),
    BoardKey("command-palette", "ctrl+p", "app.command_palette", "Command palette", "app"),
    BoardKey("quit", "q,ctrl+c", "app.quit", "Quit", "app", "Quit"),
)
MOVES = (
    BoardKey("cursor-down", "down,j", "cursor_down", "Next deal", "move"),
    BoardKey("cursor-up", "up,k", "cursor_up", "Previous deal", "move"),
    BoardKey("page-down", "pagedown", "page_down", "Page down", "move"),
    BoardKey("page-up", "pageup", "page_up", "Page up", "move"),
    BoardKey("first-deal", "home,g", "scroll_home", "First deal", "move"),
    BoardKey("last-deal", "end,G", "scroll_end", "Last deal", "move"),
    BoardKey("scroll-right", "right", "cursor_right", "Scroll right", "move"),
    BoardKey("scroll-left", "left", "cursor_left", "Scroll left", "move"),
    BoardKey("focus-next", "tab", "app.focus_next", "Focus the next widget", "move"),
)
BOARD_KEYS = CHANGES + VIEWS + WHATIF
ALL_KEYS = BOARD_KEYS + APP_KEYS + MOVES
FORM_KEYS = (
    BoardKey("form-cancel", "escape", "cancel", "Cancel", "form", "Cancel"),
    BoardKey("form-save", "ctrl+s", "save", "Save", "form", "Save"),
    BoardKey("form-add-tranche", "ctrl+n", "add_tranche", "Add a tranche", "form", "Add tranche"),
    BoardKey("help-close", "escape,question_mark,q", "dismiss_help", "Close", "form", "Close"),
    BoardKey("confirm-yes", "y,enter", "yes", "Yes", "form", "Yes"),
    BoardKey("confirm-no", "n,escape", "no", "No", "form", "No"),
)
DETAIL_KEYS = (
    BoardKey("detail-close", "escape,enter,q", "dismiss", "Back to the board", "form", "Back"),
    BoardKey("detail-down", "down,j", "scroll_down", "Scroll down", "move"),
    BoardKey("detail-up", "up,k", "scroll_up", "Scroll up", "move"),
)
KNOWN_IDS = frozenset(k.id for k in ALL_KEYS + FORM_KEYS + DETAIL_KEYS)


def keymap_path(env: Mapping[str, str] = os.environ) -> Path:
    """$DEALBOOK_KEYMAP, else $XDG_CONFIG_HOME/dealbook/keymap.toml, else ~/.config/dealbook/keymap.toml."""
    if env.get(ENV_KEYMAP):
        return Path(env[ENV_KEYMAP]).expanduser()
    config = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return config / "dealbook" / "keymap.toml"


def load_keymap(path: Path, more_ids: frozenset[str] = frozenset()) -> tuple[dict[str, str], list[str]]:
    """The remapped keys (`binding-id = "keys"`), and a sentence per entry that was not taken.

    A missing file is no keymap. A broken one is not applied at all; unknown ids are skipped.
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        return {}, [f"keymap {path} not applied: {err}"]
    keymap, problems = {}, []
    for binding_id, keys in raw.items():
        if binding_id not in KNOWN_IDS | more_ids:
            problems.append(f"keymap {path}: unknown binding id {binding_id!r} skipped (see ? for the ids)")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"keymap {path}: {binding_id} must be a string of keys such as \"ctrl+k,k\"")
        else:
            keymap[binding_id] = keys.replace(" ", "")
    return keymap, problems


def display_keys(keys: str) -> str:
    """`greater_than_sign,full_stop` as `> .` for people."""
    names = {"greater_than_sign": ">", "less_than_sign": "<", "full_stop": ".", "comma": ",", "plus": "+",
             "minus": "-", "equals_sign": "=", "slash": "/", "question_mark": "?",
             "left_square_bracket": "[", "right_square_bracket": "]", "escape": "esc"}
    return " ".join(names.get(k, k) for k in keys.split(","))


def binding(key: BoardKey, **options: object) -> Binding:
    """The Textual binding of a board key: its id makes it remappable, its footer word keeps the footer short."""
    return Binding(key.keys, key.action, key.footer or key.description, show=key.show, id=key.id,
                   tooltip=key.description, **options)  # type: ignore[arg-type]
