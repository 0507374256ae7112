"""The contact page shows its contact before the model classes exist: `dossier CONTACT` in a new interpreter
gets its contact on screen without having imported `store.models` or SQLModel (~60 ms more before the first
paint; see store/tables.py). Checked by what is imported, never by a time."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from store.models import ContactIp, IpAddress, Note, SocialProfile

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
# Runs the CLI as `dossier --db DB CONTACT`, headless, and notes the model modules already imported when the
# contact's data reaches the page (the page paints it then); then quits.
CHILD = """
import json, sys
from cli.main import main
from tui.app import DossierApp
from tui.contact.screen import ContactScreen

seen = {}
show, run = ContactScreen._show, DossierApp.run

def _show(self, *args):
    seen.setdefault("imported", sorted(m for m in ("store.models", "sqlmodel") if m in sys.modules))
    show(self, *args)
    self.app.exit()

ContactScreen._show = _show
DossierApp.run = lambda self, *a, **k: run(self, headless=True, size=(120, 36))
code = main(["--db", sys.argv[2], sys.argv[3]])
open(sys.argv[1], "w").write(json.dumps({"code": code, **seen}))
"""


@pytest.mark.sqlite_only
def test_the_contact_page_shows_its_contact_before_the_models_are_imported(
    engine: Engine, make_contact, tmp_path: Path
) -> None:
    # A contact with something for every check made before the paint: a place (the Map tab), a note, a profile.
    contact = make_contact(engine, firstname="Ada", lastname="Lovelace", email="ada@example.com")
    with Session(engine) as session:
        ip = IpAddress(ip="81.2.69.160", city="London", country="United Kingdom", latitude=51.5, longitude=-0.1)
        session.add(ip)
        session.flush()
        session.add(ContactIp(contact_id=contact, ip_address_id=ip.id, first_seen=T0, last_seen=T0))
        session.add(Note(contact_id=contact, text="call back", date_time=T0, type="call"))
        session.add(SocialProfile(contact_id=contact, network="mastodon", handle="@ada@example.social"))
        session.commit()
    db = str(engine.url.database)
    engine.dispose()
    report = tmp_path / "report.json"
    env = {
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DOSSIER_CONFIG": str(tmp_path / "none.toml"),
        "DOSSIER_NETWORK__OFFLINE": "true",
        "TZ": "UTC",
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(report), db, str(contact)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(report.read_text())
    assert result["code"] == 0
    assert result["imported"] == [], "imported before the contact page painted"
