"""The headless packages type-check: mypy, configured in pyproject.toml, finds nothing in them."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_errors() -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.fail("mypy is not installed; install the test extras: pip install -e '.[test]'")
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
