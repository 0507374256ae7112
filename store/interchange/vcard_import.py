"""Import vCards (3.0 and 4.0): one `.vcf` file with many cards, or a folder of them (a khard/vdirsyncer book).

Cards are read one at a time (store/interchange/vcard_cards.py: a file is never held whole in memory) and
written in batches, one transaction each. A card that cannot be parsed is reported as `file:line: reason` and
skipped; the others are imported.

Upsert: a card's UID is matched against `external_id`, then its first email (normalized) against the live
contacts. Values present on the card replace the contact's; values the card lacks are left as they are, and
categories are added to the tags. Re-importing the same cards changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from store.avatars import CUSTOM_PATH_FIELD, ImageError, check_image
from store.db import writing
from store.interchange.counts import ImportCounts
from store.interchange.out_file import OutputError, output_folder, write_bytes
from store.interchange.vcard_cards import CardData, RawCard, iter_raw_cards, parse_card
from store.models import Contact, table_of
from store.normalize import normalize_email
from store.phones import normalize_phone, region_for_country

BATCH_SIZE = 500
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp", "image/bmp": "bmp"}
_C = table_of(Contact).c


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
