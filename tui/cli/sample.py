"""Trying the bundled sample on a fresh working copy in the user's data directory, never on the repository's file."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from ledger.reader import side_file
from ledger.seal import seal_file
from tui.cli.errors import CommandError

# The sample lives at the root of a clone, next to the packages (`pip install -e .` runs from there).
BUNDLED = Path(__file__).resolve().parents[2] / "sample_events.jsonl"
CACHE_SUFFIXES = (".dealbook-cache.duckdb", ".dealbook-cache.duckdb.wal")  # as queries.store names them


def data_home(env: Mapping[str, str] = os.environ) -> Path:
    """$XDG_DATA_HOME/dealbook, else ~/.local/share/dealbook (a relative $XDG_DATA_HOME is ignored, as XDG says)."""
    base = env.get("XDG_DATA_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "dealbook"


def working_copy(env: Mapping[str, str] = os.environ) -> Path:
    return data_home(env) / "sample.jsonl"


def fresh_copy(bundled: Path = BUNDLED, env: Mapping[str, str] = os.environ) -> Path:
    """Copy the bundled sample, byte for byte, over the working copy, and drop what was derived from the old one.

    The copy is whole or absent (written beside, then renamed). What was derived from the previous copy (its
    query cache, its seal, a cut-off tail) goes with it; saved what-if scenarios stay.
    """
    if not bundled.is_file():
        raise CommandError(f"the bundled sample is not at {bundled}: it comes with a clone of the repository; "
                           "pass --ledger PATH to open a ledger of your own")
    target = working_copy(env)
    if target.resolve() == bundled.resolve():
        raise CommandError(f"the working copy would be the bundled sample itself ({bundled}): "
                           "set XDG_DATA_HOME to a directory outside the repository")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundled, partial)
        os.replace(partial, target)
        for derived in (seal_file(target), side_file(target),
                        *(target.with_name(target.name + suffix) for suffix in CACHE_SUFFIXES)):
            derived.unlink(missing_ok=True)
    except OSError as err:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise CommandError(f"cannot make the sample's working copy at {target}: {err.strerror or err}; "
                           "set XDG_DATA_HOME to a directory you can write, or pass --ledger PATH") from err
    return target


def note(path: Path) -> str:
    """What the board says under its header while it shows the working copy."""
    return (f"Sample: a fresh copy of the bundled sample at {path}; your changes go there, "
            f"never to the repository's {BUNDLED.name}.")


def register(subparsers: argparse._SubParsersAction) -> None:
    sample = subparsers.add_parser(
        "sample", help="make a fresh working copy of the bundled sample and print its path",
        description=f"Copy the bundled sample ledger to {working_copy()} (replacing an earlier copy) and print "
                    "its path, for `export DEALBOOK_LEDGER=\"$(dealbook sample)\"`. The repository's file is "
                    "never changed. `dealbook --sample` opens the board on such a copy.")
    sample.set_defaults(handler=run_sample)


def run_sample(args: argparse.Namespace) -> int:
    print(fresh_copy())
    return 0
