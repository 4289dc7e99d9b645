"""A Static's text replaced only when it changed: every update asks Textual for a layout pass and a repaint."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def update_if_changed(widget: Static, text: Text) -> None:
    """Show `text` in the widget unless it shows exactly that already (Text compares its words and styles)."""
    if not isinstance(widget.content, Text) or widget.content != text:
        widget.update(text)
