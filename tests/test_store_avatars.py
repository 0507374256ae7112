"""The avatar cache, image checks, custom image files and the preferred avatar source, on real SQLite."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine, select
from sqlmodel import Session

from store.avatars import (
    CachedImage,
    ImageError,
    check_image,
    custom_avatar_path,
    get_cached,
    is_fresh,
    read_image_file,
    save_cached,
    set_avatar_source,
)
from store.contacts import ContactNotFound
from store.models import Contact

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def png(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, "PNG")
    return buffer.getvalue()


def found(fetched_at: datetime | None = NOW, content: bytes | None = None) -> CachedImage:
    return CachedImage(content or png(), "image/png", '"v1"', "Wed, 01 Apr 2026 10:00:00 GMT", fetched_at, "ok")


def test_nothing_cached_yet(engine: Engine) -> None:
    assert get_cached(engine, "gravatar:abc:32") is None


def test_an_entry_round_trips_and_is_replaced(engine: Engine) -> None:
    save_cached(engine, "gravatar:abc:32", found())
    assert get_cached(engine, "gravatar:abc:32") == found()
    missing = CachedImage(None, "", None, None, NOW + timedelta(days=9), "missing")
    save_cached(engine, "gravatar:abc:32", missing)
    assert get_cached(engine, "gravatar:abc:32") == missing
    assert get_cached(engine, "gravatar:abc:64") is None


@pytest.mark.parametrize(
    ("age", "status", "fresh"),
    [
        (timedelta(0), "ok", True),
        (timedelta(days=6, hours=23), "ok", True),
        (timedelta(days=7), "ok", False),
        (timedelta(hours=23), "missing", True),
        (timedelta(days=1), "missing", False),
        (timedelta(hours=-1), "ok", False),  # fetched "in the future": the clock moved, ask again
    ],
)
def test_freshness_follows_the_ttl_of_the_status(age: timedelta, status: str, fresh: bool) -> None:
    cached = CachedImage(None, "", None, None, NOW - age, status)
    assert is_fresh(cached, NOW) is fresh


def test_freshness_with_an_explicit_ttl_and_without_a_fetch_time() -> None:
    assert is_fresh(found(NOW - timedelta(hours=2)), NOW, timedelta(hours=1)) is False
    assert is_fresh(found(None), NOW) is False


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "WEBP", "BMP"])
def test_check_image_names_the_type(image_format: str) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, image_format)
    assert check_image(buffer.getvalue()) == Image.MIME[image_format]


@pytest.mark.parametrize("data", [b"", b"hello", png()[:40], b"%!PS-Adobe-3.0 EPSF-3.0\n"])
def test_check_image_rejects_what_is_not_an_image(data: bytes) -> None:
    with pytest.raises(ImageError, match="not an image"):
        check_image(data)


def test_check_image_rejects_absurd_sizes() -> None:
    with pytest.raises(ImageError, match="4097x1 pixels"):
        check_image(png((4097, 1)))
    assert check_image(png((4096, 1))) == "image/png"


def test_custom_avatar_path_comes_from_the_custom_field() -> None:
    assert custom_avatar_path({"avatar_path": " ~/me.png "}) == Path.home() / "me.png"
    assert custom_avatar_path({"avatar_path": ""}) is None
    assert custom_avatar_path({"avatar_path": 3}) is None
    assert custom_avatar_path({}) is None


def test_read_image_file(tmp_path: Path) -> None:
    path = tmp_path / "me.png"
    path.write_bytes(png())
    assert read_image_file(path) == (png(), "image/png")


def test_read_image_file_explains_each_problem(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="does not exist"):
        read_image_file(tmp_path / "nope.png")
    with pytest.raises(ImageError, match="not a regular file"):
        read_image_file(tmp_path)
    text = tmp_path / "notes.png"
    text.write_text("hello")
    with pytest.raises(ImageError, match=r"notes\.png: The data is not an image"):
        read_image_file(text)
    big = tmp_path / "big.png"
    big.write_bytes(png() + b"\0" * 2000)
    with pytest.raises(ImageError, match="larger than 1,000 bytes"):
        read_image_file(big, max_bytes=1000)


def test_read_image_file_does_not_block_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(ImageError, match="not a regular file"):
        read_image_file(fifo)


def _source_and_modified(engine: Engine, contact_id: int) -> tuple[str, datetime]:
    with engine.connect() as conn:
        row = conn.execute(select(Contact.avatar_source, Contact.date_modified).where(Contact.id == contact_id)).one()
    return row[0], row[1]


def test_set_avatar_source_updates_the_contact(engine: Engine, make_contact) -> None:
    contact_id = make_contact(engine, firstname="Ada", email="ada@example.com", date_modified=NOW - timedelta(days=3))
    set_avatar_source(engine, contact_id, "initials", now=NOW)
    assert _source_and_modified(engine, contact_id) == ("initials", NOW)


def test_a_custom_source_needs_a_readable_image(engine: Engine, make_contact, tmp_path) -> None:
    contact_id = make_contact(engine, firstname="Ada", email="ada@example.com", custom_fields={"team": "R&D"})
    with pytest.raises(ImageError, match="Choose an image file"):
        set_avatar_source(engine, contact_id, "custom", now=NOW)
    text = tmp_path / "not-an-image.png"
    text.write_text("hello")
    with pytest.raises(ImageError):
        set_avatar_source(engine, contact_id, "custom", custom_path=str(text), now=NOW)
    assert _source_and_modified(engine, contact_id)[0] == "gravatar"
    picture = tmp_path / "me.png"
    picture.write_bytes(png())
    set_avatar_source(engine, contact_id, "custom", custom_path=str(picture), now=NOW)
    assert _source_and_modified(engine, contact_id) == ("custom", NOW)
    with Session(engine) as session:
        assert session.get(Contact, contact_id).custom_fields == {"team": "R&D", "avatar_path": str(picture)}


def test_set_avatar_source_refuses_unknown_sources_and_contacts(engine: Engine, make_contact) -> None:
    contact_id = make_contact(engine, firstname="Ada")
    with pytest.raises(ValueError, match="Unknown avatar source 'myspace'"):
        set_avatar_source(engine, contact_id, "myspace")
    with pytest.raises(ContactNotFound):
        set_avatar_source(engine, 9999, "initials")
    survivor = make_contact(engine, firstname="Grace")
    merged = make_contact(engine, firstname="Old Grace", merged_into_id=survivor)
    with pytest.raises(ContactNotFound):
        set_avatar_source(engine, merged, "initials")
    assert _source_and_modified(engine, contact_id)[0] == "gravatar"
