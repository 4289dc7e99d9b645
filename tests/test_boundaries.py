"""The layers stay apart: ledger/ knows no DuckDB or Textual, queries/ knows no Textual."""

import subprocess
import sys

import pytest


def loaded_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in out.split()}


def test_ledger_pulls_in_neither_duckdb_nor_textual():
    loaded = loaded_after_import("ledger")
    assert "duckdb" not in loaded and "textual" not in loaded


def test_queries_pulls_in_no_textual():
    pytest.importorskip("duckdb")
    loaded = loaded_after_import("queries")
    assert "textual" not in loaded


def test_the_command_line_starts_without_textual():
    loaded = loaded_after_import("tui.cli")
    assert "textual" not in loaded
