"""The `dealbook` command line: one command per change, plus checks, reports and the app."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ledger import LedgerError
from tui.cli import (
    accuracy, configure, edits, exporting, importing, initdb, inspect, okr, oserrors, plan, reports, salvage, sample,
    whatif,
)
from tui.cli.common import (
    CommandError, fail, ledger_options, left_to_exit, refuse_by_on_a_reader, regular_ledger, require_ledger,
    resolve_ledger,
)
from tui.parse import InputError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dealbook", parents=[ledger_options(suppress_defaults=False)],
        description="Track a sales pipeline against its target. With no command, open the board.",
    )
    parser.add_argument("--version", action="version", version=f"dealbook {_version()}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    parent = ledger_options(suppress_defaults=True)
    inspect.register(subparsers, parent)
    edits.register(subparsers, parent)
    reports.register(subparsers, parent)
    accuracy.register(subparsers, parent)
    whatif.register(subparsers, parent)
    plan.register(subparsers, parent)
    okr.register(subparsers, parent)
    importing.register(subparsers, parent)
    exporting.register(subparsers, parent)
    salvage.register(subparsers, parent)
    sample.register(subparsers)
    configure.register(subparsers)
    initdb.register(subparsers)
    completion = subparsers.add_parser(
        "completion", help="print the shell's tab completion for dealbook (bash, zsh or tcsh)",
        description="Print a completion script made from the command line's own parser (shtab): for bash, "
                    "`dealbook completion bash > ~/.local/share/bash-completion/completions/dealbook`; for zsh, "
                    "`dealbook completion zsh > ~/.zfunc/_dealbook` (with ~/.zfunc in fpath).")
    completion.add_argument("shell", choices=("bash", "zsh", "tcsh"), help="the shell: bash, zsh or tcsh")
    completion.set_defaults(handler=lambda args: _completion(parser, args.shell))
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dealbook")
    except PackageNotFoundError:
        return "(not installed)"


def _completion(parser: argparse.ArgumentParser, shell: str) -> int:
    import shtab  # well kept, and it reads the parser itself: completion never drifts from the commands

    print(shtab.complete(parser, shell=shell))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        refuse_by_on_a_reader(args, getattr(args, "command", None))
        resolve_ledger(args)
        if getattr(args, "sample", False) and hasattr(args, "handler"):
            print(f"dealbook: on a fresh copy of the bundled sample: {args.ledger}", file=sys.stderr)
        regular_ledger(args.ledger)
        if not hasattr(args, "handler"):
            return open_app(args)
        return args.handler(args)
    except (LedgerError, CommandError, InputError) as err:
        return fail(str(err))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as err:
        return fail(oserrors.explain(err))
    except OverflowError as err:
        return fail(f"a number or date is out of range ({err}): dates go from 0001-01-01 to 9999-12-31; "
                    "give a smaller value")


def open_app(args: argparse.Namespace) -> int:
    require_ledger(args.ledger)
    try:
        from tui.app import run_app
    except ImportError:
        return fail("the board is not built yet; see `dealbook --help` for the commands")
    if not getattr(args, "sample", False):
        return run_app(args.ledger, by=args.by)
    code = run_app(args.ledger, by=args.by, notes=(sample.note(args.ledger),))
    print(f"dealbook: your changes to the sample are in {args.ledger}: `dealbook --ledger {args.ledger}` "
          "reopens them, `dealbook --sample` starts afresh", file=sys.stderr)
    return code


def entry_point() -> None:
    code = main()
    if left_to_exit():  # a command kept a large fold to the end (common.leave_to_exit): end without freeing it
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe: what was printed is gone either way
            pass
        os._exit(code)
    sys.exit(code)
