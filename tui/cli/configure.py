"""`dealbook config`: this laptop's own settings (who I am, my decimal mark, my default ledger)."""

from __future__ import annotations

import argparse

from tui import config
from tui.cli.common import CommandError
from tui.text import plain


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = subparsers.add_parser(
        "config", help="show or set this laptop's own settings (name, decimal mark, default ledger)",
        description="Your own settings, kept in ~/.config/dealbook/config.toml ($XDG_CONFIG_HOME, or the file "
                    "$DEALBOOK_CONFIG names), never in the ledger. With no option, shows them; `none` "
                    "removes one. The team's settings (time zone, currency) are `dealbook settings`.")
    sub.add_argument("--name", help="who records your changes (the default of --by; else your login name)")
    sub.add_argument("--decimal-mark", dest="decimal_mark", choices=(".", ",", "none"),
                     help="how an amount such as 12,5 or 12.500 is read (none: refuse what reads two ways)")
    sub.add_argument("--ledger", dest="default_ledger", metavar="PATH", help="the ledger to open by default")
    sub.add_argument("--theme", help="the app's colour theme, such as textual-light (the app keeps the one you choose)")
    sub.set_defaults(handler=run_config)


def run_config(args: argparse.Namespace) -> int:
    changes = {key: getattr(args, attr) for key, attr in
               (("name", "name"), ("decimal_mark", "decimal_mark"), ("ledger", "default_ledger"), ("theme", "theme"))
               if getattr(args, attr) is not None}
    try:
        if changes:
            path = config.save(**{k: None if v.strip().lower() == "none" else v.strip() for k, v in changes.items()})
            print(f"saved {path}")
        current = config.load()
    except (config.ConfigError, OSError) as err:
        raise CommandError(f"{err}; nothing was changed") from None
    for key, meaning in config.KEYS.items():
        value = getattr(current, key)
        print(f"{key}: {plain(value) if value is not None else 'not set'}  ({meaning})")
    print(f"file: {config.config_path()}")
    return 0
