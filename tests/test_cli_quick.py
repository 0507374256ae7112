"""`dossier search` and `dossier show` read a file with sqlite3 alone: the same answers as the store gives, on
SQLite and PostgreSQL, without importing SQLAlchemy, SQLModel or Textual, and without writing the file."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session

from cli.main import main
from cli.registry import build_parser, commands
from store.contacts import get_contact, resolve_contact, search_contacts
from store.db import HEAD_REVISION
from store.models import Contact, ContactIp, IpAddress, Note, SocialProfile, SyncState, table_of

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "sqlmodel", "textual", "alembic", "pydantic", "asyncio")
QUERIES = ["jane", "acme", "jane doe", "o'bri", "zurich", "renewal", "a", "eve", '"; DROP', "nobody"]


def _crm(engine: Engine, make_contact) -> dict[str, int]:
    """Contacts with everything the page shows: a merge, notes, a location, a profile, a sync record, hostile text."""
    ids = {
        "jane": make_contact(engine, firstname="Jane", lastname="Doe", email="jane.doe@example.com", company="Acme"),
        "bri": make_contact(engine, firstname="Ann", lastname="O'Brien", city="Zürich", tags=["vip"], last_active=T0),
        "eve": make_contact(engine, firstname="Eve\x1b[31m", lastname="[b]x[/b]", custom_fields={"k": "\x07"}),
    }
    ids["old"] = make_contact(
        engine, firstname="Jane", lastname="Doe", email="jane@old.test", merged_into_id=ids["jane"]
    )
    ids |= {f"acme{n}": make_contact(engine, firstname=f"P{n}", company="Acme Industries") for n in range(5)}
    with Session(engine) as session:
        session.add(Note(contact_id=ids["eve"], text="contract renewal in March", date_time=T0))
        ip = IpAddress(ip="81.2.69.160", city="London", country="United Kingdom", latitude=51.5, longitude=-0.1)
        session.add(ip)
        session.flush()
        session.add(ContactIp(contact_id=ids["jane"], ip_address_id=ip.id, first_seen=T0, last_seen=T0))
        session.add(SocialProfile(contact_id=ids["jane"], network="mastodon", handle="@jane@example.social"))
        session.add(SyncState(source="mautic https://crm.example", remote_id="7", contact_id=ids["old"], synced_at=T0))
        session.commit()
    return ids


def _target(request: pytest.FixtureRequest, engine: Engine) -> str:
    if engine.dialect.name == "postgresql":
        return request.getfixturevalue("postgres_url")
    return str(engine.url.database)


def _json_of(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code = main(list(argv))
    out = capsys.readouterr().out
    return json.loads(out) if code == 0 else None


def test_search_and_show_answer_as_the_store_does(
    request: pytest.FixtureRequest, engine: Engine, make_contact, capsys
) -> None:
    ids = _crm(engine, make_contact)
    target = _target(request, engine)
    for query in QUERIES:
        for limit in ("1", "3", "50"):
            found = _json_of(capsys, "search", query, "--db", target, "--json", "--limit", limit) or []
            assert [row["id"] for row in found] == [row.id for row in search_contacts(engine, query, limit=int(limit))]
    for ref in [*map(str, ids.values()), "jane.doe@example.com", "JANE@old.test"]:
        contact_id, merged_from = resolve_contact(engine, ref)
        document = _json_of(capsys, "show", ref, "--db", target, "--json")
        expected = get_contact(engine, contact_id).to_json()
        if merged_from is not None:
            expected |= {
                "merged_from": merged_from,
                "note": f"Contact {merged_from} was merged into contact {contact_id}.",
            }
        assert document == expected


def _modules_loaded(tmp_path: Path, *argv: str) -> tuple[str, set[str]]:
    """Run `dossier ARGV` in a new interpreter; its standard output and the top-level packages it imported."""
    listing = tmp_path / "modules.txt"
    script = (
        "import sys\nfrom cli.main import main\ncode = 0\ntry:\n    code = main(sys.argv[2:])\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "open(sys.argv[1], 'w').write('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))\nsys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(listing), *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=120,
        check=False,
    )
    return result.stdout, set(listing.read_text().split())


@pytest.mark.sqlite_only
def test_search_show_and_help_import_nothing_heavy(engine: Engine, make_contact, tmp_path: Path) -> None:
    ids = _crm(engine, make_contact)
    db = str(engine.url.database)
    engine.dispose()
    before = Path(db).read_bytes()
    for argv in (["search", "jane", "--db", db], ["search", "renewal", "--json", "--db", db], ["--help"]):
        out, modules = _modules_loaded(tmp_path, *argv)
        assert out
        assert modules.isdisjoint(HEAVY), argv
    out, modules = _modules_loaded(tmp_path, "show", str(ids["old"]), "--json", "--db", db)
    assert json.loads(out)["origin_id"] == "7"
    assert modules.isdisjoint(HEAVY)
    assert Path(db).read_bytes() == before  # a command that reads writes nothing into the file


@pytest.mark.sqlite_only
def test_a_file_at_an_older_schema_is_still_upgraded_before_the_search(engine: Engine, make_contact, capsys) -> None:
    jane = make_contact(engine, firstname="Jane", lastname="Doe")
    with engine.begin() as conn:
        conn.execute(update(table_of(Contact)).where(table_of(Contact).c.id == jane).values(city="Paris"))
        # The file as the revision before the newest left it.
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0009_history_search'")
        conn.exec_driver_sql("DROP TABLE database_meta")
    db = str(engine.url.database)
    engine.dispose()
    assert _json_of(capsys, "search", "paris", "--db", db, "--json") == [
        {
            "id": jane,
            "name": "Jane Doe",
            "email": None,
            "company": "",
            "city": "Paris",
            "points": 0,
            "last_active": None,
        }
    ]
    assert open_version(db) == HEAD_REVISION


def open_version(db: str) -> str:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "jane"],
        ["--db", "x.db", "search", "jane", "--json", "--limit", "3"],
        ["show", "--db", "x.db", "7"],
        ["--db", "x.db", "42"],
        ["jane@example.com"],
        ["export", "csv", "--db", "x.db"],
        ["dnc", "add", "7", "--reason", "bounced"],
    ],
)
def test_a_parser_of_the_named_command_only_parses_as_the_whole_one(argv: list[str]) -> None:
    whole = build_parser(commands()).parse_args(argv)
    assert build_parser(commands(), argv).parse_args(argv) == whole


@pytest.mark.parametrize("argv", [["search"], ["search", "x", "--limit", "many"], ["search", "x", "--nope"]])
def test_a_parser_of_the_named_command_refuses_as_the_whole_one(argv: list[str], capsys) -> None:
    errors = []
    for parser in (build_parser(commands()), build_parser(commands(), argv)):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
        errors.append(capsys.readouterr().err)
    assert errors[0] == errors[1]
