"""The command line's one error type, in a module of its own so that any command module can raise it."""

from __future__ import annotations


class CommandError(Exception):
    """A command that cannot do what was asked; the message says why and what to do. Exit code 1."""
