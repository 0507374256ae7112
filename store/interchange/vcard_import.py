"""Import vCards (3.0 and 4.0): one `.vcf` file with many cards, or a folder of them (a khard/vdirsyncer book).

Cards are read one at a time (a file is never held whole in memory) and written in batches, one transaction
each. A card that cannot be parsed is reported as `file:line: reason` and skipped; the others are imported.

Upsert: a card's UID is matched against `external_id`, then its first email (normalized) against the live
contacts. Values present on the card replace the contact's; values the card lacks are left as they are, and
categories are added to the tags. Re-importing the same cards changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from store.avatars import CUSTOM_PATH_FIELD, MAX_IMAGE_BYTES, ImageError, check_image
from store.db import writing
from store.interchange.counts import ImportCounts
from store.interchange.out_file import OutputError, output_folder, write_bytes
from store.models import Contact, table_of
from store.normalize import normalize_email
from store.phones import normalize_phone, region_for_country

BATCH_SIZE = 500
# The largest card read: a photo at the 1 MB cap is 1.4 MB of base64, and the rest of a card is small.
MAX_CARD_CHARS = 2_000_000
_PIECE = 1 << 16
NOTE_FIELD = "vcard_note"
EMAILS_FIELD = "emails"
PHONES_FIELD = "phones"
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp", "image/bmp": "bmp"}
_C = table_of(Contact).c
# `group.NAME;PARAM="a:b";PARAM=c:` up to the value (quoted parameter values may hold colons).
_PROPERTY = re.compile(r'^(?:[A-Za-z0-9-]+\.)?(?P<name>[A-Za-z0-9-]+)(?:;(?:[^":;]|"[^"]*")*)*:')


@dataclass(frozen=True, slots=True)
class RawCard:
    """The text of one card and where it starts (1-based line)."""

    path: Path
    line: int
    text: str


def iter_raw_cards(path: Path) -> Iterator[RawCard | str]:
    """Each `BEGIN:VCARD`..`END:VCARD` block of the `.vcf` files at `path` (a file, or a folder searched
    recursively in name order); a string `file:line: reason` for text that is not inside a complete card."""
    files = (
        sorted(p for p in path.rglob("*") if p.suffix.lower() == ".vcf" and p.is_file()) if path.is_dir() else [path]
    )
    for file in files:
        yield from _cards_in_file(file)


def _cards_in_file(file: Path) -> Iterator[RawCard | str]:
    lines: list[str] = []
    in_card, oversized, size, start, cards = False, False, 0, 0, 0
    with file.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        for number, line in _physical_lines(handle):
            text = line or ""
            keyword = text.strip().upper() if not text[:1].isspace() and len(text) < 64 else ""
            if keyword == "BEGIN:VCARD":
                cards += 1
                if in_card:
                    yield f"{file}:{start}: the card has no END:VCARD line"
                lines, in_card, oversized, size, start = [text], True, False, len(text), number
                continue
            if not in_card:
                continue
            size += MAX_CARD_CHARS + 1 if line is None else len(text)
            if size > MAX_CARD_CHARS:
                oversized, lines = True, []  # the rest of the card is read past, never held
            elif not oversized:
                lines.append(text)
            if keyword == "END:VCARD":
                in_card = False
                if oversized:
                    yield (
                        f"{file}:{start}: the card is larger than {MAX_CARD_CHARS // 1_000_000} MB "
                        f"(a photo over {MAX_IMAGE_BYTES // 1_000_000} MB?); it was skipped"
                    )
                else:
                    yield RawCard(file, start, "\n".join(lines) + "\n")
        if in_card:
            yield f"{file}:{start}: the card has no END:VCARD line"
        elif cards == 0:
            yield f"{file}: not a vCard file (it has no BEGIN:VCARD line)"


def _physical_lines(handle: TextIO) -> Iterator[tuple[int, str | None]]:
    """(line number, text without its line end) of each line; None for a line longer than a whole card may
    be, which is read past in pieces rather than held (a 50 MB photo on one line costs 64 KB)."""
    number = 0
    while True:
        piece = handle.readline(_PIECE)
        if not piece:
            return
        number += 1
        parts, size = [piece], len(piece)
        while not piece.endswith(("\n", "\r")):
            piece = handle.readline(_PIECE)
            if not piece:
                break
            size += len(piece)
            parts = parts if size <= MAX_CARD_CHARS else []
            if parts:
                parts.append(piece)
        yield number, ("".join(parts).rstrip("\r\n") if parts else None)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value if v)
    return str(value or "").strip()


def _types(prop: Any) -> set[str]:
    types: set[str] = set()
    for value in prop.params.get("TYPE", []):
        types.update(part.strip().lower() for part in str(value).split(",") if part.strip())
    return types


def _preferred(props: list[Any]) -> list[Any]:
    """Properties with `PREF`/`TYPE=pref` first, otherwise in card order."""

    def rank(prop: Any) -> int:
        pref = prop.params.get("PREF", [])
        if pref:
            try:
                return int(pref[0])
            except ValueError:
                return 1
        return 1 if "pref" in _types(prop) else 101

    return sorted(props, key=rank)


@dataclass(slots=True)
class CardData:
    """The contact fields one card provides, plus its photo bytes."""

    values: dict[str, Any]
    custom: dict[str, Any]
    tags: list[str]
    uid: str | None
    photo: bytes | None
    photo_error: str | None


def parse_card(raw: RawCard) -> CardData:
    """The fields of one card; raises `ValueError` (with the reason) when it cannot be read."""
    import vobject

    try:
        card = vobject.readOne(raw.text, ignoreUnreadable=False)
    except Exception as exc:  # vobject raises ParseError, ValueError, binascii errors...
        reason = _reason(exc)
        raise ValueError(f"{raw.path}:{_error_line(raw, reason)}: {reason}") from exc
    if card.name.upper() != "VCARD":
        raise ValueError(f"{raw.path}:{raw.line}: not a vCard ({card.name})")
    try:
        return _card_data(card, raw)
    except Exception as exc:  # a property vobject parsed into an unexpected shape
        raise ValueError(f"{raw.path}:{raw.line}: {_reason(exc)}") from exc


def _card_data(card: Any, raw: RawCard) -> CardData:
    contents = card.contents
    values: dict[str, Any] = {}
    custom: dict[str, Any] = {}

    first = last = ""
    if "n" in contents:
        name = contents["n"][0].value
        first = _text(getattr(name, "given", ""))
        last = _text(getattr(name, "family", ""))
        if not (first or last) and isinstance(name, str):
            parts = name.split(";")
            last, first = [*parts, "", ""][:2]
    full = _text(contents["fn"][0].value) if "fn" in contents else ""
    org = ""
    if "org" in contents:
        org_value = contents["org"][0].value
        org = _text(org_value[0] if isinstance(org_value, list) and org_value else org_value)
    if not (first or last) and full and full != org:
        first = full
    values["firstname"], values["lastname"], values["company"] = first.strip(), last.strip(), org
    if "title" in contents:
        values["position"] = _text(contents["title"][0].value)

    emails = [_text(p.value) for p in _preferred(contents.get("email", []))]
    emails = [e for e in dict.fromkeys(emails) if e]
    if emails:
        values["email"] = emails[0]
        values["email_normalized"] = normalize_email(emails[0])
        if emails[1:]:
            custom[EMAILS_FIELD] = emails[1:]

    mobiles: list[str] = []
    phones: list[str] = []
    for prop in _preferred(contents.get("tel", [])):
        number = _text(prop.value)
        if number.lower().startswith("tel:"):
            number = number[4:]
        if number:
            (mobiles if "cell" in _types(prop) else phones).append(number)
    if mobiles:
        values["mobile"] = mobiles[0]
    if phones:
        values["phone"] = phones[0]
    extra = [*mobiles[1:], *phones[1:]]
    if extra:
        custom[PHONES_FIELD] = extra

    if "adr" in contents:
        adr = _preferred(contents["adr"])[0].value
        values["address1"] = _text(getattr(adr, "street", ""))
        values["address2"] = _text(getattr(adr, "extended", ""))
        values["city"] = _text(getattr(adr, "city", ""))
        values["region"] = _text(getattr(adr, "region", ""))
        values["zipcode"] = _text(getattr(adr, "code", ""))
        values["country"] = _text(getattr(adr, "country", ""))
    if "url" in contents:
        # vobject cuts an unescaped comma out of a URI: take the value as written.
        values["website"] = next(iter(_raw_values(raw.text, "URL")), "") or _text(contents["url"][0].value)
    if "note" in contents:
        custom[NOTE_FIELD] = "\n".join(_text(p.value) for p in contents["note"])

    tags: list[str] = []
    for prop in contents.get("categories", []):
        value = prop.value if isinstance(prop.value, list) else str(prop.value).split(",")
        tags.extend(t.strip() for t in value if t and t.strip())
    uid = _text(contents["uid"][0].value) if "uid" in contents else None

    photo, photo_error = None, None
    if "photo" in contents:
        try:
            photo = _photo_bytes(contents["photo"][0], next(iter(_raw_values(raw.text, "PHOTO")), ""))
        except ValueError as exc:
            photo_error = str(exc)

    values = {key: value for key, value in values.items() if value}
    return CardData(values, custom, list(dict.fromkeys(tags)), uid or None, photo, photo_error)


def _reason(exc: Exception) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # vobject's own line numbers count folded and CRLF lines unreliably: `_error_line` finds the line instead.
    return re.sub(r"^At line \d+: ", "", message)[:200]


def _error_line(raw: RawCard, reason: str) -> int:
    """The file line a vobject error names ("Failed to parse line: TEXT"), else the card's first line."""
    _, found, bad = reason.partition("Failed to parse line: ")
    if found and bad.strip():
        for offset, line in enumerate(raw.text.split("\n")):
            if line.strip() == bad.strip():
                return raw.line + offset
    return raw.line


def _raw_values(text: str, name: str) -> list[str]:
    """The values of property `name` (any group) as written, lines unfolded, parameters dropped."""
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    found = []
    for line in unfolded.splitlines():
        match = _PROPERTY.match(line)
        if match and match["name"].upper() == name:
            found.append(line[match.end() :].strip())
    return found


def _photo_bytes(prop: Any, written: str) -> bytes | None:
    value = prop.value
    if isinstance(value, bytes):
        data = value
    else:
        text = (written or str(value)).strip()
        if text.lower().startswith("data:"):
            header, _, payload = text.partition(",")
            if ";base64" not in header.lower():
                raise ValueError("the PHOTO data URI is not base64")
            text = payload
        elif "://" in text:
            return None  # a link: nothing is downloaded
        try:
            data = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("the PHOTO is not valid base64") from exc
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"the PHOTO is larger than {MAX_IMAGE_BYTES:,} bytes")
    return data


def default_photo_dir(engine: Engine) -> Path:
    """Where imported photos go by default: an `avatars` folder next to the database file."""
    database = engine.url.database
    if not database or database == ":memory:":
        return Path.cwd() / "avatars"
    return Path(database).expanduser().absolute().parent / "avatars"


def _save_photo(data: bytes, photo_dir: Path) -> str:
    """Check and store an image under its content hash (so re-importing writes nothing); the absolute path."""
    mime = check_image(data)
    name = f"{hashlib.sha256(data).hexdigest()[:32]}.{_EXTENSIONS.get(mime, 'img')}"
    path = photo_dir.absolute() / name
    if not path.exists():
        write_bytes(output_folder(photo_dir) / name, data)
    return str(path)


def import_vcards(
    engine: Engine,
    path: Path,
    *,
    now: datetime,
    photo_dir: Path | None = None,
    default_region: str = "US",
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportCounts:
    """Import the cards of a `.vcf` file or a folder of them; see the module docstring for the rules.

    `progress`, when given, is called with the number of cards read so far after each written batch.
    Raises `FileNotFoundError` when `path` does not exist.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist.")
    photos = photo_dir if photo_dir is not None else default_photo_dir(engine)
    summary = ImportCounts()
    batch: list[tuple[RawCard, CardData]] = []
    seen = 0
    for item in iter_raw_cards(path):
        seen += 1
        if isinstance(item, str):
            summary.failed.append(item)
            continue
        try:
            data = parse_card(item)
        except ValueError as exc:
            summary.failed.append(str(exc))
            continue
        if not (data.values or data.uid):
            summary.skipped += 1
            summary.warnings.append(f"{item.path}:{item.line}: skipped: the card has no name, email or phone")
            continue
        if data.photo is not None:
            try:
                data.custom[CUSTOM_PATH_FIELD] = _save_photo(data.photo, photos)
                data.values["avatar_source"] = "custom"
            except (ImageError, OutputError, OSError) as exc:
                data.photo_error = str(exc)
        if data.photo_error:
            summary.warnings.append(f"{item.path}:{item.line}: photo not kept: {data.photo_error}")
        batch.append((item, data))
        if len(batch) >= batch_size:
            _write_batch(engine, batch, summary, now, default_region)
            batch = []
            if progress is not None:
                progress(seen)
    if batch:
        _write_batch(engine, batch, summary, now, default_region)
    if progress is not None:
        progress(seen)
    return summary


_LIVE = _C.merged_into_id.is_(None) & _C.deleted_at.is_(None)
# Built once: composing a statement per card costs more than running it.
_BY_UID = select(table_of(Contact)).where(_C.external_id == bindparam("uid"), _LIVE).order_by(_C.id).limit(1)
_BY_EMAIL = select(table_of(Contact)).where(_C.email_normalized == bindparam("normalized"), _LIVE).order_by(_C.id)
_BY_CARD = (
    select(table_of(Contact))
    .where(
        _LIVE,
        *(_C[name] == bindparam(name) for name in ("firstname", "lastname", "company")),
        *(_C[name].is_not_distinct_from(bindparam(name)) for name in ("phone", "mobile")),
    )
    .order_by(_C.id)
    .limit(1)
)


_INSERT = insert(table_of(Contact))
_UPDATE = update(table_of(Contact)).where(_C.id == bindparam("row_id"))


def _find(conn: Connection, data: CardData) -> Any:
    if data.uid:
        row = conn.execute(_BY_UID, {"uid": data.uid}).first()
        if row is not None:
            return row
    email = data.values.get("email")
    if email:
        # The indexed normal form narrows the search; the address itself must match, ignoring case.
        candidates = conn.execute(_BY_EMAIL, {"normalized": normalize_email(email)}).all()
        return next((row for row in candidates if (row.email or "").strip().lower() == email.lower()), None)
    if data.uid:
        return None
    # A card with neither UID nor email: the same name, company and numbers are taken as the same card.
    values = data.values
    params = {name: values.get(name, "") for name in ("firstname", "lastname", "company")}
    params.update({name: values.get(name) for name in ("phone", "mobile")})
    return conn.execute(_BY_CARD, params).first()


def _write_batch(
    engine: Engine, batch: list[tuple[RawCard, CardData]], summary: ImportCounts, now: datetime, region: str
) -> None:
    with writing(engine) as conn:
        for _raw, data in batch:
            values = dict(data.values)
            phone_region = region_for_country(values.get("country"), region)
            if "phone" in values:
                values["phone_e164"] = normalize_phone(values["phone"], phone_region)
            existing = _find(conn, data)
            if existing is None:
                if data.uid:
                    values["external_id"] = data.uid
                row_values = {**values, "tags": data.tags, "custom_fields": data.custom}
                conn.execute(_INSERT, {**row_values, "date_added": now, "date_modified": now})
                summary.created += 1
                continue
            row = existing._mapping
            changes = {key: value for key, value in values.items() if row[key] != value}
            tags = list(dict.fromkeys([*(row["tags"] or []), *data.tags]))
            if tags != list(row["tags"] or []):
                changes["tags"] = tags
            fields = {**(row["custom_fields"] or {}), **data.custom}
            if fields != (row["custom_fields"] or {}):
                changes["custom_fields"] = fields
            if data.uid and not row["external_id"]:
                changes["external_id"] = data.uid
            if not changes:
                summary.unchanged += 1
                continue
            conn.execute(_UPDATE.values(**changes, date_modified=now), {"row_id": row["id"]})
            summary.updated += 1
