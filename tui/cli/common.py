"""What every command shares: finding the ledger, printing safely, failing with a clear message."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path
from typing import TextIO

from ledger.problems import is_url
from tui.cli.errors import CommandError as CommandError  # the command modules import it from here
from tui.progress import Progress, from_the_first_piece

DEFAULT_LEDGER = Path("dealbook.jsonl")
ENV_LEDGER = "DEALBOOK_LEDGER"
BY_HELP = "who records the change (default: the name in `dealbook config`, else your login name)"


def ledger_options(suppress_defaults: bool) -> argparse.ArgumentParser:
    """--ledger and --sample, accepted before or after the command name; the top level (the board, which
    writes) also takes --by, which a command takes only if it writes (see `writes`)."""
    default = argparse.SUPPRESS if suppress_defaults else None
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--ledger", type=ledger_arg, default=default, metavar="PATH|URL",
                        help=f"the ledger file, or a team's table: postgresql://USER@HOST/DATABASE?table=NAME "
                             f"(default: ${ENV_LEDGER}, else ./{DEFAULT_LEDGER})")
    if not suppress_defaults:
        parser.add_argument("--by", default=None, metavar="NAME", help=BY_HELP)
    parser.add_argument("--sample", action="store_true", default=False if default is None else default,
                        help="use a fresh copy of the bundled sample ledger (in $XDG_DATA_HOME/dealbook); "
                             "the repository's file is never changed")
    return parser


def writes(sub: argparse.ArgumentParser, help: str = BY_HELP) -> argparse.ArgumentParser:
    """Give a command that writes to the ledger its --by; a command that only reads has none."""
    sub.add_argument("--by", default=argparse.SUPPRESS, metavar="NAME", help=help)
    sub.set_defaults(writes=True)
    return sub


def refuse_by_on_a_reader(args: argparse.Namespace, command: str | None) -> None:
    """`dealbook --by NAME forecast`: the top level takes --by for the board, but a command that only reads
    records nobody, so saying who would be a mistake to point out, not to ignore."""
    if command and getattr(args, "by", None) is not None and not getattr(args, "writes", False):
        raise CommandError(f"--by names who records a change, and `dealbook {command}` writes nothing: "
                           "leave --by out")


def ledger_arg(text: str) -> Path | str:
    """A --ledger value: a postgresql:// URL stays text (a Path would lose its `//`), anything else is a path."""
    return text if is_url(text) else Path(text).expanduser()


def resolve_ledger(args: argparse.Namespace) -> None:
    """The ledger to use: --sample's fresh working copy, --ledger, $DEALBOOK_LEDGER, the `ledger` of
    `dealbook config`, else ./dealbook.jsonl."""
    if getattr(args, "sample", False):
        if args.ledger is not None:
            raise CommandError("--sample and --ledger both name a ledger: give one of them")
        from tui.cli.sample import fresh_copy

        args.ledger = fresh_copy()
    elif args.ledger is None:
        args.ledger = ledger_arg(os.environ.get(ENV_LEDGER) or _configured_ledger() or str(DEFAULT_LEDGER))
    if is_url(args.ledger) and not getattr(args, "by", None):
        args.by = _role(args.ledger)  # on a table, who writes is the server's role unless a name is configured


def _role(url: str) -> str | None:
    """The configured name, else the role the URL (or PGUSER) connects as."""
    from tui import config

    try:
        if config.load().name:
            return None  # default_by() gives it
    except config.ConfigError:
        return None
    from ledger.home_table import role

    return role(url)


def _configured_ledger() -> str | None:
    from tui import config

    try:
        return config.load().ledger
    except config.ConfigError as err:
        raise CommandError(str(err)) from None


def regular_ledger(path: Path) -> None:
    """Only a regular file (or a link to one) is a ledger: a device, a FIFO or a directory is refused
    before anything opens it (a FIFO would block a read, /dev/null would get a cache beside it)."""
    if is_url(path):
        return  # a table: its server says whether it is there (`dealbook init URL` creates it)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError:
        return  # said by the command that opens it, with what to do
    if not stat.S_ISREG(mode):
        kind = ("a directory" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "not a regular file")
        raise CommandError(f"{path} is {kind}, not a ledger: a ledger is a regular file. "
                           f"Pass --ledger PATH (or set ${ENV_LEDGER}) to the ledger's .jsonl file")


def require_ledger(path: Path | str) -> None:
    if is_url(path):
        return  # the first read says when the table is missing, and names `dealbook init`
    if not path.exists():
        raise CommandError(
            f"no ledger at {path}: pass --ledger PATH, set ${ENV_LEDGER}, "
            f"or start one with `dealbook init {path}`"
        )


def fail(message: str) -> int:
    print(f"dealbook: {message}", file=sys.stderr)
    return 1


def shown(ledger: str | os.PathLike[str]) -> str:
    """The ledger as a message names it: a path as it is, a PostgreSQL URL without its password."""
    text = str(ledger)
    if not is_url(text):
        return text
    from ledger import postgres  # here: a file ledger never loads psycopg

    try:
        return str(postgres.parse_url(text))
    except Exception:  # a URL that cannot be read is named by the error that says so; never echo it
        return "the PostgreSQL URL given"


def load_progress(stream: TextIO | None = None) -> Progress | None:
    """What queries.Store.open(progress=...) calls, for a command: a large ledger's first open (a load in
    several pieces) says its share read on one line of stderr when that is a terminal; a script's stderr,
    and a load in one piece, get nothing."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        return None

    def tell(done: int, total: int) -> None:
        print(f"\rdealbook: reading the ledger into its cache (its first open here)… {done * 100 // total}% "
              f"of {total / 2**20:,.0f} MB", end="" if done < total else "\n", file=out, flush=True)

    return from_the_first_piece(tell)


_LEFT_TO_EXIT: list[object] = []


def leave_to_exit(large: object) -> None:
    """Keep `large` (a fold of a million events) alive to the end of a `dealbook` process, which then ends
    without freeing it object by object (entry_point): 0.1 s at a million events, which the OS takes back
    at once, as compilers leave their trees at exit. Called in-process (tests), it only holds the last one."""
    _LEFT_TO_EXIT[:] = [large]


def left_to_exit() -> bool:
    return bool(_LEFT_TO_EXIT)
