"""Pilot tests: add a GitHub profile and read its feed from a local server; an unreachable one says so."""

from __future__ import annotations

from pathlib import Path

from store.settings import load_settings
from tests.services.local_http import closed_port, serve
from tests.services.test_social import GH_EVENTS, GH_USER, send_json
from tests.tui.conftest import screen_text, settle
from tests.tui.sample import NOW
from tui.dialogs.social_profile import SocialProfileDialog
from tui.factory import make_app


def social_app(db: Path, base_url: str, network: str = "github"):
    settings = load_settings(
        ui={"cursor_blink": False},
        gravatar={"base_url": "http://127.0.0.1:9/"},
        social={f"{network}_base_url": base_url},
        network={"timeout": 2},
    )
    return make_app(settings, db, contact_id=1, clock=lambda: NOW)


async def add_github(pilot, app, handle: str) -> None:
    await pilot.press("S")
    await settle(pilot)
    assert isinstance(app.screen, SocialProfileDialog)
    radio = app.screen.query_one("#social-network")
    app.screen.set_focus(radio)
    await pilot.press("right", "right", "enter")  # GitHub
    assert radio.pressed_button.name == "github"
    app.screen.set_focus(app.screen.query_one("#social-handle"))
    await pilot.press(*handle, "enter")
    await settle(pilot)
    await pilot.pause(0.5)
    await settle(pilot)


async def test_github_feed_from_a_local_server(sample_db: Path):
    server, stop = serve()
    server.routes["/users/octo"] = send_json(GH_USER)
    server.routes["/users/octo/events/public"] = send_json(GH_EVENTS)
    try:
        app = social_app(sample_db, server.url(""))
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await add_github(pilot, app, "octo")
            assert app.screen.query_one("#tabs").active == "social"
            text = screen_text(app)
            assert "The Octocat" in text
            assert "octo/hello" in text
            assert [r.path for r in server.received][:2] == ["/users/octo", "/users/octo/events/public"]
    finally:
        stop()


async def test_unreachable_network_is_a_clear_state(sample_db: Path):
    app = social_app(sample_db, f"http://127.0.0.1:{closed_port()}")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await add_github(pilot, app, "octo")
        assert "Could not connect" in screen_text(app)


async def test_no_profile_yet_says_how_to_add_one(app_factory):
    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert "No social profiles yet; press S to add one" in screen_text(app)


def seed_feed(db: Path, status: str = "ok") -> None:
    from dataclasses import dataclass
    from datetime import datetime, timedelta

    from store.db import open_database
    from store.social import Post, Profile, add_profile, save_feed

    @dataclass
    class Found:
        status: str
        profile: Profile | None = None
        posts: tuple = ()
        etag: str | None = None
        retry_after: datetime | None = None
        message: str = ""

    engine = open_database(db)
    profile_id = add_profile(engine, 1, "mastodon", "ada@mastodon.example")
    posts = (
        Post(
            "Shipping the Analytical Engine v2 [@click=app.quit]x[/] \x1b[31mred\x1b[0m",
            NOW - timedelta(hours=3),
            2,
            5,
            40,
            "https://mastodon.example/@ada/1",
        ),
        Post("Notes on Bernoulli numbers", NOW - timedelta(days=2), 0, 1, 12, "https://mastodon.example/@ada/2"),
    )
    save_feed(
        engine,
        profile_id,
        Found("ok", Profile("Ada L.", "", 1200, 88, "https://mastodon.example/@ada"), posts),
        NOW - timedelta(minutes=10),
    )
    if status != "ok":
        save_feed(engine, profile_id, Found(status), NOW)
    engine.dispose()


async def test_cached_feed_shows_at_once_and_literally(app_factory, sample_db: Path):
    seed_feed(sample_db)
    app = app_factory(contact_id=1)  # offline: only the cache can show
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        text = screen_text(app)
        assert "Ada L." in text
        assert "[@click=app.quit]x[/]" in text and "␛[31mred" in text
        assert "Notes on Bernoulli numbers" in text
        assert app.is_running


async def test_remove_a_profile(app_factory, sample_db: Path):
    seed_feed(sample_db)
    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert "No social profiles yet" in screen_text(app)


async def test_remove_a_profile_that_has_no_posts_beside_one_that_has(app_factory, sample_db: Path):
    from store.db import open_database
    from store.social import add_profile, list_profiles

    seed_feed(sample_db)  # Mastodon, with posts
    engine = open_database(sample_db)
    add_profile(engine, 1, "github", "quiet-octo")  # nothing fetched: offline, so it shows a state line only
    engine.dispose()
    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        # Profiles come by network: GitHub's state line is the first line the cursor can take.
        await pilot.press("D")
        await settle(pilot)
        assert "Remove github: quiet-octo" in screen_text(app)  # the confirmation names the profile
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
    engine = open_database(sample_db)
    assert [(p.network, p.handle) for p in list_profiles(engine, 1)] == [("mastodon", "ada@mastodon.example")]
    engine.dispose()


async def test_a_tab_loads_only_when_shown_and_adding_a_profile_fetches_only_it(sample_db: Path):
    from store.db import open_database
    from store.social import add_profile

    engine = open_database(sample_db)
    add_profile(engine, 1, "github", "octo")
    engine.dispose()
    server, stop = serve()
    server.routes["/users/octo"] = send_json(GH_USER)
    server.routes["/users/octo/events/public"] = send_json(GH_EVENTS)
    server.routes["/users/hubot"] = send_json({**GH_USER, "login": "hubot"})
    server.routes["/users/hubot/events/public"] = send_json([])
    try:
        app = social_app(sample_db, server.url(""))
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.pause(0.3)
            assert server.received == []  # the Social tab was never shown: nothing asked
            await pilot.press("4")
            await settle(pilot)
            await pilot.pause(0.5)
            assert [r.path for r in server.received] == ["/users/octo", "/users/octo/events/public"]
            await add_github(pilot, app, "hubot")
            # The new profile is fetched; octo, fresh from a moment ago, is not asked again.
            assert [r.path for r in server.received][2:] == ["/users/hubot", "/users/hubot/events/public"]
    finally:
        stop()


async def test_no_request_is_sent_before_a_rate_limit_resets_even_across_a_restart(sample_db: Path):
    from datetime import timedelta

    from store.db import open_database
    from store.social import add_profile, list_profiles

    engine = open_database(sample_db)
    add_profile(engine, 1, "github", "octo")
    engine.dispose()
    server, stop = serve()
    reset = int((NOW + timedelta(minutes=20)).timestamp())
    limited = {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    server.routes["/users/octo"] = send_json({"message": "API rate limit exceeded"}, 403, limited)
    try:
        app = social_app(sample_db, server.url(""))
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("4")
            await settle(pilot)
            await pilot.pause(0.5)
            asked = len(server.received)
            assert asked >= 1  # the first fetch met the limit
        engine = open_database(sample_db)
        [account] = list_profiles(engine, 1)
        engine.dispose()
        assert account.cached.status == "rate_limited" and account.cached.not_before is not None
        # Dossier starts again, the contact is opened again, and `r` is pressed: GitHub is not asked.
        app = social_app(sample_db, server.url(""))
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("4")
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            await pilot.pause(0.5)
            assert len(server.received) == asked
            assert "It is asked again from" in screen_text(app)
            assert any("asked to wait" in n.message for n in app._notifications)
    finally:
        stop()


async def test_a_labelled_bluesky_account_says_so_under_its_name(sample_db: Path):
    from store.db import open_database
    from store.social import add_profile
    from tests.social.bluesky_server import Account, BlueskyServer, account_label, author, own, post

    engine = open_database(sample_db)
    add_profile(engine, 1, "bluesky", "alice.bsky.social")
    engine.dispose()
    server, stop = serve()
    appview = BlueskyServer(server)
    who = author("alice.bsky.social", account_label(author("alice.bsky.social"), "porn"))
    appview.accounts["alice.bsky.social"] = Account(who, [own(post(who, "drawing class", "2026-11-29T09:00:00Z"))])
    appview.accounts["alice.bsky.social"].labels = who["labels"]
    try:
        app = social_app(sample_db, appview.url(), network="bluesky")
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await pilot.press("4")
            await settle(pilot)
            await pilot.pause(0.5)
            await settle(pilot)
            lines = screen_text(app).splitlines()
            header = next(n for n, line in enumerate(lines) if "alice.bsky.social · Alice.Bsky.Social" in line)
            assert lines[header + 1].strip() == "Labelled: adult content"
            assert "drawing class" in screen_text(app)
    finally:
        stop()


def seed_labelled_feed(db: Path) -> None:
    """A Bluesky account labelled "adult content" (its avatar not kept), as bluesky.py stores it."""
    from datetime import timedelta

    from services.social.base import FeedResult
    from store.db import open_database
    from store.social import Post, Profile, add_profile, save_feed

    engine = open_database(db)
    profile_id = add_profile(engine, 1, "bluesky", "alice.bsky.social")
    url = "https://bsky.app/profile/alice.bsky.social"
    profile = Profile("Alice", "Life drawing.", 42, 500, url, "", labels=("adult content",))
    drawn = Post(
        "Class tonight",
        NOW - timedelta(hours=2),
        1,
        2,
        3,
        f"{url}/post/3l1",
        attachments=("image hidden (labelled)",),
        labels=("adult content",),
    )
    save_feed(engine, profile_id, FeedResult("ok", profile, (drawn,)), NOW - timedelta(minutes=10))
    engine.dispose()
