"""What every command shares: finding the ledger, printing safely, failing with a clear message."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_LEDGER = Path("dealbook.jsonl")
ENV_LEDGER = "DEALBOOK_LEDGER"


class CommandError(Exception):
    """A command that cannot do what was asked; the message says why and what to do. Exit code 1."""


def ledger_options(suppress_defaults: bool) -> argparse.ArgumentParser:
    """--ledger and --by, accepted before or after the command name."""
    default = argparse.SUPPRESS if suppress_defaults else None
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--ledger", type=Path, default=default, metavar="PATH",
                        help=f"the ledger file (default: ${ENV_LEDGER}, else ./{DEFAULT_LEDGER})")
    parser.add_argument("--by", default=default, metavar="NAME", help="who records the change")
    parser.add_argument("--sample", action="store_true", default=False if default is None else default,
                        help="use a fresh copy of the bundled sample ledger (in $XDG_DATA_HOME/dealbook); "
                             "the repository's file is never changed")
    return parser


def resolve_ledger(args: argparse.Namespace) -> None:
    """The ledger to use: --sample's fresh working copy, --ledger, $DEALBOOK_LEDGER, else ./dealbook.jsonl."""
    if getattr(args, "sample", False):
        if args.ledger is not None:
            raise CommandError("--sample and --ledger both name a ledger: give one of them")
        from tui.cli.sample import fresh_copy

        args.ledger = fresh_copy()
    elif args.ledger is None:
        args.ledger = Path(os.environ.get(ENV_LEDGER) or DEFAULT_LEDGER)


def require_ledger(path: Path) -> None:
    if not path.exists():
        raise CommandError(
            f"no ledger at {path}: pass --ledger PATH, set ${ENV_LEDGER}, "
            "or start one with `dealbook open` or `dealbook target`"
        )


def fail(message: str) -> int:
    print(f"dealbook: {message}", file=sys.stderr)
    return 1
