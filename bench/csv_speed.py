"""CSV import: a Mautic contact export into an empty database, against sqlite-utils and raw executemany.

The file has Mautic's export columns and realistic values (names with accents, phones, tags, dates). Each
run imports it into a fresh database: Dossier's is an empty, migrated file, made before the clock starts.
- `import_csv` in-process, against two floors and the sqlite-utils Python API (`Table.insert_all` of
  csv.DictReader rows). The floors: csv.reader + one executemany into a plain table, one transaction; and
  csv.reader + executemany into Dossier's own contact table as the import writes it (batches, the search
  index filled per batch), which is what the schema costs before any of the import's own work;
- `dossier import csv` as a whole process, against `sqlite-utils insert DB contact FILE --csv`.
Dossier does more per row than either (email and phone normalisation, duplicate lookups, the search index).
"""

from __future__ import annotations

import csv
import random
import shutil
import subprocess
import sysconfig
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

from bench.figures import Figure, Target
from bench.timing import Stats, elapsed_ms, raw_connection
from store.db import open_database
from store.fts import SEARCH_COLUMNS
from store.interchange.bulk_writes import BULK_CACHE_KIB
from store.interchange.csv_export import COLUMNS as EXPORT_COLUMNS
from store.interchange.csv_import import BATCH_SIZE, import_csv

# Dossier's own Mautic-compatible export columns, with a column Dossier has no field for (a custom field).
COLUMNS = ["title", *EXPORT_COLUMNS, "date_modified"]
FIRST = [
    "Ada",
    "Grace",
    "José",
    "Siobhán",
    "Zoë",
    "Mohammed",
    "Wei",
    "Yuki",
    "Olga",
    "Priya",
    "Lars",
    "Amélie",
    "Chidi",
    "Mateo",
    "Ana",
    "Jürgen",
    "Fatima",
    "Noah",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Núñez",
    "O'Brien",
    "Ångström",
    "Khan",
    "Zhang",
    "Tanaka",
    "Ivanova",
    "Patel",
    "Berg",
    "Dubois",
    "Okafor",
    "Rossi",
    "Silva",
]
PLACES = [
    ("London", "England", "SW1A", "United Kingdom", "+44 20 7946 {:04d}"),
    ("Zürich", "ZH", "8001", "Switzerland", "+41 44 668 {:04d}"),
    ("Lyon", "Auvergne-Rhône-Alpes", "69002", "France", "+33 4 72 10 {:04d}"),
    ("Austin", "TX", "78701", "United States", "+1 512 555 {:04d}"),
    ("São Paulo", "SP", "01310", "Brazil", "+55 11 3030 {:04d}"),
]
COMPANIES = ["Analytical Engines", "Navy Labs", "Telefónica", "Guinness", "ヤマダ電機", "Acme, Inc.", "Initech"]
STAGES = ["Lead", "Prospect", "Customer", ""]
RATE_TARGET = Target("≥ 100,000 rows/s", "median", ">=", 100_000.0)
PROCESS_TARGET = Target("≥ 60,000 rows/s", "median", ">=", 60_000.0)


def write_csv(path: Path, rows: int, seed: int = 1) -> Path:
    """A Mautic-style export of `rows` distinct contacts (unique emails), the same for the same seed."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=COLUMNS)
        out.writeheader()
        for number in range(1, rows + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            city, state, zipcode, country, phone = rng.choice(PLACES)
            added = start + timedelta(minutes=number)
            local = f"{first}.{last}".lower().replace("'", "")
            out.writerow(
                {
                    "id": number,
                    "title": rng.choice(["", "Dr", "Ms", "Mr"]),
                    "firstname": first,
                    "lastname": last,
                    "email": f"{local}.{number}@example.com",
                    "company": rng.choice(COMPANIES),
                    "position": rng.choice(["CEO", "Engineer", "Buyer", ""]),
                    "phone": phone.format(number % 10_000) if number % 2 else "",
                    "address1": f"{number} High Street",
                    "city": city,
                    "state": state,
                    "zipcode": zipcode,
                    "country": country,
                    "website": "https://example.com" if number % 5 == 0 else "",
                    "points": rng.randrange(0, 200),
                    "tags": "|".join(rng.sample(["vip", "newsletter", "trial", "webinar"], rng.randrange(0, 3))),
                    "stage": rng.choice(STAGES),
                    "owner": "sam",
                    "last_active": (added + timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S") if number % 3 else "",
                    "date_added": added.strftime("%Y-%m-%d %H:%M:%S"),
                    "date_modified": added.strftime("%Y-%m-%d %H:%M:%S"),
                }
            )
    return path


def _fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def _floor(source: Path, db: Path) -> float:
    conn = raw_connection(_fresh(db))
    try:
        conn.execute(f"CREATE TABLE contact ({', '.join(f'{name} TEXT' for name in COLUMNS)})")

        def load() -> None:
            with source.open(encoding="utf-8", newline="") as f:
                rows = csv.reader(f)
                next(rows)
                conn.execute("BEGIN")
                conn.executemany(f"INSERT INTO contact VALUES ({', '.join('?' * len(COLUMNS))})", rows)
                conn.execute("COMMIT")

        return elapsed_ms(load)
    finally:
        conn.close()


def _contact_values() -> dict[str, str]:
    """Each contact column's value as SQL over a row's cells (`?N` is its Nth cell): text as it is, and the
    derived columns that are indexed (normal email, E.164 phone) from SQL stand-ins that give these rows' values."""
    cell = {name: f"?{number}" for number, name in enumerate(COLUMNS, start=1)}
    text = ("firstname", "lastname", "company", "position", "address1", "address2", "city", "zipcode", "country")
    return {
        **{name: cell[name] for name in (*text, "website", "stage", "owner", "tags", "date_added", "date_modified")},
        "region": cell["state"],
        "email": f"nullif({cell['email']}, '')",
        "email_normalized": f"nullif(lower({cell['email']}), '')",
        "phone": f"nullif({cell['phone']}, '')",
        "phone_e164": f"nullif(replace({cell['phone']}, ' ', ''), '')",
        "mobile": f"nullif({cell['mobile']}, '')",
        "points": f"CAST({cell['points']} AS INTEGER)",
        "last_active": f"nullif({cell['last_active']}, '')",
        "custom_fields": "'{}'",
        "avatar_source": "'gravatar'",
    }


def _schema_floor(source: Path, db: Path, template: Path) -> float:
    """The same rows straight from csv.reader into Dossier's contact table, in an empty migrated database, as
    `import_csv` writes them: batches of its size, one transaction each, its page cache, the search index's
    trigger set aside and the batch indexed in one statement. What the schema itself costs: its indexes and
    its search index."""
    shutil.copyfile(template, _fresh(db))
    conn = raw_connection(db)
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    values = _contact_values()
    insert = f"INSERT INTO contact ({', '.join(values)}) VALUES ({', '.join(values.values())})"
    words = ", ".join(SEARCH_COLUMNS)
    index = f"INSERT INTO contact_fts(rowid, {words}) SELECT id, {words} FROM contact WHERE id > ? ORDER BY id"
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'contact_fts_ai'").fetchone()[0]

    def load() -> None:
        with source.open(encoding="utf-8", newline="") as f:
            rows = csv.reader(f)
            next(rows)
            while batch := list(islice(rows, BATCH_SIZE)):
                conn.execute("BEGIN IMMEDIATE")
                after = conn.execute("SELECT coalesce(max(id), 0) FROM contact").fetchone()[0]
                conn.execute("DROP TRIGGER contact_fts_ai")
                conn.executemany(insert, batch)
                conn.execute(index, (after,))
                conn.execute(trigger)
                conn.execute("COMMIT")

    try:
        return elapsed_ms(load)
    finally:
        conn.close()


def _sqlite_utils_api(source: Path, db: Path) -> float:
    import sqlite_utils

    database = sqlite_utils.Database(_fresh(db))

    def load() -> None:
        with source.open(encoding="utf-8", newline="") as f:
            database["contact"].insert_all(csv.DictReader(f))

    try:
        return elapsed_ms(load)
    finally:
        database.close()


def _dossier(source: Path, db: Path, template: Path) -> float:
    shutil.copyfile(template, _fresh(db))
    engine = open_database(db)
    try:
        return elapsed_ms(lambda: import_csv(engine, source, now=datetime.now(UTC)))
    finally:
        engine.dispose()


def _process(command: list[str], env: dict[str, str]) -> float:
    def run() -> None:
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=600)

    return elapsed_ms(run)


def _rate(rows: int, stats: Stats) -> Stats:
    """Rows per second from times in ms: the median's rate, and the slow end (the p95 time's rate)."""
    return Stats(rows / stats.median * 1000, rows / stats.p95 * 1000, stats.n)


def bench_csv(workdir: Path, rows: int, env: dict[str, str], *, runs: int) -> list[Figure]:
    source = workdir / f"mautic-columns-{rows}.csv"  # the name changes with the layout: no stale cache
    if not source.exists():
        write_csv(source, rows)
    template = workdir / "empty-template.db"
    if not template.exists():
        open_database(_fresh(template), create=True).dispose()
    db = workdir / "csv-import.db"
    # One small untimed import first: the in-process figure is the warm rate; one-off costs (phone number
    # metadata, SQL compilation) are paid by every `dossier import csv` process, so the whole-process figure has them.
    _dossier(write_csv(workdir / "warmup.csv", 200, seed=2), db, template)
    scripts = Path(sysconfig.get_path("scripts"))
    times: dict[str, list[float]] = {"dossier": [], "floor": [], "schema": [], "api": [], "dossier_cli": [], "cli": []}
    for _ in range(runs):
        times["dossier"].append(_dossier(source, db, template))
        times["floor"].append(_floor(source, db))
        times["schema"].append(_schema_floor(source, db, template))
        times["api"].append(_sqlite_utils_api(source, db))
        shutil.copyfile(template, _fresh(db))
        times["dossier_cli"].append(
            _process([str(scripts / "dossier"), "import", "csv", str(source), "--db", str(db)], env)
        )
        _fresh(db)
        times["cli"].append(
            _process([str(scripts / "sqlite-utils"), "insert", str(db), "contact", str(source), "--csv"], env)
        )
    _fresh(db)
    rates = {name: _rate(rows, Stats.of(values)) for name, values in times.items()}
    label = f"{rows:,} rows"
    store = Figure(
        "csv",
        "csv.import_csv",
        f"import_csv, in-process, warm ({label})",
        "rows/s",
        None,
        *_astuple(rates["dossier"]),
        higher_is_better=True,
        targets=[RATE_TARGET, Target("faster than the sqlite-utils Python API", "ratio:2", "<", 1.0)],
    )
    store.refer("floor: csv.reader + executemany, plain table", rates["floor"])
    store.refer(
        "floor: the same into Dossier's contact table, its indexes and search index, in batches", rates["schema"]
    )
    store.refer("sqlite-utils Python API (insert_all)", rates["api"])
    process = Figure(
        "csv",
        "csv.cli",
        f"`dossier import csv`, whole process ({label})",
        "rows/s",
        None,
        *_astuple(rates["dossier_cli"]),
        higher_is_better=True,
        targets=[PROCESS_TARGET, Target("faster than `sqlite-utils insert --csv`", "ratio", "<", 1.0)],
    )
    process.refer("`sqlite-utils insert --csv`, whole process", rates["cli"])
    return [store, process]


def _astuple(stats: Stats) -> tuple[float, float, int]:
    return stats.median, stats.p95, stats.n
