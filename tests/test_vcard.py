"""vCard import and export: 3.0/4.0, photos, folded lines, broken cards, folders, upserts and the round trip."""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from plain.errors import UserError
from store.db import open_database
from store.interchange.vcard_export import export_vcards, fold
from store.interchange.vcard_import import import_vcards
from store.models import Contact
from tests.cli_helpers import run_command
from tests.conftest import MakeContact

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def png_bytes(color: str = "red") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return buffer.getvalue()


def folded_base64(data: bytes) -> str:
    text = base64.b64encode(data).decode("ascii")
    return "\r\n ".join(text[i : i + 70] for i in range(0, len(text), 70))


def card30() -> str:
    return (
        "BEGIN:VCARD\r\n"
        "VERSION:3.0\r\n"
        "UID:uid-zoe\r\n"
        "FN:Zoë Ångström\r\n"
        "N:Ångström;Zoë;;;\r\n"
        "EMAIL;TYPE=INTERNET:Zoe@Example.com\r\n"
        "EMAIL;TYPE=INTERNET,HOME:zoe.home@example.org\r\n"
        "TEL;TYPE=CELL:+44 7700 900123\r\n"
        "TEL;TYPE=WORK,VOICE:+44 20 7946 0000\r\n"
        "TEL;TYPE=HOME:+44 20 7946 0001\r\n"
        "ORG:Ångström & Co;Sales\r\n"
        "TITLE:Head of a department whose name is long enough that the line must be fo\r\n"
        " lded twice over\\, more than seventy-five octets\r\n"
        "ADR;TYPE=WORK:;Floor 2;1 Main St;London;Greater London;SW1A 1AA;United Kingdom\r\n"
        "URL:https://example.com/zoe\r\n"
        "CATEGORIES:friends,work\r\n"
        "NOTE:Met at a conference\\, liked tea.\\nSecond line.\r\n"
        f"PHOTO;ENCODING=b;TYPE=PNG:{folded_base64(png_bytes())}\r\n"
        "END:VCARD\r\n"
    )


def card40(uid: str = "uid-jose", email: str = "jose@example.com", title: str = "Engineer") -> str:
    return (
        "BEGIN:VCARD\n"
        "VERSION:4.0\n"
        f"UID:{uid}\n"
        "FN:José Müller\n"
        "N:Müller;José;;;\n"
        f"EMAIL;PREF=1:{email}\n"
        "TEL;TYPE=cell:+1 415 555 0100\n"
        f"TITLE:{title}\n"
        f"PHOTO:data:image/png;base64,{base64.b64encode(png_bytes('blue')).decode()}\n"
        "END:VCARD\n"
    )


BROKEN = "BEGIN:VCARD\nVERSION:4.0\nFN:Broken Card\nthis line is not a property\nEND:VCARD\n"


def contacts(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(Contact.__table__).order_by(Contact.__table__.c.id)).mappings())


def by_email(engine: Engine, email: str) -> Any:
    return next(row for row in contacts(engine) if row["email"] == email)


def test_imports_30_and_40_with_photos_folds_and_many_values(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "book.vcf"
    source.write_bytes((card30() + card40()).encode("utf-8"))
    photos = tmp_path / "photos"

    summary = import_vcards(engine, source, now=NOW, photo_dir=photos)

    assert (summary.created, summary.updated, summary.failed) == (2, 0, [])
    zoe = by_email(engine, "Zoe@Example.com")
    assert (zoe["firstname"], zoe["lastname"]) == ("Zoë", "Ångström")
    assert zoe["email_normalized"] == "zoe@example.com"
    assert zoe["mobile"] == "+44 7700 900123"
    assert zoe["phone"] == "+44 20 7946 0000"
    assert zoe["phone_e164"] == "+442079460000"
    assert zoe["company"] == "Ångström & Co"
    assert zoe["position"].endswith("lded twice over, more than seventy-five octets")
    assert (zoe["address1"], zoe["address2"], zoe["city"]) == ("1 Main St", "Floor 2", "London")
    assert (zoe["region"], zoe["zipcode"], zoe["country"]) == ("Greater London", "SW1A 1AA", "United Kingdom")
    assert zoe["website"] == "https://example.com/zoe"
    assert zoe["tags"] == ["friends", "work"]
    assert zoe["external_id"] == "uid-zoe"
    fields = zoe["custom_fields"]
    assert fields["emails"] == ["zoe.home@example.org"]
    assert fields["phones"] == ["+44 20 7946 0001"]
    assert fields["vcard_note"] == "Met at a conference, liked tea.\nSecond line."
    assert zoe["avatar_source"] == "custom"
    assert Path(fields["avatar_path"]).read_bytes() == png_bytes()
    assert Path(fields["avatar_path"]).parent == photos.absolute()

    jose = by_email(engine, "jose@example.com")
    assert (jose["firstname"], jose["lastname"], jose["mobile"]) == ("José", "Müller", "+1 415 555 0100")
    assert Path(jose["custom_fields"]["avatar_path"]).read_bytes() == png_bytes("blue")


def test_broken_card_is_reported_by_file_and_line_and_the_rest_import(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "mixed.vcf"
    source.write_text(card40() + BROKEN + card40("uid-2", "second@example.com"), encoding="utf-8")

    summary = import_vcards(engine, source, now=NOW, photo_dir=tmp_path / "p")

    assert summary.created == 2
    assert len(summary.failed) == 1
    # card40() is 10 lines; the broken card starts on line 11 and its bad line is line 14.
    assert summary.failed[0].startswith(f"{source}:14: ")
    assert "this line is not a property" in summary.failed[0]


def test_card_without_end_is_reported(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "cut.vcf"
    source.write_text(card40() + "BEGIN:VCARD\nVERSION:4.0\nFN:Cut off\n", encoding="utf-8")

    summary = import_vcards(engine, source, now=NOW, photo_dir=tmp_path / "p")

    assert summary.created == 1
    assert summary.failed == [f"{source}:11: the card has no END:VCARD line"]


def test_bad_photo_keeps_the_contact_and_warns(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "bad-photo.vcf"
    bad = base64.b64encode(b"not an image at all").decode()
    source.write_text(f"BEGIN:VCARD\nVERSION:4.0\nFN:Ann\nPHOTO:data:image/png;base64,{bad}\nEND:VCARD\n")

    summary = import_vcards(engine, source, now=NOW, photo_dir=tmp_path / "p")

    assert summary.created == 1 and summary.failed == []
    assert len(summary.warnings) == 1 and summary.warnings[0].startswith(f"{source}:1: photo not kept")
    (ann,) = contacts(engine)
    assert ann["firstname"] == "Ann" and ann["avatar_source"] == "gravatar"
    assert "avatar_path" not in ann["custom_fields"]


def test_folder_of_vcf_files(engine: Engine, tmp_path: Path) -> None:
    book = tmp_path / "book"
    (book / "sub").mkdir(parents=True)
    (book / "a.vcf").write_text(card30(), encoding="utf-8")
    (book / "sub" / "b.vcf").write_text(card40(), encoding="utf-8")
    (book / "c.VCF").write_text(BROKEN, encoding="utf-8")
    (book / "readme.txt").write_text("not a card")

    summary = import_vcards(engine, book, now=NOW, photo_dir=tmp_path / "p")

    assert summary.created == 2
    assert summary.failed and summary.failed[0].startswith(f"{book / 'c.VCF'}:4: ")


def test_reimport_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "book.vcf"
    source.write_text(card30() + card40(), encoding="utf-8")
    import_vcards(engine, source, now=NOW, photo_dir=tmp_path / "p")
    before = contacts(engine)

    summary = import_vcards(engine, source, now=LATER, photo_dir=tmp_path / "p")

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert contacts(engine) == before


def test_upsert_by_uid_then_by_email(engine: Engine, tmp_path: Path, make_contact: MakeContact) -> None:
    existing = make_contact(engine, firstname="Jo", email="JOSE@example.com", company="Kept", tags=["crm"])
    source = tmp_path / "one.vcf"
    source.write_text(card40(), encoding="utf-8")

    first = import_vcards(engine, source, now=NOW, photo_dir=tmp_path / "p")
    assert (first.created, first.updated) == (0, 1)
    row = contacts(engine)[0]
    assert row["id"] == existing
    assert (row["firstname"], row["company"], row["external_id"]) == ("José", "Kept", "uid-jose")
    assert row["tags"] == ["crm"]

    # The same UID with a new email and title updates that contact instead of creating another.
    source.write_text(card40(email="new@example.com", title="Manager"), encoding="utf-8")
    second = import_vcards(engine, source, now=LATER, photo_dir=tmp_path / "p")
    assert (second.created, second.updated) == (0, 1)
    (row,) = contacts(engine)
    assert (row["id"], row["email"], row["position"]) == (existing, "new@example.com", "Manager")
    assert row["date_modified"] == LATER


def test_missing_source_raises(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        import_vcards(engine, tmp_path / "nope.vcf", now=NOW)


def test_fold_never_splits_a_character() -> None:
    line = "NOTE:" + "é" * 100
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.rstrip("\r\n").split("\r\n"))
    assert folded.replace("\r\n ", "").rstrip("\r\n") == line


def test_export_to_a_file_and_a_stream(engine: Engine, tmp_path: Path, make_contact: MakeContact) -> None:
    make_contact(engine, firstname="Ann", lastname="Lee", email="ann@example.com", mobile="+1 415 555 0101")
    merged = make_contact(engine, firstname="Gone", email="gone@example.com")
    make_contact(engine, firstname="Kept", email="kept@example.com")
    with engine.begin() as conn:
        conn.execute(Contact.__table__.update().where(Contact.__table__.c.id == merged).values(merged_into_id=1))

    out = tmp_path / "all.vcf"
    assert export_vcards(engine, out, folder=False) == 2
    text = out.read_bytes().decode("utf-8")
    assert text.count("BEGIN:VCARD") == 2 and "VERSION:4.0\r\n" in text
    assert "FN:Ann Lee\r\n" in text and "N:Lee;Ann;;;\r\n" in text
    assert "TEL;TYPE=cell;PREF=1:+1 415 555 0101\r\n" in text
    assert "UID:dossier-1\r\n" in text and "REV:" in text
    assert "gone@example.com" not in text

    stream = io.StringIO()
    assert export_vcards(engine, stream, folder=False) == 2
    assert stream.getvalue() == text


def test_export_folder_one_card_per_contact(engine: Engine, tmp_path: Path, make_contact: MakeContact) -> None:
    make_contact(engine, firstname="Ann", email="ann@example.com", external_id="ext/1")
    make_contact(engine, firstname="Bob", email="bob@example.com")

    folder = tmp_path / "book"
    assert export_vcards(engine, folder, folder=True) == 2
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["dossier-2.vcf", "ext_1.vcf"]
    assert "UID:ext/1\r\n" in (folder / "ext_1.vcf").read_bytes().decode()


ROUND_TRIP_FIELDS = [
    "firstname",
    "lastname",
    "email",
    "email_normalized",
    "phone",
    "phone_e164",
    "mobile",
    "company",
    "position",
    "address1",
    "address2",
    "city",
    "region",
    "zipcode",
    "country",
    "website",
    "tags",
    "avatar_source",
    "custom_fields",
]


@pytest.mark.parametrize("folder", [False, True])
def test_round_trip(engine: Engine, tmp_path: Path, migrated_template: bytes, folder: bool) -> None:
    source = tmp_path / "book.vcf"
    source.write_text(card30() + card40(), encoding="utf-8")
    import_vcards(engine, source, now=NOW, photo_dir=tmp_path / "p")
    exported = tmp_path / ("out" if folder else "out.vcf")
    assert export_vcards(engine, exported, folder=folder) == 2

    other_path = tmp_path / "other.db"
    other_path.write_bytes(migrated_template)
    other = open_database(other_path)
    try:
        summary = import_vcards(other, exported, now=LATER, photo_dir=tmp_path / "p")
        assert (summary.created, summary.failed, summary.warnings) == (2, [], [])

        def fields(rows: list[Any]) -> list[dict[str, Any]]:
            chosen = [{name: row[name] for name in (*ROUND_TRIP_FIELDS, "external_id")} for row in rows]
            return sorted(chosen, key=lambda row: row["email"])

        assert fields(contacts(other)) == fields(contacts(engine))
        again = import_vcards(other, exported, now=LATER, photo_dir=tmp_path / "p")
        assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    finally:
        other.dispose()


def test_round_trip_gives_contacts_without_uid_a_stable_one(
    engine: Engine, tmp_path: Path, migrated_template: bytes, make_contact: MakeContact
) -> None:
    make_contact(engine, company="Only A Company", phone="+44 20 7946 0000", tags=["a,b", "c;d"])
    out = tmp_path / "out.vcf"
    export_vcards(engine, out, folder=False)
    other_path = tmp_path / "other.db"
    other_path.write_bytes(migrated_template)
    other = open_database(other_path)
    try:
        import_vcards(other, out, now=LATER)
        (row,) = contacts(other)
        assert (row["firstname"], row["company"], row["external_id"]) == ("", "Only A Company", "dossier-1")
        assert row["tags"] == ["a,b", "c;d"]
        assert row["phone_e164"] == "+442079460000"
    finally:
        other.dispose()


@pytest.mark.sqlite_only  # the command on a file; the store runs on both
def test_cli_import_and_export(engine: Engine, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    source = tmp_path / "book.vcf"
    source.write_text(card30() + BROKEN, encoding="utf-8")
    assert run_command("import", "vcard", source, "--db", db_path, "--photo-dir", tmp_path) == 1
    captured = capsys.readouterr()
    assert "1 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in captured.out
    broken_line = card30().count("\n") + 4  # the BROKEN card's fourth line
    assert f"{source}:{broken_line}: " in captured.err

    folder = f"{tmp_path / 'exported'}/"
    assert run_command("export", "vcard", "--out", folder, "--db", db_path) == 0
    assert [p.name for p in (tmp_path / "exported").iterdir()] == ["uid-zoe.vcf"]
    assert f"Exported 1 contact to {folder}." in capsys.readouterr().err

    with pytest.raises(UserError, match=r"missing\.vcf does not exist"):
        run_command("import", "vcard", tmp_path / "missing.vcf", "--db", db_path)


def _khard(tmp_path: Path, book: Path, *arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    khard = shutil.which("khard")
    if khard is None:
        pytest.skip("khard is not installed; install the test extras")
    config = tmp_path / "khard.conf"
    config.write_text(
        f"[addressbooks]\n[[dossier]]\npath = {book}\n\n"
        "[general]\ndefault_action = list\neditor = true\nmerge_editor = true\n",
        encoding="utf-8",
    )
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)}
    return subprocess.run(
        [khard, "-c", str(config), *arguments], input=stdin, capture_output=True, text=True, env=env, timeout=60
    )


def test_khard_lists_an_exported_folder(engine: Engine, tmp_path: Path, make_contact: MakeContact) -> None:
    make_contact(engine, firstname="Zoë", lastname="Ångström", email="zoe@example.com", mobile="+44 7700 900123")
    make_contact(engine, firstname="Bob", lastname="Stone", email="bob@example.com", company="Acme, Inc.")
    book = tmp_path / "book"
    export_vcards(engine, book, folder=True)

    result = _khard(tmp_path, book, "list")

    assert result.returncode == 0, result.stderr
    assert "Zoë Ångström" in result.stdout and "Bob Stone" in result.stdout
    assert "zoe@example.com" in result.stdout


def test_cards_written_by_khard_import(engine: Engine, tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    template = tmp_path / "new.yaml"
    template.write_text(
        "First name: Øyvind\nLast name: Ærø\nOrganisation: Fjord AS\nTitle: Skipper\n"
        'Phone:\n    cell: "+47 412 34 567"\n    work: "+47 22 00 00 00"\n'
        "Email:\n    home: oyvind@example.no\n    work: o.aero@fjord.no\n"
        "Categories: sailing\nNote: Likes the sea\n",
        encoding="utf-8",
    )
    result = _khard(tmp_path, book, "new", "-a", "dossier", "-i", str(template))
    assert result.returncode == 0, result.stderr

    summary = import_vcards(engine, book, now=NOW, photo_dir=tmp_path / "p")

    assert (summary.created, summary.failed) == (1, [])
    (row,) = contacts(engine)
    assert (row["firstname"], row["lastname"], row["company"], row["position"]) == (
        "Øyvind",
        "Ærø",
        "Fjord AS",
        "Skipper",
    )
    assert row["email"] == "oyvind@example.no"
    assert row["custom_fields"]["emails"] == ["o.aero@fjord.no"]
    assert (row["mobile"], row["phone"], row["phone_e164"]) == ("+47 412 34 567", "+47 22 00 00 00", "+4722000000")
    assert row["tags"] == ["sailing"]
    assert row["custom_fields"]["vcard_note"] == "Likes the sea"
    assert row["external_id"]


def test_card_without_uid_or_email_is_not_duplicated_on_reimport(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "plain.vcf"
    source.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Pat Doe\nN:Doe;Pat;;;\nTEL:+1 415 555 0199\nEND:VCARD\n")
    assert import_vcards(engine, source, now=NOW).created == 1

    again = import_vcards(engine, source, now=LATER)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    (row,) = contacts(engine)
    assert (row["firstname"], row["phone_e164"]) == ("Pat", "+14155550199")


def test_email_match_ignores_case_only(engine: Engine, tmp_path: Path, make_contact: MakeContact) -> None:
    make_contact(engine, firstname="Tagged", email="ann+crm@example.com")
    source = tmp_path / "ann.vcf"
    source.write_text("BEGIN:VCARD\nVERSION:4.0\nFN:Ann\nEMAIL:ANN@example.com\nEND:VCARD\n")

    summary = import_vcards(engine, source, now=NOW)

    assert (summary.created, summary.updated) == (1, 0)


def test_progress_reports_cards_read(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "many.vcf"
    source.write_text("".join(card40(f"u{i}", f"p{i}@example.com") for i in range(5)) + BROKEN, encoding="utf-8")
    seen: list[int] = []

    summary = import_vcards(engine, source, now=NOW, photo_dir=tmp_path / "p", batch_size=2, progress=seen.append)

    assert summary.created == 5 and len(summary.failed) == 1
    assert seen == [2, 4, 6]


@pytest.mark.parametrize("folded", [True, False], ids=["folded", "one-line"])
def test_an_oversized_card_is_refused_without_reading_it_whole(engine: Engine, tmp_path: Path, folded: bool) -> None:
    import tracemalloc

    photo = base64.b64encode(os.urandom(15_000_000)).decode()  # a 15 MB photo: 20 MB of base64
    if folded:
        photo = "\r\n ".join(photo[i : i + 74] for i in range(0, len(photo), 74))
    source = tmp_path / "huge.vcf"
    with source.open("w", encoding="utf-8", newline="") as f:
        f.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Photo\r\nPHOTO;ENCODING=b;TYPE=PNG:{photo}\r\nEND:VCARD\r\n")
        f.write(card40())
    del photo
    tracemalloc.start()
    try:
        summary = import_vcards(engine, source, now=NOW, photo_dir=tmp_path / "photos")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary.failed == [f"{source}:1: the card is larger than 2 MB (a photo over 1 MB?); it was skipped"]
    assert summary.created == 1  # the next card is imported
    assert peak < 8_000_000, peak  # the 20 MB card was read past, never held (it took 2.2 GB before)


def test_a_binary_file_is_not_a_vcard(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "photo.vcf"
    source.write_bytes(png_bytes() * 10)
    summary = import_vcards(engine, source, now=NOW, photo_dir=tmp_path / "photos")
    assert summary.failed == [f"{source}: not a vCard file (it has no BEGIN:VCARD line)"]
    assert summary.created == 0
