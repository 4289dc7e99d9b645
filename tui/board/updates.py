"""A Static's text replaced only when it changed, and without a layout pass when its size cannot change."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def update_if_changed(widget: Static, text: Text) -> None:
    """Show `text` in the widget unless it shows exactly that already (Text compares its words and styles).

    A Static's update asks Textual to lay the whole screen out again (3-5 ms on a board of 10k deals,
    and every widget repainted); that is skipped when the new text takes the same room as the old.
    """
    old = widget.content
    if isinstance(old, Text) and old == text:
        return
    widget.update(text, layout=not isinstance(old, Text) or _resizes(widget, old, text))


def _resizes(widget: Static, old: Text, new: Text) -> bool:
    """Whether the widget's size may follow its text from old to new: one line before and after, in a
    width set by the style sheet (cells or a share of the row) or of the same length, cannot."""
    if "\n" in old.plain or "\n" in new.plain:
        return True
    width, height = widget.styles.width, widget.styles.height
    set_width = width is not None and (width.is_cells or width.is_fraction)
    if not set_width and new.cell_len != old.cell_len:
        return True  # an auto width follows the text
    if height is not None and height.is_cells:
        return False  # a fixed height: a long line is cut, never wrapped onto a new one
    room = widget.content_size.width
    return room <= 0 or max(old.cell_len, new.cell_len) > room  # a line that wraps may take more lines
