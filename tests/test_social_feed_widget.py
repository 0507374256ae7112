"""The SocialFeed widget: sections and states, literal post text, the cursor and the URL messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual import on
from textual.app import App, ComposeResult

from plain.times import relative
from widgets.social_feed import FeedPost, FeedSection, SocialFeed

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
NASTY = "[@click=app.quit]boom[/] [b]x[/b] \x1b[31mred\x1b[0m"


def sections() -> list[FeedSection]:
    return [
        FeedSection(
            "Mastodon",
            "alice@example.social",
            display_name="Alice [b]",
            followers=1200,
            posts_count=340,
            updated_at=NOW - timedelta(hours=3),
            posts=(
                FeedPost(NASTY, NOW - timedelta(minutes=5), 1, 2, 3, "https://example.social/@alice/1"),
                FeedPost("second", NOW - timedelta(days=2), url="https://example.social/@alice/2"),
            ),
        ),
        FeedSection(
            "GitHub",
            "octo",
            state="rate_limited",
            message="GitHub's rate limit is reached; it can refresh again at 14:05.",
            posts=(
                FeedPost(
                    "pushed 3 commits to octo/hello", NOW - timedelta(hours=1), url="https://github.com/octo/hello"
                ),
            ),
        ),
        FeedSection(
            "Bluesky", "ghost.bsky.social", state="not_found", message="Bluesky has no account ghost.bsky.social."
        ),
    ]


class FeedApp(App):
    def __init__(self, feed: SocialFeed) -> None:
        super().__init__()
        self.feed = feed
        self.urls: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield self.feed

    @on(SocialFeed.OpenUrl)
    def opened(self, message: SocialFeed.OpenUrl) -> None:
        self.urls.append(("open", message.url))

    @on(SocialFeed.CopyUrl)
    def copied(self, message: SocialFeed.CopyUrl) -> None:
        self.urls.append(("copy", message.url))


def texts(feed: SocialFeed) -> list[str]:
    return [str(feed.get_option_at_index(index).prompt) for index in range(feed.option_count)]


def test_relative() -> None:
    assert relative(NOW - timedelta(seconds=5), NOW) == "just now"
    assert relative(NOW - timedelta(minutes=7), NOW) == "7 min ago"
    assert relative(NOW - timedelta(hours=3), NOW) == "3 h ago"
    assert relative(NOW - timedelta(days=2), NOW) == "2 d ago"
    assert relative(datetime(2025, 1, 2, tzinfo=UTC), NOW) == "2025-01-02"


async def test_sections_states_and_literal_text() -> None:
    app = FeedApp(SocialFeed(sections(), now=NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lines = texts(app.feed)
        assert lines[0] == "Mastodon  alice@example.social · Alice [b] · 1,200 followers · 340 posts · updated 3 h ago"
        assert lines[1] == "[@click=app.quit]boom[/] [b]x[/b] ␛[31mred␛[0m\n5 min ago · ↩ 1 · ⟳ 2 · ♥ 3"
        assert lines[2] == "second\n2 d ago"
        assert "GitHub's rate limit is reached; it can refresh again at 14:05." in lines
        assert "Bluesky has no account ghost.bsky.social." in lines
        # The cached GitHub feed still shows under the rate-limit sentence.
        assert any(line.startswith("pushed 3 commits") for line in lines)
        screen_text = "\n".join(
            "".join(segment.text for segment in app.feed.render_line(y)) for y in range(app.feed.content_size.height)
        )
        assert "[@click=app.quit]boom[/]" in screen_text and "\x1b" not in screen_text
        assert app.is_running  # the markup-like text was not run as an action


async def test_cursor_skips_headers_and_posts_url_messages() -> None:
    app = FeedApp(SocialFeed(sections(), now=NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        app.feed.focus()
        await pilot.pause()
        assert app.feed.highlighted == 1
        await pilot.press("o")
        await pilot.press("j", "y")
        await pilot.press("j", "o")  # across the GitHub header and its state line
        await pilot.press("G")  # the last profile has no posts: its state line can be highlighted, to remove it
        await pilot.pause()
        assert (app.feed.highlighted_section, app.feed.highlighted_url) == (2, "")
        await pilot.press("o", "k", "k", "k", "o")  # nothing to open there; then back up to the first post
        await pilot.pause()
        assert app.urls == [
            ("open", "https://example.social/@alice/1"),
            ("copy", "https://example.social/@alice/2"),
            ("open", "https://github.com/octo/hello"),
            ("open", "https://example.social/@alice/1"),
        ]


async def test_no_profiles_shows_how_to_add_one() -> None:
    app = FeedApp(SocialFeed([], now=NOW, add_key="S"))
    async with app.run_test() as pilot:
        await pilot.press("o", "y")
        await pilot.pause()
        assert texts(app.feed) == ["No social profiles yet; press S to add one (Mastodon, Bluesky or GitHub)."]
        assert app.feed.highlighted is None and app.urls == []


async def test_show_replaces_and_ok_without_posts() -> None:
    app = FeedApp(SocialFeed([], now=NOW))
    async with app.run_test():
        app.feed.show([FeedSection("GitHub", "octo", state="offline", message="Dossier is offline.")], now=NOW)
        assert texts(app.feed) == ["GitHub  octo", "Dossier is offline."]
        app.feed.show([FeedSection("GitHub", "octo")], now=NOW)
        assert texts(app.feed)[1] == "No public posts yet."


async def test_a_profile_being_fetched_for_the_first_time_can_be_highlighted() -> None:
    # Before its first fetch ends (a slow or silent server) a new profile has no posts and no state message:
    # its "fetching" line is where the cursor goes to remove it.
    app = FeedApp(SocialFeed([sections()[0], FeedSection("GitHub", "adalovelce", state="loading")], now=NOW))
    async with app.run_test() as pilot:
        assert texts(app.feed)[-2:] == ["GitHub  adalovelce", "Fetching the feed…"]
        await pilot.press("G")
        await pilot.pause()
        assert (app.feed.highlighted_section, app.feed.highlighted_url) == (1, "")


async def test_a_repost_with_a_warning_a_quote_media_and_labels_shows_each_part() -> None:
    post = FeedPost(
        "Look at this",
        NOW - timedelta(hours=1),
        url="https://bsky.app/profile/bob/post/1",
        reposted_from="bob.bsky.social",
        warning="spoilers [b]",
        quote="carol.bsky.social: the quoted words",
        attachments=("image: a cat on a keyboard", "link: Title — https://example.com/a?b=c"),
        labels=("graphic-media",),
    )
    only_media = FeedPost("", NOW - timedelta(hours=2), attachments=("video: (no description)",))
    app = FeedApp(SocialFeed([FeedSection("Bluesky", "alice.bsky.social", posts=(post, only_media))], now=NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lines = texts(app.feed)
        assert lines[1] == (
            "⟳ reposted from bob.bsky.social\nLabelled: graphic-media\nCW: spoilers [b]\nLook at this\n"
            "> carol.bsky.social: the quoted words\n+ image: a cat on a keyboard\n"
            "+ link: Title — https://example.com/a?b=c\n1 h ago"
        )
        assert lines[2] == "+ video: (no description)\n2 h ago"  # the media is the post: no "(no text)"


async def test_a_notice_of_the_network_shows_above_the_posts_of_a_working_feed() -> None:
    moved = FeedSection(
        "Mastodon",
        "ada@old.example",
        message="ada@old.example has moved to ada@new.example; add that handle to follow the new account.",
        posts=(FeedPost("Moving house", NOW - timedelta(days=1)),),
    )
    app = FeedApp(SocialFeed([moved], now=NOW))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        lines = texts(app.feed)
        assert lines[1].startswith("ada@old.example has moved to ada@new.example")
        assert lines[2] == "Moving house\n1 d ago"
        assert app.feed.highlighted == 2  # the cursor goes to the post, not the notice


async def test_the_accounts_labels_are_a_line_under_its_header_shown_literally() -> None:
    labelled = FeedSection(
        "Bluesky",
        "alice.bsky.social",
        labels=("hidden by Bluesky moderation", "[b]x[/b] \x1b[31m"),
        posts=(FeedPost("", NOW - timedelta(hours=1), labels=("hidden by Bluesky moderation",)),),
    )
    app = FeedApp(SocialFeed([labelled], now=NOW))
    async with app.run_test(size=(100, 30)) as pilot:
        app.feed.focus()
        await pilot.pause()
        lines = texts(app.feed)
        assert lines[:2] == ["Bluesky  alice.bsky.social", "Labelled: hidden by Bluesky moderation, [b]x[/b] ␛[31m"]
        assert app.feed.highlighted == 2  # the cursor skips the labels line as it skips the header
