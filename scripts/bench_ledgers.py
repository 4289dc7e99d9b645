"""The generated ledgers the benchmarks measure: made once into bench-data/ (git ignores it), copies to append to."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
SEED = 7

def ledger_for(size: str) -> Path:
    """The generated ledger of that size, written once (a stamp file records how it was made)."""
    from gen_big_ledger import generate, parse_size

    DATA.mkdir(exist_ok=True)
    path = DATA / f"{size}.jsonl"
    stamp = path.with_suffix(".made")
    recipe = f"n={parse_size(size)} seed={SEED} generator={_content_hash(ROOT / 'scripts/gen_big_ledger.py')}"
    if not path.exists() or not stamp.exists() or stamp.read_text() != recipe:
        print(f"generating {path.name} ...", file=sys.stderr)
        generate(path, parse_size(size), seed=SEED)
        stamp.write_text(recipe)
    return path


def _content_hash(path: Path) -> str:
    """The generator's text, hashed: a checkout of the same script (another worktree, a fresh clone) reuses the ledger."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def scratch_copy(path: Path, name: str) -> Path:
    """A copy to append to, so that the measured ledger (and its cache) stay as generated."""
    copy = DATA / f"{path.stem}-{name}.jsonl"
    shutil.copyfile(path, copy)
    for old in DATA.glob(copy.name + ".*"):
        old.unlink()
    return copy


def drop_cache(path: Path) -> None:
    for old in DATA.glob(path.name + ".dealbook-cache*"):
        old.unlink()
