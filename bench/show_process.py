"""`dossier show ID --json` as a whole process, as a script or a mail client runs it: the busiest contact's page
(its event count is the largest to make), timed alternately with the floor of any such process, a Python
interpreter that starts and imports sqlite3 and json."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

from bench.figures import Figure, Target
from bench.timing import time_pair

SHOW_TARGET = [Target("≤ 150 ms", "median", "<=", 150)]


def bench_show(
    db: Path, contacts: int, contact_id: int, env: dict[str, str], *, runs: int, warmup: int
) -> list[Figure]:
    dossier = str(Path(sysconfig.get_path("scripts")) / "dossier")
    show = [dossier, "show", str(contact_id), "--json", "--db", str(db)]
    floor = [sys.executable, "-c", "import sqlite3, json"]

    def run(command: list[str]) -> None:
        subprocess.run(command, env=env, capture_output=True, timeout=600, check=True)

    ours, least = time_pair(lambda: run(show), lambda: run(floor), runs=runs, warmup=warmup)
    figure = Figure.timed(
        "peer",
        "peer.show",
        "`dossier show ID --json` of the busiest contact, whole process",
        contacts,
        ours,
        targets=SHOW_TARGET,
    )
    return [figure.refer("`python -c 'import sqlite3, json'` (the floor: an interpreter that starts)", least)]
