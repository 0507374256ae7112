"""Bluesky against a local AppView serving the shapes of bluesky-social/atproto (tests/social/bluesky_server.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import Engine, update

from services.social import PROVIDERS
from services.social.base import FEED_LIMIT, FeedResult
from services.social.bluesky import MAX_PAGES
from store.social import Profile, add_profile, list_profiles, save_feed
from store.tables import Columns, table
from tests.conftest import MakeContact
from tests.services.local_http import LocalServer
from tests.social.bluesky_server import (
    FEED_PATH,
    PROFILE_PATH,
    Account,
    BlueskyServer,
    Json,
    account_label,
    author,
    images,
    label,
    link_card,
    link_facet,
    own,
    post,
    quote,
    record_label,
    repost,
    self_label,
    video,
)

ALICE = author("alice.bsky.social")
BOB = author("bob.bsky.social")


def at(minute: int) -> str:
    """Times counting down from noon, so a list built in order is newest first, as the feed is."""
    return f"2026-11-29T{11 - minute // 60:02d}:{59 - minute % 60:02d}:00.000Z"


@pytest.fixture
def appview(local_server: LocalServer) -> BlueskyServer:
    return BlueskyServer(local_server)


async def read(appview: BlueskyServer, client: httpx.AsyncClient, handle: str = "alice.bsky.social") -> FeedResult:
    return await PROVIDERS["bluesky"].fetch(client, handle, cached=None, base_url=appview.url(), timeout=5.0)


async def test_twenty_reposts_show_as_reposts_with_the_original_author(
    appview: BlueskyServer, client: httpx.AsyncClient
) -> None:
    originals = [post(BOB, f"bob says {n}", at(100 + n)) for n in range(20)]
    items = [repost(view, ALICE, at(n)) for n, view in enumerate(originals)]
    appview.accounts["alice.bsky.social"] = Account(ALICE, [*items, own(post(ALICE, "mine", at(200)))])
    result = await read(appview, client)
    assert result.status == "ok", result.message
    assert len(result.posts) == FEED_LIMIT
    first = result.posts[0]
    assert (first.reposted_from, first.text) == ("bob.bsky.social", "bob says 0")
    assert first.created_at == datetime(2026, 11, 29, 11, 59, tzinfo=UTC)  # when alice reposted it
    assert first.url.startswith("https://bsky.app/profile/bob.bsky.social/post/")
    assert appview.requests(FEED_PATH) == 1  # twenty reposts fill the page; no second request


def hidden_reposts(count: int) -> list[dict]:
    """Reposts of an account labelled `!no-unauthenticated`, which a logged-out reader is not shown."""
    carol = author("carol.bsky.social", label("!no-unauthenticated", "did:plc:carol", src="did:plc:carol"))
    return [repost(post(carol, f"carol {n}", at(300 + n)), ALICE, at(n)) for n in range(count)]


async def test_pages_with_the_cursor_until_the_feed_is_filled(
    appview: BlueskyServer, client: httpx.AsyncClient
) -> None:
    own_posts = [own(post(ALICE, f"post {n}", at(100 + n))) for n in range(30)]
    appview.accounts["alice.bsky.social"] = Account(ALICE, hidden_reposts(30) + own_posts)
    result = await read(appview, client)
    assert [p.text for p in result.posts] == [f"post {n}" for n in range(FEED_LIMIT)]
    received = [r.query for r in appview.server.received if r.path == FEED_PATH]
    assert len(received) == 3  # items 0-19 hidden, 20-39 give ten posts, 40-59 the other ten
    assert "cursor" not in received[0] and "cursor=20" in received[1] and "cursor=40" in received[2]
    assert all("filter=posts_no_replies" in query and "limit=20" in query for query in received)


async def test_replies_to_others_are_left_out_by_the_filter(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    other = post(BOB, "root", at(0))
    items = [own(post(ALICE, "reply", at(1), reply_to=other["uri"])), own(post(ALICE, "post", at(2)))]
    appview.accounts["alice.bsky.social"] = Account(ALICE, items)
    assert [p.text for p in (await read(appview, client)).posts] == ["post"]


async def test_paging_stops_at_the_page_cap(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    appview.accounts["alice.bsky.social"] = Account(ALICE, hidden_reposts(200))
    result = await read(appview, client)
    assert (result.status, result.posts) == ("ok", ())
    assert appview.requests(FEED_PATH) == MAX_PAGES


async def test_a_short_feed_is_one_request(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    appview.accounts["alice.bsky.social"] = Account(ALICE, [own(post(ALICE, "only", at(0)))])
    result = await read(appview, client)
    assert [p.text for p in result.posts] == ["only"]
    assert (appview.requests(PROFILE_PATH), appview.requests(FEED_PATH)) == (1, 1)


async def test_embeds_are_described(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    quoted = post(BOB, "the quoted words", at(50))
    items = [
        own(post(ALICE, "", at(0), embed=images("a red kite", ""))),
        own(post(ALICE, "", at(1), embed=video("kites at dusk"))),
        own(post(ALICE, "read", at(2), embed=link_card("https://example.org/a/long/path", "Kites, a history"))),
        own(post(ALICE, "", at(3), embed=quote(quoted))),
        own(post(ALICE, "and", at(4), embed=quote(quoted, images("a kite")))),
        own(
            post(
                ALICE,
                "",
                at(5),
                embed=quote({"$type": "app.bsky.embed.record#viewNotFound", "uri": "at://x", "notFound": True}),
            )
        ),
    ]
    appview.accounts["alice.bsky.social"] = Account(ALICE, items)
    posts = (await read(appview, client)).posts
    assert posts[0].attachments == ("image: a red kite", "image")
    assert posts[1].attachments == ("video: kites at dusk",)
    assert posts[2].attachments == ("link: Kites, a history — https://example.org/a/long/path",)
    assert (posts[3].quote, posts[3].attachments) == ("bob.bsky.social: the quoted words", ())
    assert (posts[4].quote, posts[4].attachments) == ("bob.bsky.social: the quoted words", ("image: a kite",))
    assert posts[5].quote == "(the quoted post was deleted)"


async def test_a_quoted_post_hidden_by_moderation_is_not_quoted(
    appview: BlueskyServer, client: httpx.AsyncClient
) -> None:
    quoted = post(BOB, "removed words", at(50), labels=[label("!hide", "at://q")])
    appview.accounts["alice.bsky.social"] = Account(ALICE, [own(post(ALICE, "see", at(0), embed=quote(quoted)))])
    (only,) = (await read(appview, client)).posts
    assert only.quote == "(the quoted post is hidden by Bluesky moderation)"


async def test_link_facets_show_the_full_url(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    text = "ünïcode first, then see example.org/a/ver... for more"
    facet = link_facet(text, "example.org/a/ver...", "https://example.org/a/very/long/path?q=1")
    appview.accounts["alice.bsky.social"] = Account(ALICE, [own(post(ALICE, text, at(0), facets=[facet]))])
    (only,) = (await read(appview, client)).posts
    assert only.text == "ünïcode first, then see https://example.org/a/very/long/path?q=1 for more"


@pytest.mark.parametrize(
    ("state", "sentence"),
    [
        ("takendown", "Bluesky account alice.bsky.social was taken down by Bluesky moderation."),
        ("deactivated", "Bluesky account alice.bsky.social is deactivated."),
    ],
)
async def test_account_states_are_one_sentence_each(
    appview: BlueskyServer, client: httpx.AsyncClient, state: str, sentence: str
) -> None:
    appview.accounts["alice.bsky.social"] = Account(ALICE, [own(post(ALICE, "x", at(0)))], state=state)  # type: ignore[arg-type]
    result = await read(appview, client)
    assert (result.status, result.message, result.posts) == ("not_found", sentence, ())
    assert appview.requests(FEED_PATH) == 0


async def test_an_unknown_account_is_not_found(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    result = await read(appview, client, "nobody.bsky.social")
    assert (result.status, result.message) == ("not_found", "Bluesky has no account nobody.bsky.social.")


async def test_no_unauthenticated_shows_no_posts(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    who = author(
        "alice.bsky.social",
        label("!no-unauthenticated", "at://did:plc:alice/app.bsky.actor.profile/self", src="did:plc:alice"),
    )
    account = Account(who, [own(post(who, "secret", at(0)))])
    account.labels = who["labels"]
    appview.accounts["alice.bsky.social"] = account
    result = await read(appview, client)
    assert result.status == "not_found" and result.posts == ()
    assert result.message == (
        "alice.bsky.social asks Bluesky not to show their account to logged-out readers, so no posts are shown."
    )
    assert appview.requests(FEED_PATH) == 0
    # labels.json blurs its avatar, display name and profile view: the profile kept says nothing of them.
    assert result.profile is not None
    assert (result.profile.display_name, result.profile.bio, result.profile.avatar_url) == ("", "", "")


async def test_a_negated_no_unauthenticated_label_is_not_honoured(
    appview: BlueskyServer, client: httpx.AsyncClient
) -> None:
    negated = label("!no-unauthenticated", "did:plc:alice", neg=True)
    appview.accounts["alice.bsky.social"] = Account(ALICE, [own(post(ALICE, "hi", at(0)))], labels=[negated])
    assert [p.text for p in (await read(appview, client)).posts] == ["hi"]


async def test_post_labels(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    items = [
        own(post(ALICE, "removed words", at(0), embed=images("x"), labels=[label("!hide", "at://p0")])),
        own(post(ALICE, "careful", at(1), labels=[label("!warn", "at://p1")])),
        own(post(ALICE, "look", at(2), embed=images("explicit"), labels=[label("porn", "at://p2")])),
        own(post(ALICE, "art", at(3), labels=[label("nudity", "at://p3")])),
        own(post(ALICE, "self", at(4), labels=[label("!hide", "at://p4", src=ALICE["did"])])),
    ]
    appview.accounts["alice.bsky.social"] = Account(ALICE, items)
    hidden, warned, adult, nudity, self_hidden = (await read(appview, client)).posts
    assert (hidden.text, hidden.attachments, hidden.labels) == ("", (), ("hidden by Bluesky moderation",))
    assert (warned.text, warned.labels) == ("careful", ("content warning",))
    assert (adult.text, adult.attachments, adult.labels) == ("look", ("image hidden (labelled)",), ("adult content",))
    assert (nudity.text, nudity.labels) == ("art", ())  # "nudity" defaults to ignore in labels.json
    assert (self_hidden.text, self_hidden.labels) == ("self", ())  # "!hide" is "no-self"


async def test_rate_limit_headers_and_429(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    appview.accounts["alice.bsky.social"] = Account(ALICE, [own(post(ALICE, "hi", at(0)))])
    appview.remaining = 2  # the profile and the feed use both
    result = await read(appview, client)
    assert result.status == "ok"
    assert result.retry_after == datetime.fromtimestamp(appview.reset_at, UTC)
    limited = await read(appview, client)
    assert limited.status == "rate_limited" and limited.http_status == 429
    assert limited.retry_after == datetime.fromtimestamp(appview.reset_at, UTC)


async def test_rate_limit_spent_mid_paging_stops_asking(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    own_posts = [own(post(ALICE, f"post {n}", at(100 + n))) for n in range(30)]
    appview.accounts["alice.bsky.social"] = Account(ALICE, hidden_reposts(19) + own_posts)
    appview.remaining = 2  # the profile and the first page spend it: RateLimit-Remaining 0
    result = await read(appview, client)
    assert [p.text for p in result.posts] == ["post 0"]
    assert result.retry_after == datetime.fromtimestamp(appview.reset_at, UTC)
    assert appview.requests(FEED_PATH) == 1


AVATAR = "https://cdn.bsky.app/img/avatar/plain/did:plc:alice/bafkavatar@jpeg"


def labelled_alice(*labels: Json) -> Account:
    """Alice with these labels in her profile view and in her posts' author views, as the AppView sends both."""
    who = author("alice.bsky.social", *labels)
    return Account(who, [own(post(who, "hello", at(0)))], labels=who["labels"], avatar=AVATAR)


async def profile_of(appview: BlueskyServer, client: httpx.AsyncClient, *labels: Json) -> Profile:
    appview.accounts["alice.bsky.social"] = labelled_alice(*labels)
    result = await read(appview, client)
    assert result.status == "ok" and result.profile is not None, result.message
    return result.profile


async def test_an_unlabelled_profile_is_kept_whole(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    profile = await profile_of(appview, client)
    assert (profile.display_name, profile.bio, profile.avatar_url, profile.labels) == (
        "Alice.Bsky.Social",
        "Public posts.",
        AVATAR,
        (),
    )


async def test_an_account_hidden_by_moderation_keeps_no_name_bio_or_avatar(
    appview: BlueskyServer, client: httpx.AsyncClient
) -> None:
    # labels.json "!hide", account target: avatar, displayName and profileView blurred, without override.
    profile = await profile_of(appview, client, account_label(author("alice.bsky.social"), "!hide"))
    assert (profile.display_name, profile.bio, profile.avatar_url) == ("", "", "")
    assert profile.labels == ("hidden by Bluesky moderation",)
    assert (profile.followers, profile.url) == (42, "https://bsky.app/profile/alice.bsky.social")


async def test_a_warned_account_keeps_its_name_only(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    # "!warn" on the account blurs avatar and profileView (so the client shows no bio), not the display name.
    profile = await profile_of(appview, client, account_label(author("alice.bsky.social"), "!warn"))
    assert (profile.display_name, profile.bio, profile.avatar_url) == ("Alice.Bsky.Social", "", "")
    assert profile.labels == ("content warning",)


async def test_a_profile_record_hidden_by_moderation_keeps_its_bio(
    appview: BlueskyServer, client: httpx.AsyncClient
) -> None:
    # "!hide" on the profile record (subjects/profile.ts): avatar and displayName blurred; profileView is not.
    profile = await profile_of(appview, client, record_label(author("alice.bsky.social"), "!hide"))
    assert (profile.display_name, profile.bio, profile.avatar_url) == ("", "Public posts.", "")
    assert profile.labels == ("hidden by Bluesky moderation",)


@pytest.mark.parametrize(
    ("make", "value", "name"),
    [
        (account_label, "porn", "adult content"),
        (account_label, "sexual", "sexually suggestive"),
        (record_label, "graphic-media", "graphic media"),
        (self_label, "porn", "adult content"),
        (self_label, "sexual", "sexually suggestive"),
    ],
)
async def test_an_adult_label_hides_the_avatar_only(
    appview: BlueskyServer, client: httpx.AsyncClient, make, value: str, name: str
) -> None:
    # Adult content is off without an account, so these labels are "hide": the avatar (and banner) blur.
    profile = await profile_of(appview, client, make(author("alice.bsky.social"), value))
    assert (profile.display_name, profile.bio, profile.avatar_url) == ("Alice.Bsky.Social", "Public posts.", "")
    assert profile.labels == (name,)


async def test_a_self_applied_hide_or_warn_is_ignored(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    alice = author("alice.bsky.social")
    profile = await profile_of(appview, client, self_label(alice, "!hide"), self_label(alice, "!warn"))
    assert (profile.display_name, profile.bio, profile.avatar_url, profile.labels) == (
        "Alice.Bsky.Social",
        "Public posts.",
        AVATAR,
        (),
    )
    (only,) = (await read(appview, client)).posts
    assert (only.text, only.labels) == ("hello", ())  # "no-self" for the posts too


async def test_a_negated_or_ignored_label_changes_nothing(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    alice = author("alice.bsky.social")
    negated = account_label(alice, "porn", neg=True)
    profile = await profile_of(appview, client, negated, self_label(alice, "nudity"))  # nudity: "ignore"
    assert (profile.avatar_url, profile.labels) == (AVATAR, ())


async def test_labels_are_named_once_in_order(appview: BlueskyServer, client: httpx.AsyncClient) -> None:
    alice = author("alice.bsky.social")
    labels = (account_label(alice, "sexual"), record_label(alice, "porn"), self_label(alice, "porn"))
    profile = await profile_of(appview, client, *labels)
    assert profile.labels == ("sexually suggestive", "adult content")


async def test_account_labels_are_named_on_the_profile_and_on_others_posts(
    appview: BlueskyServer, client: httpx.AsyncClient
) -> None:
    """The account's own labels are named once, under its name; a post says its own labels and, when reposted from
    another account, that account's. Both still hide what they hide."""
    alice = author("alice.bsky.social", account_label(author("alice.bsky.social"), "porn"))
    bob = author("bob.bsky.social", account_label(author("bob.bsky.social"), "sexual"))
    items = [
        own(post(alice, "mine", at(2), embed=images("x"))),
        own(post(alice, "careful", at(1), labels=[label("!warn", "at://p1")])),
        repost(post(bob, "his", at(0)), alice, at(0)),
    ]
    appview.accounts["alice.bsky.social"] = Account(alice, items, labels=alice["labels"], avatar=AVATAR)
    result = await read(appview, client)
    assert result.profile is not None and result.profile.labels == ("adult content",)
    mine, careful, his = result.posts
    assert (mine.labels, mine.attachments) == ((), ("image hidden (labelled)",))
    assert careful.labels == ("content warning",)
    assert (his.reposted_from, his.labels) == ("bob.bsky.social", ("sexually suggestive",))


async def test_profile_labels_are_kept_with_the_cached_feed(
    appview: BlueskyServer, client: httpx.AsyncClient, engine: Engine, make_contact: MakeContact
) -> None:
    appview.accounts["alice.bsky.social"] = labelled_alice(account_label(author("alice.bsky.social"), "porn"))
    result = await read(appview, client)
    contact_id = make_contact(engine, firstname="Alice")
    profile_id = add_profile(engine, contact_id, "bluesky", "alice.bsky.social")
    save_feed(engine, profile_id, result, datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
    (account,) = list_profiles(engine, contact_id)
    assert account.cached.profile == result.profile
    assert account.cached.profile is not None and account.cached.profile.labels == ("adult content",)


async def test_a_profile_cached_before_labels_existed_still_loads(engine: Engine, make_contact: MakeContact) -> None:
    contact_id = make_contact(engine, firstname="Alice")
    profile_id = add_profile(engine, contact_id, "bluesky", "alice.bsky.social")
    old = {"display_name": "Alice", "bio": "b", "followers": 1, "posts": 2, "url": "u", "avatar_url": AVATAR}
    with engine.begin() as conn:
        conn.execute(
            update(table("SocialProfile")).where(Columns("SocialProfile").id == profile_id).values(profile=old)
        )
    (account,) = list_profiles(engine, contact_id)
    assert account.cached.profile == Profile("Alice", "b", 1, 2, "u", AVATAR, labels=())
