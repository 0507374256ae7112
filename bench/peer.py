"""A peer comparison: finding a contact among 10,000 with `dossier search` and with `khard list`.

The contacts are exported with `dossier export vcard --out DIR/` (a folder of one card per contact, as khard
and vdirsyncer keep them); khard gets a config of its own pointing at that folder. Both commands run as whole
processes, as a person or a script would run them, alternately, with every match listed (`--limit` lifted).
khard matches the text anywhere in any field, Dossier matches the start of words, so their counts differ.
The target is the issue's: a lookup a mail client can run on every keystroke, under 100 ms.
"""

from __future__ import annotations

import shutil
import subprocess
import sysconfig
from pathlib import Path

from bench.figures import Figure, Target
from bench.timing import Stats, elapsed_ms

PEER_TARGET = [Target("≤ 100 ms", "median", "<=", 100)]
TARGET_CONTACTS = 10_000  # the target is stated for this many contacts


def khard_config(workdir: Path, book: Path) -> Path:
    config = workdir / "khard.conf"
    config.write_text(
        f"[addressbooks]\n[[dossier]]\npath = {book}\n\n[general]\ndefault_action = list\neditor = true\n"
        "merge_editor = true\n",
        encoding="utf-8",
    )
    return config


def _run(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    lines: list[int] = []

    def run() -> None:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode not in (0, 1):  # `dossier search` answers 1 when nothing matches
            raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")
        lines.append(len(done.stdout.splitlines()))

    return elapsed_ms(run), lines[0]


def bench_peer(
    db: Path, contacts: int, word: str, workdir: Path, env: dict[str, str], *, runs: int, warmup: int
) -> list[Figure]:
    scripts = Path(sysconfig.get_path("scripts"))
    book = workdir / "vcards"
    shutil.rmtree(book, ignore_errors=True)
    dossier = str(scripts / "dossier")
    subprocess.run([dossier, "export", "vcard", "--out", f"{book}/", "--db", str(db)], env=env, check=True, timeout=600)
    khard_env = env | {"HOME": str(workdir), "XDG_CONFIG_HOME": str(workdir), "XDG_CACHE_HOME": str(workdir)}
    khard = [str(scripts / "khard"), "-c", str(khard_config(workdir, book)), "list", word]
    ours = [dossier, "search", word, "--db", str(db), "--limit", str(contacts)]
    for _ in range(warmup):  # untimed: the cards and the database into the disk cache
        _run(khard, khard_env)
        _run(ours, env)
    khard_ms, ours_ms = [], []
    for _ in range(runs):
        elapsed, khard_lines = _run(khard, khard_env)
        khard_ms.append(elapsed)
        elapsed, our_lines = _run(ours, env)
        ours_ms.append(elapsed)
    figure = Figure.timed(
        "peer",
        "peer.search",
        f"`dossier search {word}` among {contacts:,} contacts, whole process",
        None,
        Stats.of(ours_ms),
        targets=PEER_TARGET if contacts >= TARGET_CONTACTS else [],
        note=f"dossier listed {our_lines:,} lines, khard {khard_lines:,} (khard matches inside words too)"
        + ("" if contacts >= TARGET_CONTACTS else f"; the target is stated for {TARGET_CONTACTS:,} contacts"),
    )
    return [figure.refer(f"`khard list {word}` on a folder of {contacts:,} vCards", Stats.of(khard_ms))]
