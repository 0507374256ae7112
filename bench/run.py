"""The benchmark runner: every figure of issue 11, at each database size, with its floor and its target.

    python -m bench.run [--db PATH ...] [--scales 10000,100000,1000000] [--quick] [--json OUT]
                        [--readme README.md] [--workdir DIR] [--only GROUP,...] [--regenerate]

Without `--db` it generates one database per scale (events = 10x contacts, the busiest contact with up to
100,000 events) with `bench.generate`, cached in the work folder by size and seed, so a re-run reuses them.
`--quick` runs every benchmark on 10,000 contacts (khard on 2,000, the Mautic sync on 300) with few repetitions,
in about 45 s.
Prints a table per group, writes JSON, and with `--readme` rewrites README's Performance section between its
bench markers.
Only copies and fresh files are written to: the databases measured are only read.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from bench.figures import GROUPS, Figure, scale_name

HERE = Path(__file__).resolve().parent
DEFAULT_WORKDIR = HERE / "results" / "data"
DEFAULT_JSON = HERE / "results" / "latest.json"
SCALE_FREE = {"csv", "peer", "mautic", "exports"}


@dataclass(frozen=True)
class Plan:
    """How big and how often: the full run, or the quick one."""

    scales: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    heavy_events: int = 100_000
    store_runs: int = 300
    store_warmup: int = 30
    key_presses: int = 30
    key_warmup: int = 3
    cold_runs: int = 7
    merge_runs: int = 3
    csv_rows: int = 100_000
    csv_runs: int = 3
    peer_contacts: int = 10_000
    peer_runs: int = 3
    peer_warmup: int = 1
    mautic_contacts: int = 10_000  # in the fake Mautic, each with `mautic_events` events
    mautic_events: int = 100
    ics_notes: int = 100_000


QUICK = Plan(
    scales=(10_000,),
    heavy_events=20_000,
    store_runs=30,
    store_warmup=5,
    key_presses=4,
    key_warmup=1,
    cold_runs=1,
    merge_runs=1,
    csv_rows=5_000,
    csv_runs=1,
    peer_contacts=2_000,  # khard reads every card on every run: 10,000 take it 7 s
    peer_runs=1,
    peer_warmup=0,
    mautic_contacts=300,
    mautic_events=20,
    ics_notes=5_000,
)


@dataclass(frozen=True)
class Database:
    path: Path
    contacts: int
    events: int
    heavy_id: int
    heavy_events: int

    def describe(self) -> str:
        return f"{self.contacts:,} contacts / {self.events:,} events (busiest contact {self.heavy_events:,})"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, action="append", help="measure this database (repeatable)")
    parser.add_argument("--scales", help="contacts per generated database, comma-separated (default 10k,100k,1M)")
    parser.add_argument("--quick", action="store_true", help="10,000 contacts, fewer runs: under a minute")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"results file (default {DEFAULT_JSON})")
    parser.add_argument("--readme", type=Path, help="rewrite this README's section between the bench markers")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="generated databases and scratch files")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--only", help=f"only these groups, comma-separated: {', '.join(GROUPS)}")
    parser.add_argument("--regenerate", action="store_true", help="generate the databases again, not from cache")
    args = parser.parse_args(argv)
    unknown = set((args.only or "").split(",")) - set(GROUPS) - {""}
    if unknown:
        parser.error(f"unknown group {sorted(unknown)[0]!r}; choose from {', '.join(GROUPS)}")
    return args


def plan_for(args: argparse.Namespace) -> Plan:
    plan = QUICK if args.quick else Plan()
    if args.scales:
        plan = replace(plan, scales=tuple(int(part.replace("_", "")) for part in args.scales.split(",")))
    return plan


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def isolated(workdir: Path) -> Iterator[dict[str, str]]:
    """No user config or database, the network off and UTC, for this process and its children alike."""
    from bench.cold_start import clean_env

    saved = dict(os.environ)
    env = clean_env(workdir)
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    try:
        yield env
    finally:
        os.environ.clear()
        os.environ.update(saved)
        time.tzset()


def generated(workdir: Path, contacts: int, plan: Plan, seed: int, regenerate: bool) -> Database:
    from bench.generate import generate

    events = 10 * contacts
    path = workdir / f"bench-{contacts}c-{events}e-h{plan.heavy_events}-s{seed}.db"
    if regenerate or not path.exists():
        log(f"generating {contacts:,} contacts and {events:,} events into {path} …")
        result = generate(path, contacts=contacts, events=events, seed=seed, heavy_events=plan.heavy_events)
        log(f"  done in {result.seconds:.1f} s")
    return measure_database(path)


def measure_database(path: Path) -> Database:
    from bench.timing import raw_connection

    conn = raw_connection(path)
    try:
        contacts = conn.execute("SELECT count(*) FROM contact WHERE merged_into_id IS NULL").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM event").fetchone()[0]
        heavy = conn.execute("SELECT count(*) FROM event WHERE contact_id = 1").fetchone()[0]
    finally:
        conn.close()
    return Database(path, contacts, events, 1, heavy)


def run_scale(db: Database, word: str, plan: Plan, groups: set[str], workdir: Path) -> list[Figure]:
    """Every group that depends on the database, measured on one database; `word` is what search types."""
    from bench import history_jump
    from bench import store_queries as q
    from bench.cold_start import bench_cold_start
    from bench.keys import bench_keys
    from bench.merge_undo import bench_merge
    from store.db import open_database

    figures: list[Figure] = []
    if not groups - SCALE_FREE:  # nothing to measure here: the databases are not even opened (or upgraded)
        return figures
    engine = open_database(db.path)
    work = q.Workload(db.path, engine, db.contacts, db.heavy_id, plan.store_runs, plan.store_warmup)
    # Each step and the groups it measures (one cold-start run gives both the time and the memory).
    steps: list[tuple[set[str], Callable[[], list[Figure]]]] = [
        ({"search"}, lambda: q.bench_search(work, word)),
        ({"history"}, lambda: q.bench_history(work)),
        ({"history"}, lambda: history_jump.bench_history_search(work)),
        ({"keys"}, lambda: history_jump.bench_history_jump(work, presses=plan.key_presses, warmup=plan.key_warmup)),
        ({"chart"}, lambda: q.bench_chart(work)),
        (
            {"keys"},
            lambda: bench_keys(
                db.path, db.contacts, db.heavy_id, word, presses=plan.key_presses, warmup=plan.key_warmup
            ),
        ),
        (
            {"cold_start", "memory"},
            lambda: bench_cold_start(db.path, db.contacts, db.heavy_id, workdir, runs=plan.cold_runs),
        ),
        ({"merge"}, lambda: bench_merge(db.path, db.contacts, db.heavy_id, workdir, runs=plan.merge_runs)),
    ]
    try:
        for measures, step in steps:
            if measures & groups:
                figures += timed_step(f"[{scale_name(db.contacts)}] {'/'.join(sorted(measures))}", step)
    finally:
        engine.dispose()
    return [f for f in figures if f.group in groups]


def timed_step(name: str, step: Callable[[], list[Figure]]) -> list[Figure]:
    start = time.perf_counter()
    log(f"{name} …")
    figures = step()
    log(f"{name}: {time.perf_counter() - start:.1f} s")
    return figures


def main(argv: list[str] | None = None) -> int:
    from bench import report
    from bench.machine import describe_machine
    from bench.store_queries import search_word

    started = time.perf_counter()
    args = parse_args(argv)
    plan = plan_for(args)
    groups = set(args.only.split(",")) if args.only else set(GROUPS)
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []
    with isolated(workdir) as env:
        if args.db:
            databases = [measure_database(path.resolve()) for path in args.db]
        else:
            databases = [generated(workdir, n, plan, args.seed, args.regenerate) for n in plan.scales]
        databases.sort(key=lambda db: db.contacts)
        # The same searches at every size, so growth compares like with like.
        word = search_word(databases[0].path)
        for db in databases:
            figures += run_scale(db, word, plan, groups, workdir)
        figures += scale_free(databases, word, plan, groups, workdir, env, args)
    meta = {
        "command": "python -m bench.run " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "quick": args.quick,
        "plan": plan.__dict__,
        "databases": "; ".join(db.describe() for db in databases),
        "seconds": time.perf_counter() - started,
    }
    machine = describe_machine()
    report.print_tables(figures, machine, meta)
    report.write_json(args.json, report.to_json(figures, machine, meta))
    log(f"JSON written to {args.json}")
    if args.readme:
        report.write_readme(args.readme, report.markdown(figures, machine, meta))
        log(f"Performance section of {args.readme} rewritten")
    return 0


def scale_free(
    databases: list[Database],
    word: str,
    plan: Plan,
    groups: set[str],
    workdir: Path,
    env: dict[str, str],
    args: argparse.Namespace,
) -> list[Figure]:
    """The groups that do not depend on the database measured: CSV import, khard on 10,000 contacts (a
    database of that size is generated when none was measured) with `dossier show` on every database, and the
    Mautic sync (from the fake Mautic)."""
    from functools import partial

    from bench.csv_speed import bench_csv
    from bench.exports_speed import bench_exports
    from bench.mautic_sync import bench_mautic
    from bench.peer import bench_peer
    from bench.show_process import bench_show

    figures: list[Figure] = []
    if "csv" in groups:
        figures += timed_step("csv", lambda: bench_csv(workdir, plan.csv_rows, env, runs=plan.csv_runs))
    if "peer" in groups:
        peer_db = next((db for db in databases if db.contacts == plan.peer_contacts), None)
        if peer_db is None:
            peer_db = generated(workdir, plan.peer_contacts, plan, args.seed, args.regenerate)
        figures += timed_step(
            "peer",
            lambda: bench_peer(
                peer_db.path, peer_db.contacts, word, workdir, env, runs=plan.peer_runs, warmup=plan.peer_warmup
            ),
        )
        for db in databases:
            show = partial(bench_show, db.path, db.contacts, db.heavy_id, env, runs=plan.cold_runs, warmup=1)
            figures += timed_step(f"[{scale_name(db.contacts)}] peer.show", show)
    if "mautic" in groups:
        figures += timed_step(
            "mautic", lambda: bench_mautic(workdir, plan.mautic_contacts, plan.mautic_events, env, seed=args.seed)
        )
    if "exports" in groups:
        figures += timed_step(
            "exports", lambda: bench_exports(databases, workdir, plan.ics_notes, runs=plan.merge_runs)
        )
    return figures


if __name__ == "__main__":
    sys.exit(main())
