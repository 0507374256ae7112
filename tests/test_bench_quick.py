"""The benchmark runner's quick mode, end to end, so the benchmark code cannot rot.

This is the slowest test of the suite (about 45 s on 2 cores): it generates a 10,000-contact database and
runs every benchmark group on it with few repetitions (the Mautic sync on a 300-contact fake Mautic). Speed is
never asserted here, only that every figure was measured and reported. `-m "not bench"` leaves it out.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.figures import GROUPS
from bench.report import END, START, replace_section, write_readme

pytestmark = pytest.mark.bench

README = f"# Dossier\n\n## Performance\n\n{START}\nnot measured yet\n{END}\n\n## Licence\n\nMIT\n"


def test_the_readme_section_is_replaced_between_the_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")

    write_readme(readme, "| a | b |\n")
    write_readme(readme, "| c | d |\n")

    assert readme.read_text(encoding="utf-8") == README.replace("not measured yet\n", "| c | d |\n")


def test_a_readme_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        replace_section("# Dossier\n", "table\n")


def test_quick_mode_measures_and_reports_every_group(tmp_path: Path) -> None:
    pytest.importorskip("sqlite_utils", reason="the CSV peer needs the bench extras: pip install -e '.[bench]'")
    if shutil.which("khard") is None:
        pytest.skip("khard is not installed; install the test extras")
    from bench.run import main

    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    out = tmp_path / "results.json"

    code = main(["--quick", "--workdir", str(tmp_path / "work"), "--json", str(out), "--readme", str(readme)])

    assert code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    measured = {figure["group"] for figure in document["figures"]}
    assert measured == set(GROUPS)
    for figure in document["figures"]:
        assert figure["median"] > 0 and figure["p95"] > 0 and figure["n"] > 0, figure["key"]
        assert all(ref["median"] > 0 for ref in figure["refs"]), figure["key"]
    assert {"cpu", "cores", "python", "sqlite", "textual", "date"} <= set(document["machine"])
    text = readme.read_text(encoding="utf-8")
    assert "not measured yet" not in text
    assert text.startswith("# Dossier\n\n## Performance\n\n" + START) and text.endswith(END + "\n\n## Licence\n\nMIT\n")
    for title in GROUPS.values():
        assert f"### {title}" in text
