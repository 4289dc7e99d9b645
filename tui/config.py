"""The user's own settings (a TOML file in the XDG place): who they are, their decimal mark, their ledger."""

from __future__ import annotations

import getpass
import json
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ENV_CONFIG = "DEALBOOK_CONFIG"
KEYS = {"name": "who records changes (the default of --by)",
        "decimal_mark": "`.` or `,`: how amounts such as 12,500 are read",
        "ledger": "the default ledger (a path)",
        "theme": "the app's colour theme (kept when you choose one in the app: ctrl+p, theme)"}


class ConfigError(ValueError):
    """A config file that cannot be used; the message says which file and what to fix."""


@dataclass(frozen=True)
class Config:
    name: str | None = None
    decimal_mark: str | None = None
    ledger: str | None = None
    theme: str | None = None
    path: Path | None = None


def config_path() -> Path:
    """$DEALBOOK_CONFIG, else $XDG_CONFIG_HOME/dealbook/config.toml, else ~/.config/dealbook/config.toml."""
    given = os.environ.get(ENV_CONFIG)
    if given:
        return Path(given)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "dealbook" / "config.toml"


@lru_cache(maxsize=8)
def _load(path: Path, mtime: int) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot be read ({err}); fix it or remove it") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)} (known: {', '.join(KEYS)})")
    for key, value in data.items():
        if not isinstance(value, str):
            raise ConfigError(f"{path}: {key} must be a string, such as {key} = \"...\"")
    if data.get("decimal_mark") not in (None, ".", ","):
        raise ConfigError(f"{path}: decimal_mark must be \".\" or \",\", not {data['decimal_mark']!r}")
    return Config(name=data.get("name"), decimal_mark=data.get("decimal_mark"), ledger=data.get("ledger"),
                  theme=data.get("theme"), path=path)


def load() -> Config:
    """The config in force (an empty one when there is no file)."""
    path = config_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return Config()
    return _load(path, mtime)


def save(**changes: str | None) -> Path:
    """Set (or, with None, remove) settings, keeping the others; written whole, then renamed into place."""
    current = load()
    values = {key: getattr(current, key) for key in KEYS}
    values.update(changes)
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items() if value is not None)
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    return path


def default_by() -> str | None:
    """Who records a change when --by is not given: the configured name, else the login name."""
    try:
        name = load().name
    except ConfigError:
        name = None
    if name:
        return name
    try:
        return getpass.getuser() or None
    except (OSError, KeyError):
        return None
