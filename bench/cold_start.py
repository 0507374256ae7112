"""Cold start and peak memory: `dossier --db DB CONTACT` in a fresh process, against a bare Textual app.

Both run `bench/start_child.py` headless at 120x36, from a clean environment (no user config, network off).
A run's time is from just before the process is started to the first screen update showing the contact's
header and first History page (the bare app: its one Label). The bare app imports every module the dossier
run imported, so the ratio is what Dossier's own work costs on top of its libraries. Runs alternate between
the two, so both see the same machine. Peak RSS is read in the same dossier runs, once the page is idle.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.figures import TIMES, Figure, Target
from bench.start_child import paint_modules
from bench.timing import Stats

CHILD = Path(__file__).with_name("start_child.py")
COLD_TARGET = [Target(f"≤ 1.3{TIMES} the bare Textual app", "ratio", "<=", 1.3)]
RSS_TARGETS = [
    Target("≤ 110 MB", "median", "<=", 110.0),  # issue 22
    Target("flat: ≤ +10% from the smallest to the largest scale", "growth", "<=", 1.10),
]


def clean_env(workdir: Path) -> dict[str, str]:
    """The environment for every child: no user config or database, network off, UTC, no colour quirks."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("DOSSIER_")}
    env |= {
        "DOSSIER_CONFIG": str(workdir / "no-config.toml"),
        "DOSSIER_NETWORK__OFFLINE": "true",
        "DOSSIER_DB": str(workdir / "no-default.db"),
        "TZ": "UTC",
        # Bytecode as an installed program has it (pip compiles on install; the libraries here have theirs),
        # kept in the work folder, never in the checkout: the untimed first run of each group writes it.
        "PYTHONPYCACHEPREFIX": str(workdir / "pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(CHILD), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"cold-start child failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return (report["painted"] - start) * 1000, report["rss_mb"]


def bench_cold_start(db: Path, scale: int, contact_id: int, workdir: Path, *, runs: int) -> list[Figure]:
    """Cold start (median of `runs`, after an untimed run that lists the modules and warms the disk cache for
    both) and peak RSS."""
    env = clean_env(workdir)
    modules = workdir / "dossier-modules.json"
    dossier_args = ["dossier", str(db), str(contact_id)]
    _run([*dossier_args, str(modules)], env)
    app_ms, bare_ms, app_rss, bare_rss, paint_ms = [], [], [], [], []
    for _ in range(runs):
        elapsed, rss = _run(dossier_args, env)
        app_ms.append(elapsed)
        app_rss.append(rss)
        elapsed, rss = _run(["bare", str(modules)], env)
        bare_ms.append(elapsed)
        bare_rss.append(rss)
        paint_ms.append(_run(["bare", str(paint_modules(modules))], env)[0])
    imported = len(json.loads(modules.read_text(encoding="utf-8")))
    before_paint = len(json.loads(paint_modules(modules).read_text(encoding="utf-8")))
    start = Figure.timed(
        "cold_start",
        "cold_start.contact_page",
        f"`dossier {contact_id}`: header and first History page painted",
        scale,
        Stats.of(app_ms),
        targets=COLD_TARGET,
        note=(
            f"the bare app imports the same {imported:,} modules and paints one Label; the second bare app"
            f" imports only the {before_paint:,} Dossier had imported when its page painted"
        ),
    )
    start.refer("bare Textual app, same imports", Stats.of(bare_ms))
    start.refer("bare Textual app, only the imports done before Dossier's paint", Stats.of(paint_ms))
    rss = Stats.of(app_rss)
    memory = Figure(
        "memory",
        "memory.contact_page",
        f"peak RSS, contact {contact_id}'s page open and idle",
        "MB",
        scale,
        rss.median,
        rss.p95,
        rss.n,
        targets=RSS_TARGETS,
    )
    memory.refer("bare Textual app, same imports", Stats.of(bare_rss))
    return [start, memory]
