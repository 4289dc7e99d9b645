"""BoardHost says truly what the board screen gives its mixins: each member is there, with the same parameters."""

from __future__ import annotations

import inspect

from tui.board.host import BoardHost
from tui.board.screen import BoardScreen


def declared(cls: type) -> dict[str, object]:
    """The methods and properties a class itself defines (Textual adds class attributes of its own)."""
    return {name: value for name, value in vars(cls).items()
            if inspect.isfunction(value) or isinstance(value, property)}


def test_every_method_of_the_host_is_the_screens_with_the_same_parameters():
    for name, stub in declared(BoardHost).items():
        real = inspect.getattr_static(BoardScreen, name)
        assert type(real) is type(stub), name  # a property stays a property
        if inspect.isfunction(stub):
            assert list(inspect.signature(real).parameters) == list(inspect.signature(stub).parameters), name
        assert inspect.getattr_static(BoardScreen, name) is not stub, f"{name} is only the host's stub"


def test_every_attribute_the_host_names_is_set_by_the_screen():
    screen_init = inspect.getsource(BoardScreen.__init__)
    for name in BoardHost.__annotations__:
        assert f"self.{name}" in screen_init, name
