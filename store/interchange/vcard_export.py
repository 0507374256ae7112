"""Export live contacts as vCard 4.0: one file with every card, or a folder of `<uid>.vcf` (khard, vdirsyncer).

Contacts are read in batches by id, so the export never holds the whole table. Each card carries what
`store.interchange.vcard_import` reads back, so exporting and importing into an empty database gives the same contacts.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, select

from plain.literal import literal, one_line
from store.avatars import ImageError, custom_avatar_path, read_image_file
from store.interchange.out_file import database_files, output_file, output_folder
from store.interchange.vcard_cards import EMAILS_FIELD, NOTE_FIELD, PHONES_FIELD
from store.models import Contact, table_of

BATCH_SIZE = 500
_C = table_of(Contact).c
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._@-]")


def contact_uid(row: Any) -> str:
    """The card UID of a contact: its external id, else a stable `dossier-<id>`."""
    return (row["external_id"] or "").strip() or f"dossier-{row['id']}"


def escape(value: str) -> str:
    """A vCard text value: control characters made visible (ESC as ␛), backslash, comma, semicolon and
    newlines escaped."""
    value = literal(value.replace("\r\n", "\n").replace("\r", "\n"))
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """One content line folded at 75 octets (never inside a UTF-8 character), ending in CRLF."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line + "\r\n"
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines start with a space
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts) + "\r\n"


def card_text(row: Any, *, now: datetime) -> str:
    """The vCard 4.0 text of one contact row (a mapping of `contact` columns)."""
    first, last = row["firstname"] or "", row["lastname"] or ""
    fields = row["custom_fields"] or {}
    full = " ".join(part for part in (first, last) if part) or row["company"] or row["email"] or contact_uid(row)
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"UID:{escape(contact_uid(row))}", f"FN:{escape(full)}"]
    lines.append(f"N:{escape(last)};{escape(first)};;;")
    emails = [row["email"], *(fields.get(EMAILS_FIELD) or [])]
    for index, email in enumerate(e for e in emails if isinstance(e, str) and e):
        lines.append(f"EMAIL{';PREF=1' if index == 0 else ''}:{escape(email)}")
    if row["mobile"]:
        lines.append(f"TEL;TYPE=cell;PREF=1:{escape(row['mobile'])}")
    if row["phone"]:
        lines.append(f"TEL;TYPE=voice{'' if row['mobile'] else ';PREF=1'}:{escape(row['phone'])}")
    for number in fields.get(PHONES_FIELD) or []:
        if isinstance(number, str) and number:
            lines.append(f"TEL;TYPE=voice:{escape(number)}")
    if row["company"]:
        lines.append(f"ORG:{escape(row['company'])}")
    if row["position"]:
        lines.append(f"TITLE:{escape(row['position'])}")
    address = [row[name] or "" for name in ("address2", "address1", "city", "region", "zipcode", "country")]
    if any(address):
        lines.append("ADR:;" + ";".join(escape(part) for part in address))
    if row["website"]:
        lines.append(f"URL:{one_line(row['website'])}")
    tags = [t for t in row["tags"] or [] if isinstance(t, str) and t]
    if tags:
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in tags))
    note = fields.get(NOTE_FIELD)
    if isinstance(note, str) and note:
        lines.append(f"NOTE:{escape(note)}")
    photo = _photo(row)
    if photo:
        lines.append(f"PHOTO:{photo}")
    modified = row["date_modified"] or now
    if modified.tzinfo is None:
        modified = modified.replace(tzinfo=UTC)
    lines.append(f"REV:{modified.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def _photo(row: Any) -> str | None:
    """The custom avatar as a data URI, when the contact uses one and the file is still a readable image."""
    if row["avatar_source"] != "custom":
        return None
    path = custom_avatar_path(row["custom_fields"] or {})
    if path is None:
        return None
    try:
        data, mime = read_image_file(path)
    except ImageError:
        return None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def iter_live_contacts(engine: Engine, *, batch_size: int = BATCH_SIZE) -> Iterator[Any]:
    """Every live contact row (not merged away, not deleted) in id order, read in batches."""
    after = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(table_of(Contact))
                .where(_C.id > after, _C.merged_into_id.is_(None), _C.deleted_at.is_(None))
                .order_by(_C.id)
                .limit(batch_size)
            ).all()
        if not rows:
            return
        for row in rows:
            yield row._mapping
        after = rows[-1].id


def _file_name(uid: str, taken: set[str]) -> str:
    name = _UNSAFE_NAME.sub("_", uid)[:120] or "card"
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{name}-{number}"
    taken.add(candidate.lower())
    return candidate + ".vcf"


def export_vcards(engine: Engine, out: Path | TextIO, *, folder: bool, now: datetime | None = None) -> int:
    """Write every live contact as vCard 4.0; returns how many cards were written.

    With `folder`, `out` is a directory (created if needed) that gets one `<uid>.vcf` per contact; otherwise
    `out` is a file path or an open text stream that gets all the cards one after the other.
    """
    now = now or datetime.now(UTC)
    count = 0
    if folder:
        if not isinstance(out, Path):
            raise ValueError("A folder export needs a path.")
        protect = database_files(engine)
        folder_path = output_folder(out, protect=protect)
        taken: set[str] = set()
        for row in iter_live_contacts(engine):
            with output_file(folder_path / _file_name(contact_uid(row), taken), protect=protect) as stream:
                stream.write(card_text(row, now=now))
            count += 1
        return count
    if isinstance(out, Path):
        with output_file(out, protect=database_files(engine)) as stream:
            return export_vcards(engine, stream, folder=False, now=now)
    for row in iter_live_contacts(engine):
        out.write(card_text(row, now=now))
        count += 1
    return count


def write_vcards(engine: Engine, out: str | TextIO, *, now: datetime) -> int:
    """`export_vcards` as the format registry calls it: a path ending in / or naming a folder is a folder."""
    if not isinstance(out, str):
        return export_vcards(engine, out, folder=False, now=now)
    path = Path(out).expanduser()
    return export_vcards(engine, path, folder=out.endswith(("/", "\\")) or path.is_dir(), now=now)
