"""The README's promises hold: CI runs the README's own test command."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci in readme
    assert "pytest" in ci


def test_readme_app_command_opens_the_sample_ledger():
    readme = (ROOT / "README.md").read_text()
    assert ".venv/bin/dealbook --sample\n" in readme  # a working copy of the sample: tests/test_try_sample.py
