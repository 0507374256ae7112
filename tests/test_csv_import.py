"""`store.interchange.csv_import`: dialects, encodings, mapping, upsert by email, batches, and `dossier import csv`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from store.contacts import search_contacts
from store.dialect import stored_row
from store.interchange.csv_import import BATCH_SIZE, CsvImportError, import_csv
from tests.faults import refuse_inserts


def _contacts(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM contact ORDER BY id")).all()
    result = []
    for row in map(stored_row, rows):
        row["tags"] = json.loads(row["tags"])
        row["custom_fields"] = json.loads(row["custom_fields"])
        result.append(row)
    return result


def _write(tmp_path: Path, body: str, name: str = "in.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path


MAUTIC = (
    "id,title,firstname,lastname,email,company,position,phone,mobile,address1,address2,city,state,zipcode,"
    "country,website,points,tags,stage,owner,twitter,date_added\n"
    "17,Dr,Ada,Lovelace,Ada@Example.com,Analytical,Countess,020 7946 0000,,1 St James,,London,Greater London,"
    "SW1,United Kingdom,https://ada.example,42,vip|newsletter,Lead,sam,@ada,2020-01-01 10:00:00\n"
    "18,,Grace,Hopper,grace@example.com,Navy,Admiral,(202) 555-0100,,,,Arlington,VA,22201,US,,7,,,,,\n"
)


def test_mautic_columns_map_to_contact_fields(engine, tmp_path: Path) -> None:
    summary = import_csv(engine, _write(tmp_path, MAUTIC))
    assert (summary.created, summary.updated, summary.unchanged, summary.failed) == (2, 0, 0, [])
    ada, grace = _contacts(engine)
    assert ada["firstname"] == "Ada" and ada["email"] == "Ada@Example.com"
    assert ada["email_normalized"] == "ada@example.com"
    assert ada["region"] == "Greater London" and ada["zipcode"] == "SW1" and ada["position"] == "Countess"
    assert ada["points"] == 42 and ada["tags"] == ["vip", "newsletter"] and ada["stage"] == "Lead"
    assert ada["phone_e164"] == "+442079460000"
    assert ada["custom_fields"] == {"title": "Dr", "twitter": "@ada"}
    assert ada["external_id"] is None  # `id` belongs to the source database
    assert grace["phone_e164"] == "+12025550100" and grace["region"] == "VA"


@pytest.mark.parametrize(
    "header",
    [
        "Given Name,Family Name,E-mail 1 - Value,Organization 1 - Name,Phone 1 - Value",  # Google Contacts
        "First Name,Last Name,E-mail Address,Company,Business Phone",  # Outlook
        "First Name,Last Name,Email,Company Name,Phone Number",  # HubSpot
    ],
)
def test_other_crm_headers(engine, tmp_path: Path, header: str) -> None:
    import_csv(engine, _write(tmp_path, f"{header}\nAda,Lovelace,ada@example.com,Analytical,+44 20 7946 0000\n"))
    [ada] = _contacts(engine)
    assert (ada["firstname"], ada["lastname"], ada["email"], ada["company"]) == (
        "Ada",
        "Lovelace",
        "ada@example.com",
        "Analytical",
    )
    assert ada["phone_e164"] == "+442079460000" and ada["custom_fields"] == {}


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_delimiter_is_sniffed(engine, tmp_path: Path, delimiter: str) -> None:
    body = delimiter.join(["firstname", "lastname", "email", "city"]) + "\n"
    body += delimiter.join(["Ada", "Lovelace", "ada@example.com", "London, UK"]) + "\n"
    summary = import_csv(engine, _write(tmp_path, body))
    assert summary.delimiter == delimiter
    [ada] = _contacts(engine)
    assert ada["city"] == "London, UK"


def test_utf8_with_bom(engine, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "firstname,email\nZoë,zoe@example.com\n".encode())
    import_csv(engine, path)
    [zoe] = _contacts(engine)
    assert zoe["firstname"] == "Zoë" and zoe["custom_fields"] == {}


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encoding_is_detected(engine, tmp_path: Path, encoding: str) -> None:
    body = "firstname,lastname,email,city\n" + "".join(
        f"Renée{i},Müller-Gaßner,r{i}@example.com,Zürich à côté\n" for i in range(20)
    )
    summary = import_csv(engine, _write(tmp_path, body, encoding=encoding))
    assert summary.created == 20 and summary.failed == []
    first = _contacts(engine)[0]
    assert (first["firstname"], first["lastname"], first["city"]) == ("Renée0", "Müller-Gaßner", "Zürich à côté")


def test_quoted_newlines_and_line_numbers(engine, tmp_path: Path) -> None:
    body = 'firstname,email,address1\nAda,ada@example.com,"1 Main St\nFlat 2"\nGrace,grace@example.com,x\n'
    import_csv(engine, _write(tmp_path, body))
    ada, grace = _contacts(engine)
    assert ada["address1"] == "1 Main St\nFlat 2" and grace["firstname"] == "Grace"


def test_duplicate_emails_in_one_file_later_row_updates(engine, tmp_path: Path) -> None:
    body = "firstname,email,city,tags\nAda,ada@example.com,London,a\nAda L.,ADA@example.com ,,b\n"
    path = _write(tmp_path, body)
    summary = import_csv(engine, path)
    assert (summary.created, summary.updated) == (1, 1)
    [ada] = _contacts(engine)
    assert ada["firstname"] == "Ada L." and ada["city"] == "London" and ada["tags"] == ["a", "b"]
    again = import_csv(engine, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_new_contacts_keep_the_files_order_when_a_key_comes_again(engine, tmp_path: Path) -> None:
    body = "firstname,email,tags\nA,a@example.com,x\nB,b@example.com,\nA2,A@example.com,y\nC,c@example.com,\n"
    summary = import_csv(engine, _write(tmp_path, body))
    assert (summary.created, summary.updated) == (3, 1)
    assert [(c["firstname"], c["tags"]) for c in _contacts(engine)] == [("A2", ["x", "y"]), ("B", []), ("C", [])]


def test_duplicates_across_batches(engine, tmp_path: Path) -> None:
    body = "firstname,email\n" + "".join(f"P{i},p{i % 3}@example.com\n" for i in range(10))
    summary = import_csv(engine, _write(tmp_path, body), batch_size=2)
    assert summary.created == 3 and summary.created + summary.updated + summary.unchanged == 10
    assert sorted(c["firstname"] for c in _contacts(engine)) == ["P7", "P8", "P9"]


def test_unknown_columns_become_custom_fields_and_map_overrides(engine, tmp_path: Path) -> None:
    body = "Vorname,email,Favourite Colour,Member No\nAda,ada@example.com,green,A-1\n"
    import_csv(engine, _write(tmp_path, body), mapping_overrides={"Vorname": "firstname", "member no": "external_id"})
    [ada] = _contacts(engine)
    assert ada["firstname"] == "Ada" and ada["external_id"] == "A-1"
    assert ada["custom_fields"] == {"Favourite Colour": "green"}


def test_bad_map_is_refused(engine, tmp_path: Path) -> None:
    path = _write(tmp_path, "a,email\n1,ada@example.com\n")
    with pytest.raises(CsvImportError, match="not a field"):
        import_csv(engine, path, mapping_overrides={"a": "shoe_size"})
    with pytest.raises(CsvImportError, match="does not have"):
        import_csv(engine, path, mapping_overrides={"b": "firstname"})


def test_reimport_changes_nothing(engine, tmp_path: Path) -> None:
    path = _write(tmp_path, MAUTIC)
    import_csv(engine, path)
    before = _contacts(engine)
    summary = import_csv(engine, path)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert _contacts(engine) == before


def test_update_existing_contact_by_email_and_external_id(engine, tmp_path: Path, make_contact) -> None:
    ada = make_contact(engine, firstname="Ada", email="ada@example.com", city="London", tags=["old"])
    bob = make_contact(engine, firstname="Bob", external_id="B-7")
    body = "email,city,tags,external_id,firstname\n ADA@example.com,Paris,new,,\n,,,B-7,Robert\n"
    summary = import_csv(engine, _write(tmp_path, body))
    assert (summary.created, summary.updated) == (0, 2)
    rows = {c["id"]: c for c in _contacts(engine)}
    assert rows[ada]["city"] == "Paris" and rows[ada]["firstname"] == "Ada" and rows[ada]["tags"] == ["old", "new"]
    assert rows[bob]["firstname"] == "Robert"


def test_dry_run_writes_nothing(engine, tmp_path: Path) -> None:
    summary = import_csv(engine, _write(tmp_path, MAUTIC), dry_run=True)
    assert summary.created == 2
    assert _contacts(engine) == []


def test_malformed_rows_are_reported_and_the_rest_imported(engine, tmp_path: Path) -> None:
    body = (
        'firstname,email,points\nAda,ada@example.com,1\nBad,bad@example.com,lots\nShort\nGrace,grace@example.com,"3\n'
    )
    path = _write(tmp_path, body)
    summary = import_csv(engine, path)
    assert summary.failed == [f"{path}:3: points 'lots' is not a number", f"{path}:5: unexpected end of data"]
    assert sorted(c["firstname"] for c in _contacts(engine)) == ["Ada", "Short"]


def test_empty_file_is_refused(engine, tmp_path: Path) -> None:
    with pytest.raises(CsvImportError, match="empty"):
        import_csv(engine, _write(tmp_path, ""))


def test_imported_contacts_are_found_by_search(engine, tmp_path: Path) -> None:
    import_csv(engine, _write(tmp_path, MAUTIC))
    assert [c.name for c in search_contacts(engine, "hopp")] == ["Grace Hopper"]
    assert [c.name for c in search_contacts(engine, "analyt")] == ["Ada Lovelace"]


def _big_file(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("firstname,lastname,email,company,phone,city,country,points,tags,Shoe Size\n")
        for i in range(rows):
            f.write(f"First{i},Last{i},user{i}@example.com,Company {i % 500},+1 202 555 {i % 10000:04d},")
            f.write(f"City {i % 300},US,{i % 100},a|b,{i % 13}\n")
    return path


def test_large_file_in_batches(engine, tmp_path: Path) -> None:
    rows = 20_000
    path = _big_file(tmp_path, rows)
    seen: list[int] = []
    summary = import_csv(engine, path, progress=seen.append)
    assert summary.created == rows and summary.failed == []
    assert seen[-1] == rows and len(seen) >= rows // BATCH_SIZE
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contact")).scalar() == rows
        if engine.dialect.name == "sqlite":
            conn.execute(text("INSERT INTO contact_fts(contact_fts, rank) VALUES ('integrity-check', 1)"))
    assert [c.name for c in search_contacts(engine, "user12345")] == ["First12345 Last12345"]
    again = import_csv(engine, path)
    assert again.unchanged == rows


@pytest.mark.sqlite_only
def test_cli_import_prints_a_summary(engine, db_path: Path, tmp_path: Path, capsys) -> None:
    from tests.cli_helpers import run_command

    assert run_command("import", "csv", _write(tmp_path, MAUTIC), "--db", db_path, "--map", "twitter=skip") == 0
    out = capsys.readouterr().out
    assert "2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in out
    assert "twitter" not in _contacts(engine)[0]["custom_fields"]


def test_a_failed_batch_leaves_nothing_half_written(engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        refuse_inserts(conn, "contact", "boom", when="new.firstname = 'Boom'", name="test_boom")
    body = "firstname,email\n" + "".join(f"P{i},p{i}@example.com\n" for i in range(5)) + "Boom,boom@example.com\n"
    with pytest.raises(Exception, match="boom"):
        import_csv(engine, _write(tmp_path, body), batch_size=3)
    assert [c["firstname"] for c in _contacts(engine)] == ["P0", "P1", "P2"]
    if engine.dialect.name == "sqlite":  # the search index's trigger, dropped for the batch, is back
        with engine.connect() as conn:
            triggers = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
        assert "contact_fts_ai" in triggers
    assert [c.name for c in search_contacts(engine, "P1")] == ["P1"]


def test_rows_without_email_are_matched_by_name_company_phone_and_city(engine, tmp_path: Path) -> None:
    body = "firstname,lastname,company,phone,city,points\nAda,Lovelace,Analytical,,London,1\nGrace,Hopper,,,,2\n"
    path = _write(tmp_path, body)
    assert import_csv(engine, path).created == 2
    again = import_csv(engine, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = import_csv(engine, _write(tmp_path, "firstname,lastname,points\nGRACE,hopper,5\n", name="b.csv"))
    assert (changed.created, changed.updated) == (0, 1)
    assert [c["points"] for c in _contacts(engine)] == [1, 5]


def test_an_import_pauses_the_collector_unless_the_program_froze_its_objects() -> None:
    # The app freezes its objects after its first paint; an import run from it must not hand them back to
    # the collector (each full collection would again stall a keystroke).
    import gc

    from store.interchange.bulk_writes import collector_spared

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_spared():
            assert gc.isenabled()  # the app's own threads go on making garbage
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
    with collector_spared():
        assert gc.get_freeze_count() > 0 and not gc.isenabled()
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    gc.disable()
    try:
        with collector_spared():
            pass
        assert not gc.isenabled()  # a program that had paused the collector keeps it paused
    finally:
        gc.enable()
