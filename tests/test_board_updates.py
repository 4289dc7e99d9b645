"""update_if_changed: a line that takes new room is laid out again; one that cannot is only repainted."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from tui.board.updates import update_if_changed


class Lines(App[None]):
    CSS = """
    #auto { width: auto; height: 1; }
    #fixed { width: 1fr; height: 1; }
    #wraps { width: 30; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("short"), id="auto")
        yield Static(Text("fixed"), id="fixed")
        yield Static(Text("one line"), id="wraps")


async def test_lines_take_the_room_their_new_text_needs(monkeypatch):
    app = Lines()
    async with app.run_test(size=(80, 10)) as pilot:
        auto, fixed, wraps = (app.query_one(f"#{name}", Static) for name in ("auto", "fixed", "wraps"))
        layouts = []
        real = Static.update

        def spy(self, content="", *, layout=True):
            layouts.append((self.id, layout))
            real(self, content, layout=layout)

        monkeypatch.setattr(Static, "update", spy)
        update_if_changed(fixed, Text("fixed"))
        update_if_changed(auto, Text("short"))
        assert layouts == []  # the same text: nothing to do
        update_if_changed(fixed, Text("another text, same room"))
        update_if_changed(auto, Text("a much longer text"))
        update_if_changed(wraps, Text("a line far longer than its thirty columns, so it wraps"))
        await pilot.pause()
        assert layouts == [("fixed", False), ("auto", True), ("wraps", True)]
        assert auto.size.width == len("a much longer text") and wraps.size.height == 2
        assert fixed.render_line(0).text.startswith("another text, same room")
        update_if_changed(auto, Text("a much shorter one"))  # the same length
        update_if_changed(wraps, Text("one line again"))
        await pilot.pause()
        assert layouts[-2:] == [("auto", False), ("wraps", True)] and wraps.size.height == 1
