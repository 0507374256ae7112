"""`dossier geo refresh`: the summary it prints, the database it picks, and its one-sentence errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

from services.geoip import GeoIpError
from store.contacts import ContactNotFound
from store.models import IpAddress
from tests.cli_helpers import run_command
from tests.mmdb_fixture import LONDON, SYDNEY_V6, UNKNOWN, write_mmdb
from tests.store_helpers import record_visit

# The commands are the same on both databases; the store suite runs on PostgreSQL too.
pytestmark = pytest.mark.sqlite_only

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """Parse and run a command as `dossier` does; errors propagate for the test to check."""
    code = run_command(*argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def mmdb(tmp_path: Path) -> Path:
    return write_mmdb(tmp_path / "city.mmdb")


@pytest.fixture
def crm(engine: Engine, make_contact) -> SimpleNamespace:
    jane = make_contact(engine, first_name="Jane", email="jane@example.com")
    john = make_contact(engine, first_name="John", email="john@example.com")
    for ip in (LONDON, UNKNOWN):
        record_visit(engine, jane, ip, seen_at=T0, lookup=None)
    with Session(engine) as session:  # an address stored before private ones were marked on arrival
        session.add(IpAddress(ip="10.0.0.1"))
        session.commit()
    record_visit(engine, john, SYDNEY_V6, seen_at=T0, lookup=None)
    return SimpleNamespace(jane=jane, john=john)


def statuses(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(IpAddress.ip, IpAddress.lookup_status)).all())


def test_refresh_everyone(capsys, engine: Engine, db_path: Path, mmdb: Path, crm) -> None:
    code, out, err = run(capsys, "geo", "refresh", "--mmdb", mmdb, "--db", db_path)
    assert code == 0
    assert out == "Looked up 3 IP addresses (all): 2 found, 1 unknown; 1 private address skipped.\n"
    assert "GeoLite2-City database built" in err and "2018" not in err
    assert statuses(engine) == {LONDON: "found", UNKNOWN: "unknown", "10.0.0.1": "private", SYDNEY_V6: "found"}
    code, out, _ = run(capsys, "geo", "refresh", "--mmdb", mmdb, "--db", db_path)
    assert out == "Looked up 0 IP addresses (all): 0 found, 0 unknown; 0 private addresses skipped.\n"


def test_refresh_one_contact_by_email_then_all_again(capsys, engine: Engine, db_path: Path, mmdb: Path, crm) -> None:
    code, out, _ = run(capsys, "geo", "refresh", "john@example.com", "--mmdb", mmdb, "--db", db_path)
    assert code == 0
    assert out == f"Looked up 1 IP address (contact {crm.john}'s): 1 found, 0 unknown; 0 private addresses skipped.\n"
    assert statuses(engine)[LONDON] == "pending"
    _, out, _ = run(capsys, "geo", "refresh", str(crm.john), "--all", "--mmdb", mmdb, "--db", db_path)
    assert out.startswith("Looked up 1 IP address ")


def test_mmdb_path_comes_from_settings(capsys, monkeypatch, db_path: Path, mmdb: Path, crm) -> None:
    settings = SimpleNamespace(geo=SimpleNamespace(mmdb_path=str(mmdb)))
    monkeypatch.setattr("store.settings.load_settings", lambda: settings)
    code, out, _ = run(capsys, "geo", "refresh", "--db", db_path)
    assert code == 0 and "2 found" in out


def test_no_database_configured(capsys, monkeypatch, db_path: Path, crm) -> None:
    monkeypatch.setattr("services.geoip.embedded_database_path", lambda: None)
    with pytest.raises(GeoIpError, match=r"No GeoIP database is configured; set geo\.mmdb_path"):
        run(capsys, "geo", "refresh", "--db", db_path)


def test_bad_mmdb_and_unknown_contact(capsys, tmp_path: Path, db_path: Path, mmdb: Path, crm) -> None:
    with pytest.raises(GeoIpError, match="does not exist"):
        run(capsys, "geo", "refresh", "--mmdb", tmp_path / "missing.mmdb", "--db", db_path)
    with pytest.raises(ContactNotFound):
        run(capsys, "geo", "refresh", "nobody@example.com", "--mmdb", mmdb, "--db", db_path)


def test_refresh_is_required(capsys) -> None:
    with pytest.raises(SystemExit):
        run(capsys, "geo")


def test_geo_refresh_through_main_reports_one_line_errors(db_path, engine, capsys, tmp_path) -> None:
    from cli.main import main

    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a maxmind database")
    assert main(["geo", "refresh", "--db", str(db_path), "--mmdb", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dossier: ") and err.count("\n") == 1 and "Traceback" not in err
