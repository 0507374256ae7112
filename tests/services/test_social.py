"""Social providers against a real local server speaking each API's documented JSON."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from plain.html import html_to_text
from services.social import PROVIDERS, SocialError, offline_result, provider
from services.social.github import describe
from store.social import CachedFeed, Post, Profile
from tests.services.local_http import Handler, LocalServer, closed_port

NASTY = "[@click=app.quit]boom[/] \x1b[31mred\x1b[0m"
ACCOUNT = {
    "id": "109",
    "username": "alice",
    "acct": "alice",
    "display_name": "Alice [b]A[/b]",
    "note": "<p>Gardener &amp; <a href='https://x'>coder</a></p><p>second</p>",
    "url": "https://example.social/@alice",
    "avatar": "https://example.social/a.png",
    "followers_count": 12,
    "statuses_count": 340,
}
STATUS = {
    "id": "1",
    "created_at": "2026-11-29T09:00:00.000Z",
    "content": f"<p>Hello &lt;b&gt; <b>world</b><br>{NASTY}</p><script>alert(1)</script>",
    "spoiler_text": "",
    "replies_count": 1,
    "reblogs_count": 2,
    "favourites_count": 3,
    "url": "https://example.social/@alice/1",
}
BSKY_PROFILE = {
    "did": "did:plc:abc",
    "handle": "alice.bsky.social",
    "displayName": "Alice",
    "description": "bio [red]x[/red]",
    "followersCount": 5,
    "postsCount": 7,
    "avatar": "https://cdn/a.jpg",
}
BSKY_FEED = {
    "feed": [
        {
            "post": {
                "uri": "at://did:plc:abc/app.bsky.feed.post/3kxyz",
                "author": {"did": "did:plc:abc", "handle": "alice.bsky.social"},
                "record": {"text": NASTY, "createdAt": "2026-11-29T08:00:00Z"},
                "replyCount": 4,
                "repostCount": 5,
                "likeCount": 6,
                "indexedAt": "2026-11-29T08:00:01Z",
            }
        },
        {
            "post": {
                "uri": "at://x/app.bsky.feed.post/2",
                "record": {"text": "r", "createdAt": "2026-11-29T07:00:00Z"},
            },
            "reason": {"$type": "app.bsky.feed.defs#reasonRepost"},
        },
    ],
    "cursor": "c",
}
GH_USER = {
    "login": "octo",
    "name": "The Octocat",
    "bio": "hi",
    "followers": 9,
    "public_repos": 8,
    "html_url": "https://github.com/octo",
    "avatar_url": "https://avatars/octo",
}
GH_EVENTS = [
    {
        "type": "PushEvent",
        "repo": {"name": "octo/hello"},
        "payload": {"size": 3, "ref": "refs/heads/main"},
        "created_at": "2026-11-29T10:00:00Z",
    },
    {
        "type": "WatchEvent",
        "repo": {"name": "rich/rich"},
        "payload": {"action": "started"},
        "created_at": "2026-11-29T09:00:00Z",
    },
]


def send_json(data: object, code: int = 200, headers: dict[str, str] | None = None):
    def route(handler: Handler) -> None:
        handler.reply(code, json.dumps(data).encode(), "application/json", headers)

    return route


def send(code: int, body: bytes = b"", headers: dict[str, str] | None = None):
    def route(handler: Handler) -> None:
        handler.reply(code, body, "application/json", headers)

    return route


def mastodon_routes(server: LocalServer, statuses=None) -> None:
    server.routes["/api/v1/accounts/lookup"] = send_json(ACCOUNT)
    server.routes["/api/v1/accounts/109/statuses"] = statuses or send_json([STATUS], headers={"ETag": 'W/"m1"'})


async def fetch(client, server, network, handle, *, cached=None, timeout=3.0, **kwargs):
    base = server.url("") if server is not None else kwargs.pop("base_url")
    return await PROVIDERS[network].fetch(client, handle, cached=cached, base_url=base, timeout=timeout, **kwargs)


# Handles


@pytest.mark.parametrize(
    ("network", "typed", "handle"),
    [
        ("mastodon", " @Alice@Mastodon.Social ", "Alice@mastodon.social"),
        ("mastodon", "https://fosstodon.org/@bob", "bob@fosstodon.org"),
        ("bluesky", "@Alice.bsky.social", "alice.bsky.social"),
        ("bluesky", "did:plc:abc123", "did:plc:abc123"),
        ("github", "@octo-cat", "octo-cat"),
        ("github", "https://github.com/octo/", "octo"),
    ],
)
def test_normalize_handle(network: str, typed: str, handle: str) -> None:
    assert provider(network).normalize_handle(typed) == handle


@pytest.mark.parametrize(
    ("network", "typed"),
    [("mastodon", "alice"), ("mastodon", "a/b@x.y"), ("bluesky", "alice"), ("github", "-bad-"), ("github", "a/b")],
)
def test_bad_handles_raise_one_sentence(network: str, typed: str) -> None:
    with pytest.raises(SocialError) as raised:
        provider(network).normalize_handle(typed)
    assert str(raised.value).endswith(".") and "\n" not in str(raised.value)


def test_unknown_network() -> None:
    with pytest.raises(SocialError, match="does not know the network"):
        provider("myspace")


def test_html_to_text_is_plain_and_decoded() -> None:
    text = html_to_text("<p>a &amp; b<br/>c</p><p>&lt;script&gt;</p><style>x{}</style>")
    assert text == "a & b\nc\n\n<script>"


# Mastodon


async def test_mastodon_profile_and_posts(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    mastodon_routes(local_server)
    result = await fetch(client, local_server, "mastodon", "alice@example.social")
    assert result.status == "ok", result.message
    assert result.profile == Profile(
        "Alice [b]A[/b]", "Gardener & coder\n\nsecond", 12, 340, ACCOUNT["url"], ACCOUNT["avatar"]
    )
    (post,) = result.posts
    assert post.text == f"Hello <b> world\n{NASTY}"
    assert post.created_at == datetime(2026, 11, 29, 9, tzinfo=UTC)
    assert (post.replies, post.boosts, post.likes, post.url) == (1, 2, 3, STATUS["url"])
    assert result.etag == 'W/"m1"'
    lookup, statuses = local_server.received
    assert lookup.query == "acct=alice%40example.social"  # the full acct: a bare name is the asked instance's own
    assert "limit=20" in statuses.query and "exclude_reblogs" not in statuses.query  # boosts are shown
    assert lookup.headers["User-Agent"].startswith("Dossier/")
    assert "If-None-Match" not in statuses.headers


async def test_mastodon_conditional_request_keeps_cache(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    def statuses(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == 'W/"m1"':
            handler.reply(304, headers={"ETag": 'W/"m1"'})
        else:
            handler.reply(200, b"[]", "application/json")

    mastodon_routes(local_server, statuses)
    old = Post("old", datetime(2026, 1, 1, tzinfo=UTC))
    cached = CachedFeed(Profile("Old"), (old,), 'W/"m1"', datetime(2026, 1, 1, tzinfo=UTC), "ok")
    result = await fetch(client, local_server, "mastodon", "alice@example.social", cached=cached)
    assert result.status == "not_modified"
    assert result.etag == 'W/"m1"' and result.posts == ()
    assert result.profile is not None and result.profile.followers == 12
    assert local_server.received[-1].headers["If-None-Match"] == 'W/"m1"'


async def test_mastodon_unknown_account(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    local_server.routes["/api/v1/accounts/lookup"] = send(404, b'{"error":"Record not found"}')
    result = await fetch(client, local_server, "mastodon", "ghost@example.social")
    assert result.status == "not_found"
    assert result.message == "example.social has no account named ghost."


async def test_mastodon_malformed_json(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    mastodon_routes(local_server, send(200, b"[{not json"))
    result = await fetch(client, local_server, "mastodon", "alice@example.social")
    assert result.status == "error" and "not valid JSON" in result.message


async def test_wrong_shape_is_an_error(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    mastodon_routes(local_server, send_json({"statuses": []}))
    result = await fetch(client, local_server, "mastodon", "alice@example.social")
    assert result.status == "error" and "form Dossier does not know" in result.message


# Bluesky


async def test_bluesky_profile_and_feed(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    local_server.routes["/xrpc/app.bsky.actor.getProfile"] = send_json(BSKY_PROFILE)
    local_server.routes["/xrpc/app.bsky.feed.getAuthorFeed"] = send_json(BSKY_FEED)
    result = await fetch(client, local_server, "bluesky", "alice.bsky.social")
    assert result.status == "ok", result.message
    assert result.profile == Profile(
        "Alice", "bio [red]x[/red]", 5, 7, "https://bsky.app/profile/alice.bsky.social", "https://cdn/a.jpg"
    )
    post, repost = result.posts  # the repost is shown, marked as one
    assert repost.reposted_from and not post.reposted_from
    assert post.text == NASTY
    assert (post.replies, post.boosts, post.likes) == (4, 5, 6)
    assert post.url == "https://bsky.app/profile/alice.bsky.social/post/3kxyz"
    assert "actor=alice.bsky.social" in local_server.received[-1].query
    assert "limit=20" in local_server.received[-1].query


async def test_bluesky_unknown_actor_is_not_found(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    body = b'{"error":"InvalidRequest","message":"Profile not found"}'
    local_server.routes["/xrpc/app.bsky.actor.getProfile"] = send(400, body)
    result = await fetch(client, local_server, "bluesky", "nobody.bsky.social")
    assert result.status == "not_found"


# GitHub


async def test_github_profile_events_token_and_poll_interval(
    local_server: LocalServer, client: httpx.AsyncClient
) -> None:
    local_server.routes["/users/octo"] = send_json(GH_USER)
    local_server.routes["/users/octo/events/public"] = send_json(
        GH_EVENTS, headers={"ETag": '"g1"', "X-Poll-Interval": "60"}
    )
    before = datetime.now(UTC)
    result = await fetch(client, local_server, "github", "octo", token="s3cret")
    assert result.status == "ok", result.message
    assert result.profile is not None and result.profile.display_name == "The Octocat"
    assert [post.text for post in result.posts] == [
        "pushed 3 commits to branch main in octo/hello",
        "starred rich/rich",
    ]
    assert result.posts[1].url == "https://github.com/rich/rich"
    assert result.retry_after is not None
    assert before + timedelta(seconds=59) <= result.retry_after <= datetime.now(UTC) + timedelta(seconds=61)
    assert all(request.headers["Authorization"] == "Bearer s3cret" for request in local_server.received)


@pytest.mark.parametrize(
    ("event", "line"),
    [
        (
            {"type": "IssuesEvent", "payload": {"action": "opened", "issue": {"number": 4, "title": "Bug"}}},
            "opened issue #4 in o/r: Bug",
        ),
        (
            {
                "type": "PullRequestEvent",
                "payload": {"action": "closed", "pull_request": {"number": 5, "title": "Fix", "merged": True}},
            },
            "merged pull request #5 in o/r: Fix",
        ),
        ({"type": "CreateEvent", "payload": {"ref_type": "branch", "ref": "dev"}}, "created branch dev in o/r"),
        ({"type": "CreateEvent", "payload": {"ref_type": "repository"}}, "created repository o/r"),
        ({"type": "ForkEvent", "payload": {"forkee": {"full_name": "me/r"}}}, "forked o/r to me/r"),
        ({"type": "PushEvent", "payload": {"ref": "refs/heads/main"}}, "pushed to branch main in o/r"),
        ({"type": "IssueCommentEvent", "payload": {}}, "commented on issue in o/r"),
    ],
)
def test_github_event_lines(event: dict, line: str) -> None:
    assert describe({**event, "repo": {"name": "o/r"}})[0] == line


async def test_github_rate_limit_reset(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    reset = datetime(2030, 1, 1, 14, 5, tzinfo=UTC)
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(reset.timestamp()))}
    local_server.routes["/users/octo"] = send(403, b'{"message":"API rate limit exceeded"}', headers)
    result = await fetch(client, local_server, "github", "octo")
    assert result.status == "rate_limited"
    assert result.retry_after == reset
    assert result.message == "GitHub's rate limit is reached; it can refresh again at 14:05."


# Failures shared by every provider


async def test_429_with_retry_after_seconds(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    local_server.routes["/users/octo"] = send(429, b"{}", {"Retry-After": "120"})
    before = datetime.now(UTC)
    result = await fetch(client, local_server, "github", "octo")
    assert result.status == "rate_limited" and result.http_status == 429
    assert result.retry_after is not None
    assert before + timedelta(seconds=119) <= result.retry_after <= datetime.now(UTC) + timedelta(seconds=121)


async def test_429_with_retry_after_http_date(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    when = datetime(2030, 5, 1, 8, 30, tzinfo=UTC)
    local_server.routes["/xrpc/app.bsky.actor.getProfile"] = send(
        429, b"{}", {"Retry-After": format_datetime(when, usegmt=True)}
    )
    result = await fetch(client, local_server, "bluesky", "alice.bsky.social")
    assert result.status == "rate_limited" and result.retry_after == when
    assert result.message.endswith("it can refresh again at 08:30.")


async def test_server_error(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    local_server.routes["/users/octo"] = send(500, b"oops")
    result = await fetch(client, local_server, "github", "octo")
    assert result.status == "error"
    assert result.message == "GitHub is having trouble (HTTP 500); the feed will be tried again later."


async def test_timeout(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    def slow(handler: Handler) -> None:
        time.sleep(1.0)
        handler.reply(200, b"{}", "application/json")

    local_server.routes["/users/octo"] = slow
    result = await fetch(client, local_server, "github", "octo", timeout=0.2)
    assert result.status == "error" and result.message == "GitHub did not answer within 0.2 s."


async def test_oversized_body_stops_reading(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    def huge(handler: Handler) -> None:
        # No Content-Length: the limit has to be enforced while streaming.
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(b"[" + b'"x",' * 50_000 + b'"x"]')

    local_server.routes["/users/octo"] = huge
    result = await fetch(client, local_server, "github", "octo", max_bytes=10_000)
    assert result.status == "error" and "larger than 10,000 bytes" in result.message


async def test_unreachable(client: httpx.AsyncClient) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    result = await fetch(client, None, "bluesky", "alice.bsky.social", base_url=base)
    assert result.status == "error" and result.message.startswith("Could not connect to Bluesky")


def test_offline_result() -> None:
    result = offline_result("GitHub")
    assert result.status == "offline" and "offline" in result.message


# The cache, end to end with the store


async def test_cache_within_ttl_then_conditional_304_keeps_feed(
    local_server: LocalServer, client: httpx.AsyncClient, engine, make_contact
) -> None:
    from store.social import add_profile, is_fresh, save_feed
    from tests.store_helpers import cached_feed

    def statuses(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == 'W/"m1"':
            handler.reply(304, headers={"ETag": 'W/"m1"'})
        else:
            handler.reply(200, json.dumps([STATUS]).encode(), "application/json", {"ETag": 'W/"m1"'})

    mastodon_routes(local_server, statuses)
    profile_id = add_profile(engine, make_contact(engine), "mastodon", "alice@example.social")
    first = datetime(2026, 11, 29, 9, tzinfo=UTC)
    save_feed(engine, profile_id, await fetch(client, local_server, "mastodon", "alice@example.social"), first)
    stored = cached_feed(engine, profile_id)
    assert stored is not None and len(stored.posts) == 1

    assert is_fresh(stored.fetched_at, first + timedelta(minutes=30))  # within the TTL nobody asks
    assert not is_fresh(stored.fetched_at, first + timedelta(hours=2))
    result = await fetch(client, local_server, "mastodon", "alice@example.social", cached=stored)
    assert result.status == "not_modified"
    assert local_server.received[-1].headers["If-None-Match"] == 'W/"m1"'
    save_feed(engine, profile_id, result, first + timedelta(hours=2))
    again = cached_feed(engine, profile_id)
    assert again is not None
    assert again.posts == stored.posts and again.fetched_at == first + timedelta(hours=2)


FEED_PATHS = {
    "mastodon": ("alice@example.social", "/api/v1/accounts/109/statuses"),
    "bluesky": ("alice.bsky.social", "/xrpc/app.bsky.feed.getAuthorFeed"),
    "github": ("octo", "/users/octo/events/public"),
}


def all_routes(server: LocalServer) -> None:
    mastodon_routes(server)
    server.routes["/xrpc/app.bsky.actor.getProfile"] = send_json(BSKY_PROFILE)
    server.routes["/xrpc/app.bsky.feed.getAuthorFeed"] = send_json(BSKY_FEED)
    server.routes["/users/octo"] = send_json(GH_USER)
    server.routes["/users/octo/events/public"] = send_json(GH_EVENTS)


@pytest.mark.parametrize("network", FEED_PATHS)
@pytest.mark.parametrize(
    ("route", "status", "words"),
    [
        (send(200, b"<html>not json</html>"), "error", "not valid JSON"),
        (send(500, b""), "error", "HTTP 500"),
        (send(200, b"[" + b"1," * 40_000 + b"1]"), "error", "larger than 50,000 bytes"),
        (
            send(429, b"{}", {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2030-01-01T14:05:00.000Z"}),
            "rate_limited",
            "14:05",
        ),
    ],
)
async def test_feed_endpoint_failures(
    local_server: LocalServer, client: httpx.AsyncClient, network: str, route, status: str, words: str
) -> None:
    all_routes(local_server)
    handle, path = FEED_PATHS[network]
    local_server.routes[path] = route
    result = await fetch(client, local_server, network, handle, max_bytes=50_000)
    assert result.status == status and words in result.message, result.message
    assert result.message.endswith(".") and "\n" not in result.message


@pytest.mark.parametrize("network", FEED_PATHS)
async def test_every_provider_sends_if_none_match_and_keeps_cache_on_304(
    local_server: LocalServer, client: httpx.AsyncClient, network: str
) -> None:
    all_routes(local_server)
    handle, path = FEED_PATHS[network]
    local_server.routes[path] = send(304, b"", {"ETag": '"e2"', "X-Poll-Interval": "60"})
    cached = CachedFeed(Profile("Old"), (Post("old", datetime(2026, 1, 1, tzinfo=UTC)),), '"e1"', None, "ok")
    result = await fetch(client, local_server, network, handle, cached=cached)
    assert result.status == "not_modified" and result.etag == '"e2"' and result.posts == ()
    assert local_server.received[-1].headers["If-None-Match"] == '"e1"'
    if network == "github":
        assert result.retry_after is not None


async def test_a_304_to_a_plain_request_is_an_error(local_server: LocalServer, client: httpx.AsyncClient) -> None:
    all_routes(local_server)
    local_server.routes["/users/octo/events/public"] = send(304)
    result = await fetch(client, local_server, "github", "octo")
    assert result.status == "error"


async def test_unnormalised_handle_is_refused_without_a_request(
    local_server: LocalServer, client: httpx.AsyncClient
) -> None:
    result = await fetch(client, local_server, "github", "../admin")
    assert result.status == "error" and "not a GitHub user name" in result.message
    assert local_server.received == []
