"""No test asserts speed: a clock read inside an assert, or a short timeout that fails a slow machine."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
CLOCKS = {"time", "monotonic", "perf_counter", "monotonic_ns", "perf_counter_ns", "process_time"}


def _reads_a_clock(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in CLOCKS
               and isinstance(n.func.value, ast.Name) and n.func.value.id == "time" for n in ast.walk(node))


def _short_timeout(node: ast.AST) -> bool:
    """asyncio.wait_for(..., timeout=N) with N under 10 s: an assertion that something happens fast."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "wait_for"):
        return False
    return any(k.arg == "timeout" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, (int, float))
               and k.value.value < 10 for k in node.keywords)


def speed_asserts(source: str) -> list[int]:
    tree = ast.parse(source)
    return sorted({n.lineno for n in ast.walk(tree)
                   if (isinstance(n, ast.Assert) and _reads_a_clock(n.test)) or _short_timeout(n)})


def test_the_check_finds_what_it_looks_for():
    assert speed_asserts("t = time.monotonic()\nassert time.monotonic() - t < 10\n") == [2]
    assert speed_asserts("await asyncio.wait_for(x.wait(), timeout=1.5)\n") == [1]
    assert speed_asserts("await asyncio.wait_for(x.wait(), timeout=60)\nassert a < 10\n") == []


def test_no_test_asserts_speed():
    found = {path.name: lines for path in sorted(TESTS.glob("*.py"))
             if path.name != Path(__file__).name and (lines := speed_asserts(path.read_text()))}
    assert found == {}, "a test asserts speed (measure it in a script instead): " + repr(found)
