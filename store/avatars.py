"""Avatars at rest: the image cache, image validation, custom image files and a contact's preferred source.

The cache holds what the last fetch learned, keyed by a string such as `gravatar:<sha256>:<size>`: the image
and its validators (ETag, Last-Modified) when one was found, or only the fact that none exists ("missing"),
so a contact without an avatar is not asked for again until that answer expires.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update

from plain.errors import UserError
from store.contacts import ContactNotFound
from store.db import writing
from store.dialect import insert
from store.tables import Columns, table

AVATAR_SOURCES = ("gravatar", "social", "custom", "initials")
FOUND_TTL = timedelta(days=7)
MISSING_TTL = timedelta(days=1)
MAX_IMAGE_BYTES = 1_000_000
MAX_IMAGE_SIDE = 4096
# Only formats Pillow decodes itself: EPS, for one, would hand the bytes to Ghostscript.
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
CUSTOM_PATH_FIELD = "avatar_path"

_T = Columns("AvatarCache")


class ImageError(UserError, ValueError):
    """Bytes or a file that cannot be used as an avatar; the message is one sentence for the user."""


@dataclass(frozen=True, slots=True)
class CachedImage:
    """One cache entry: status "ok" with the image, or "missing" when the service has no avatar."""

    content: bytes | None
    content_type: str
    etag: str | None
    last_modified: str | None
    fetched_at: datetime | None
    status: str


def check_image(data: bytes, *, max_side: int = MAX_IMAGE_SIDE) -> str:
    """The MIME type of an image, after checking it decodes and is at most `max_side` pixels a side.

    Raises `ImageError` for anything else, including images whose header promises a decompression bomb.
    """
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as image:
            width, height = image.size
            if not (0 < width <= max_side and 0 < height <= max_side):
                raise ImageError(f"The image is {width}x{height} pixels; avatars may be at most {max_side}x{max_side}.")
            image_format = image.format or ""
            image.verify()
    except ImageError:
        raise
    except Exception as exc:  # Pillow reports corrupt data with many exception types (OSError, SyntaxError, ...)
        raise ImageError("The data is not an image Dossier can show (PNG, JPEG, GIF, WebP or BMP).") from exc
    return Image.MIME.get(image_format, "application/octet-stream")


def custom_avatar_path(custom_fields: Mapping[str, Any]) -> Path | None:
    """The image file a contact's custom field `avatar_path` names, if any (`~` expanded)."""
    value = custom_fields.get(CUSTOM_PATH_FIELD)
    if not isinstance(value, str) or not value.strip():
        return None
    return Path(value.strip()).expanduser()


def read_image_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_IMAGE_BYTES) -> tuple[bytes, str]:
    """Read an image file as `(bytes, MIME type)`, with the same checks as a downloaded avatar.

    Raises `ImageError` when the file is missing, not a regular file, too large or not an image.
    """
    path = Path(path)
    try:
        info = path.stat()
        # A FIFO or device named in imported data would block the reader or never end.
        if not stat.S_ISREG(info.st_mode):
            raise ImageError(f"{path} is not a regular file.")
        if info.st_size > max_bytes:
            raise ImageError(f"{path} is larger than {max_bytes:,} bytes.")
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise ImageError(f"The avatar file {path} does not exist.") from exc
    except OSError as exc:
        raise ImageError(f"The avatar file {path} cannot be read: {exc.strerror or exc}.") from exc
    if len(data) > max_bytes:
        raise ImageError(f"{path} is larger than {max_bytes:,} bytes.")
    try:
        return data, check_image(data)
    except ImageError as exc:
        raise ImageError(f"{path}: {exc}") from exc


def get_cached(engine: Engine, key: str) -> CachedImage | None:
    """The cache entry for `key`, or None when nothing was ever fetched for it."""
    columns = (_T.content, _T.content_type, _T.etag, _T.last_modified, _T.fetched_at, _T.status)
    with engine.connect() as conn:
        row = conn.execute(select(*columns).where(_T.key == key)).first()
    return None if row is None else CachedImage(*row)


def save_cached(engine: Engine, key: str, image: CachedImage) -> None:
    """Store (or replace) the cache entry for `key`."""
    values = {
        "content": image.content,
        "content_type": image.content_type,
        "etag": image.etag,
        "last_modified": image.last_modified,
        "fetched_at": image.fetched_at,
        "status": image.status,
    }
    with writing(engine) as conn:
        # An upsert: two workers fetching the same avatar must not trip over the unique key.
        statement = insert(conn, table("AvatarCache")).values(key=key, **values)
        conn.execute(statement.on_conflict_do_update(index_elements=["key"], set_=values))


def is_fresh(cached: CachedImage, now: datetime, ttl: timedelta | None = None) -> bool:
    """Whether an entry is recent enough to use without asking again.

    The default time-to-live is `FOUND_TTL` (7 days) for an image and `MISSING_TTL` (1 day) for "missing".
    """
    if cached.fetched_at is None:
        return False
    if ttl is None:
        ttl = MISSING_TTL if cached.status == "missing" else FOUND_TTL
    return cached.fetched_at <= now < cached.fetched_at + ttl


def set_avatar_source(
    engine: Engine, contact_id: int, source: str, *, custom_path: str | None = None, now: datetime | None = None
) -> None:
    """Set a live contact's preferred avatar source (one of `AVATAR_SOURCES`), bumping `date_modified`.

    For "custom", `custom_path` names the image file: it is checked now (an `ImageError` says why it cannot
    be used) and kept in the contact's custom fields. Raises `ValueError` for an unknown source and
    `ContactNotFound` when no live contact has that id.
    """
    if source not in AVATAR_SOURCES:
        raise ValueError(f"Unknown avatar source {source!r}; choose one of {', '.join(AVATAR_SOURCES)}.")
    values: dict[str, Any] = {"avatar_source": source, "date_modified": now or datetime.now(UTC)}
    c = table("Contact").c
    with writing(engine) as conn:
        if source == "custom":
            if not custom_path or not custom_path.strip():
                raise ImageError("Choose an image file for a custom avatar.")
            path = Path(custom_path.strip()).expanduser().absolute()
            read_image_file(path)
            fields = conn.execute(
                select(c.custom_fields).where(c.id == contact_id, c.merged_into_id.is_(None))
            ).scalar()
            values["custom_fields"] = {**(fields or {}), CUSTOM_PATH_FIELD: str(path)}
        statement = update(table("Contact")).where(c.id == contact_id, c.merged_into_id.is_(None)).values(**values)
        if conn.execute(statement).rowcount == 0:
            raise ContactNotFound(f"No contact has the id {contact_id}.")
