"""Choosing a contact's avatar: cache first, the network when due, files for custom avatars, never a crash."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import Engine

from services.avatar_loader import AvatarOutcome, load_avatar
from services.gravatar import gravatar_cache_key, gravatar_hash
from store.avatars import CachedImage, get_cached, save_cached
from tests.services.local_http import Handler, LocalServer, closed_port

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
EMAIL = "ada@example.com"
KEY = gravatar_cache_key(EMAIL, size_px=32)


def png(colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def gravatar(local_server: LocalServer) -> LocalServer:
    """Ada has a Gravatar with an ETag and answers 304 to a matching If-None-Match."""

    def avatar(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.reply(304, headers={"ETag": '"v1"'})
        else:
            handler.reply(200, png(), "image/png", {"ETag": '"v1"'})

    local_server.routes[f"/avatar/{gravatar_hash(EMAIL)}"] = avatar
    return local_server


async def load(engine: Engine, client: httpx.AsyncClient | None, server: LocalServer | None, **kwargs: Any):
    options: dict[str, Any] = {
        "source": "gravatar",
        "email": EMAIL,
        "custom_fields": {},
        "size_px": 32,
        "base_url": server.url("/avatar/") if server else f"http://127.0.0.1:{closed_port()}/avatar/",
        "timeout": 2.0,
        "offline": False,
        "now": NOW,
    }
    return await load_avatar(engine, client, **{**options, **kwargs})


async def test_a_gravatar_is_fetched_once_then_served_from_the_cache(engine, client, gravatar) -> None:
    first = await load(engine, client, gravatar)
    assert first == AvatarOutcome(png(), "Gravatar", EMAIL)
    assert get_cached(engine, KEY) == CachedImage(png(), "image/png", '"v1"', None, NOW, "ok")
    again = await load(engine, client, gravatar, now=NOW + timedelta(days=6))
    assert again == first
    assert len(gravatar.received) == 1


async def test_an_expired_gravatar_is_revalidated(engine, client, gravatar) -> None:
    await load(engine, client, gravatar)
    later = NOW + timedelta(days=8)
    outcome = await load(engine, client, gravatar, now=later)
    assert outcome == AvatarOutcome(png(), "Gravatar", EMAIL)
    assert gravatar.received[-1].headers["If-None-Match"] == '"v1"'
    cached = get_cached(engine, KEY)
    assert cached is not None
    assert cached.fetched_at == later


async def test_no_gravatar_is_remembered_for_a_day(engine, client, local_server) -> None:
    outcome = await load(engine, client, local_server)  # no route: the server answers 404
    assert outcome == AvatarOutcome(None, "no Gravatar", EMAIL)
    assert (await load(engine, client, local_server, now=NOW + timedelta(hours=20))) == outcome
    assert len(local_server.received) == 1
    await load(engine, client, local_server, now=NOW + timedelta(days=2))
    assert len(local_server.received) == 2


async def test_offline_never_asks(engine, client, gravatar) -> None:
    assert await load(engine, client, gravatar, offline=True) == AvatarOutcome(None, "offline", EMAIL)
    assert await load(engine, None, gravatar) == AvatarOutcome(None, "offline", EMAIL)
    assert gravatar.received == []
    save_cached(engine, KEY, CachedImage(png(), "image/png", None, None, NOW - timedelta(days=30), "ok"))
    assert await load(engine, client, gravatar, offline=True) == AvatarOutcome(png(), "Gravatar (offline)", EMAIL)
    assert gravatar.received == []


async def test_an_unreachable_gravatar_keeps_the_fallback_and_says_why(engine, client) -> None:
    outcome = await load(engine, client, None)
    assert (outcome.image, outcome.caption, outcome.fallback_seed) == (None, "Gravatar unavailable", EMAIL)
    assert outcome.message == "Could not connect to Gravatar at 127.0.0.1; check the network."
    assert get_cached(engine, KEY) is None


async def test_a_stale_copy_is_shown_when_the_service_fails(engine, client, local_server) -> None:
    local_server.routes[f"/avatar/{gravatar_hash(EMAIL)}"] = lambda h: h.reply(503, b"", "text/plain")
    stale = CachedImage(png("red"), "image/png", '"v0"', None, NOW - timedelta(days=30), "ok")
    save_cached(engine, KEY, stale)
    outcome = await load(engine, client, local_server)
    assert (outcome.image, outcome.caption) == (png("red"), "Gravatar (cached)")
    assert "HTTP 503" in outcome.message
    assert get_cached(engine, KEY) == stale


async def test_garbage_from_the_service_keeps_the_fallback(engine, client, local_server) -> None:
    local_server.routes[f"/avatar/{gravatar_hash(EMAIL)}"] = lambda h: h.reply(200, b"GIF89a garbage", "image/gif")
    outcome = await load(engine, client, local_server)
    assert (outcome.image, outcome.caption) == (None, "Gravatar unavailable")
    assert "cannot use" in outcome.message


async def test_no_email_no_request(engine, client, gravatar) -> None:
    assert await load(engine, client, gravatar, email=None) == AvatarOutcome(None, "no email")
    assert await load(engine, client, gravatar, email="  ") == AvatarOutcome(None, "no email")
    assert gravatar.received == []


async def test_initials_and_social_sources_use_the_fallback(engine, client, gravatar) -> None:
    assert await load(engine, client, gravatar, source="initials") == AvatarOutcome(None, "initials")
    assert await load(engine, client, gravatar, source="social") == AvatarOutcome(None, "no social avatar", EMAIL)
    assert gravatar.received == []


async def test_a_custom_image_file(engine, tmp_path: Path) -> None:
    path = tmp_path / "ada.png"
    path.write_bytes(png())
    outcome = await load(engine, None, None, source="custom", custom_fields={"avatar_path": str(path)})
    assert outcome == AvatarOutcome(png(), "custom image", EMAIL)


async def test_a_custom_source_without_a_usable_file(engine, tmp_path: Path) -> None:
    outcome = await load(engine, None, None, source="custom")
    assert (outcome.image, outcome.caption) == (None, "no image file")
    assert "avatar_path" in outcome.message
    fields = {"avatar_path": str(tmp_path / "gone.png")}
    outcome = await load(engine, None, None, source="custom", custom_fields=fields)
    assert (outcome.image, outcome.caption) == (None, "image file unusable")
    assert outcome.message == f"The avatar file {tmp_path / 'gone.png'} does not exist."


async def test_the_social_source_uses_the_cached_profile_picture(engine, client, local_server, make_contact) -> None:
    from dataclasses import dataclass

    from store.social import Profile, add_profile, save_feed

    @dataclass
    class Found:
        status: str
        profile: Profile
        posts: tuple = ()
        etag: str | None = None
        retry_after: None = None
        message: str = ""

    local_server.routes["/pic.png"] = lambda handler: handler.reply(200, png("purple"), "image/png")
    contact_id = make_contact(engine, firstname="Ada", email=EMAIL)
    profile_id = add_profile(engine, contact_id, "github", "ada")
    save_feed(
        engine, profile_id, Found("ok", Profile(display_name="Ada", avatar_url=local_server.url("/pic.png"))), NOW
    )
    outcome = await load(engine, client, None, source="social", contact_id=contact_id)
    assert (outcome.image, outcome.caption) == (png("purple"), "GitHub")  # the provider's own spelling
    again = await load(engine, client, None, source="social", contact_id=contact_id)
    assert again.caption == "GitHub" and len(local_server.received) == 1  # served from the cache


async def test_the_social_source_without_a_profile_picture_falls_back(engine, client, make_contact) -> None:
    contact_id = make_contact(engine, firstname="Ada", email=EMAIL)
    outcome = await load(engine, client, None, source="social", contact_id=contact_id)
    assert (outcome.image, outcome.caption, outcome.fallback_seed) == (None, "no social avatar", EMAIL)


@pytest.mark.parametrize(("value", "used"), [("", True), ("porn", False), ("!hide", False)])
async def test_a_bluesky_avatar_the_official_client_blurs_is_never_the_contacts_picture(
    engine, client, local_server, make_contact, value: str, used: bool
) -> None:
    from services.social import PROVIDERS
    from store.social import add_profile, save_feed
    from tests.social.bluesky_server import Account, BlueskyServer, account_label, author

    appview = BlueskyServer(local_server)
    local_server.routes["/alice.png"] = lambda handler: handler.reply(200, png("orange"), "image/png")
    who = author("alice.bsky.social")
    labels = [account_label(who, value)] if value else []
    appview.accounts["alice.bsky.social"] = Account(who, labels=labels, avatar=local_server.url("/alice.png"))
    result = await PROVIDERS["bluesky"].fetch(
        client, "alice.bsky.social", cached=None, base_url=appview.url(), timeout=5
    )
    contact_id = make_contact(engine, firstname="Alice", email=EMAIL)
    save_feed(engine, add_profile(engine, contact_id, "bluesky", "alice.bsky.social"), result, NOW)
    outcome = await load(engine, client, None, source="social", contact_id=contact_id)
    asked = [received.path for received in local_server.received if received.path == "/alice.png"]
    if used:
        assert (outcome.image, outcome.caption, asked) == (png("orange"), "Bluesky", ["/alice.png"])
    else:
        assert (outcome.image, outcome.caption, asked) == (None, "no social avatar", [])


@pytest.mark.parametrize("change", ["!no-unauthenticated", "takendown", "deactivated"])
async def test_a_bluesky_avatar_shown_before_goes_when_the_account_is_no_longer_shown(
    engine, client, local_server, make_contact, change: str
) -> None:
    """An account that turns on "logged-out visibility" (!no-unauthenticated), or is taken down or deactivated,
    keeps its cached profile on the Social tab, not as the contact's picture."""
    from services.social import PROVIDERS
    from store.social import add_profile, save_feed
    from tests.social.bluesky_server import Account, BlueskyServer, author, self_label
    from tests.store_helpers import cached_feed

    appview = BlueskyServer(local_server)
    local_server.routes["/alice.png"] = lambda handler: handler.reply(200, png("orange"), "image/png")
    who = author("alice.bsky.social")
    account = Account(who, avatar=local_server.url("/alice.png"))
    appview.accounts["alice.bsky.social"] = account
    contact_id = make_contact(engine, firstname="Alice", email=EMAIL)
    profile_id = add_profile(engine, contact_id, "bluesky", "alice.bsky.social")

    async def refresh() -> AvatarOutcome:
        result = await PROVIDERS["bluesky"].fetch(
            client, "alice.bsky.social", cached=None, base_url=appview.url(), timeout=5
        )
        save_feed(engine, profile_id, result, NOW)
        return await load(engine, client, None, source="social", contact_id=contact_id)

    assert (await refresh()).image == png("orange")
    if change.startswith("!"):
        account.labels = [self_label(who, change)]  # the account's "logged-out visibility" setting
    else:
        account.state = change  # type: ignore[assignment]
    outcome = await refresh()
    assert (outcome.image, outcome.caption) == (None, "no social avatar")
    cached = cached_feed(engine, profile_id)
    assert cached is not None and cached.status == "not_found" and cached.profile is not None
