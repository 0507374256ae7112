"""Pilot tests: the header's avatar from a local Gravatar server, its fallback, and changing its source."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sqlmodel import Session

from services.gravatar import gravatar_hash
from store.models import Contact
from store.settings import load_settings
from tests.services.local_http import serve
from tests.tui.conftest import settle
from tests.tui.sample import NOW
from tui.dialogs.avatar_source import AvatarSourceDialog
from tui.factory import make_app
from widgets.avatar import Avatar


def png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(buffer, "PNG")
    return buffer.getvalue()


def online_app(db: Path, base_url: str):
    settings = load_settings(ui={"cursor_blink": False}, gravatar={"base_url": base_url}, network={"timeout": 2})
    return make_app(settings, db, contact_id=1, clock=lambda: NOW)


async def test_gravatar_replaces_the_fallback(sample_db: Path):
    server, stop = serve()
    path = "/avatar/" + gravatar_hash("ada@analytical.example")
    server.routes[path] = lambda handler: handler.reply(200, png((200, 30, 30)), "image/png", {"ETag": '"v1"'})
    try:
        app = online_app(sample_db, server.url("/avatar/"))
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.pause(0.3)
            avatar = app.screen.query_one(Avatar)
            assert [r.path for r in server.received] == [path]
            assert "d=404" in server.received[0].query
            assert avatar.showing_image
            assert avatar.status == "Gravatar"
    finally:
        stop()


async def test_unreachable_gravatar_keeps_the_fallback(sample_db: Path):
    from tests.services.local_http import closed_port

    app = online_app(sample_db, f"http://127.0.0.1:{closed_port()}/avatar/")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)
        avatar = app.screen.query_one(Avatar)
        assert not avatar.showing_image
        assert app.is_running


async def test_choose_the_identicon_source(app_factory):
    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, AvatarSourceDialog)
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, AvatarSourceDialog)
        with Session(app.context.engine) as session:
            assert session.get(Contact, 1).avatar_source == "initials"


async def test_custom_image_file_is_checked(app_factory, tmp_path: Path):
    not_an_image = tmp_path / "notes.txt"
    not_an_image.write_text("hello")
    picture = tmp_path / "me.png"
    picture.write_bytes(png((0, 120, 255)))
    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        path_input = app.screen.query_one("#avatar-path")
        path_input.value = str(not_an_image)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AvatarSourceDialog)  # refused, with a reason
        path_input.value = str(picture)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.3)
        assert not isinstance(app.screen, AvatarSourceDialog)
        with Session(app.context.engine) as session:
            contact = session.get(Contact, 1)
            assert contact.avatar_source == "custom"
            assert contact.custom_fields["avatar_path"] == str(picture)
        await settle(pilot)
        assert app.screen.query_one(Avatar).showing_image
