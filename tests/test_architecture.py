"""The layer rules of DESIGN.md, enforced: store/services never import Textual; widgets take plain data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports")
    if lint_imports is None:
        pytest.fail("import-linter is not installed; install the test extras: pip install -e '.[test]'")
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 kept, 0 broken" in result.stdout


def test_store_imports_without_textual() -> None:
    code = "import sys, store.contacts, store.timeline, store.db, store.settings; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_every_product_function_is_used_by_the_product() -> None:
    """A public function or class that only tests use belongs in the tests (tests/store_helpers.py)."""
    import ast
    import re

    packages = ["plain", "store", "services", "demo", "widgets", "tui", "cli", "bench"]
    sources = {p: p.read_text(encoding="utf-8") for pkg in packages for p in (ROOT / pkg).rglob("*.py")}
    unused = []
    for path, text in sources.items():
        if "migrations" in path.parts:
            continue
        for node in ast.parse(text).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if node.name.startswith("_") or any(
                isinstance(base, ast.Name) and base.id == "ContactTab" for base in getattr(node, "bases", [])
            ):
                continue  # private, or found by discovery (a contact tab)
            if any(kw.arg == "table" for kw in getattr(node, "keywords", [])):
                continue  # a table model: the schema itself, used through the metadata and the migrations
            uses = sum(len(re.findall(rf"\b{re.escape(node.name)}\b", other)) for other in sources.values())
            if uses <= 1:
                unused.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert unused == []
