"""The Mastodon provider against an instance that answers as Mastodon's own code does (tests/social)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from urllib.parse import parse_qs

import httpx
import pytest

from services.social import PROVIDERS, FeedResult
from services.social.base import FEED_LIMIT
from services.social.mastodon import MAX_PAGES
from tests.social.mastodon_server import MastodonServer, delegating_site, mastodon_server


@pytest.fixture
def instance() -> Iterator[MastodonServer]:
    with mastodon_server() as server:
        yield server


async def fetch(server: MastodonServer, handle: str, base_url: str = "") -> FeedResult:
    async with httpx.AsyncClient() as client:
        base = base_url or server.base_url
        return await PROVIDERS["mastodon"].fetch(client, handle, cached=None, base_url=base, timeout=5.0)


def queries(server: MastodonServer, path_end: str) -> list[dict[str, str]]:
    return [
        {key: values[0] for key, values in parse_qs(seen.query).items()}
        for seen in server.http.received
        if seen.path.endswith(path_end)
    ]


async def test_a_remote_handle_is_looked_up_by_its_full_acct_not_as_the_local_namesake(
    instance: MastodonServer,
) -> None:
    local = instance.add_account("dana", display_name="Local Dana")
    local.statuses.append(instance.status(local, "<p>the wrong dana</p>"))
    remote = instance.add_account("dana", "remote.example", display_name="Remote Dana")
    remote.statuses.append(instance.status(remote, "<p>the right dana</p>"))
    result = await fetch(instance, "dana@remote.example")
    assert result.status == "ok", result.message
    assert result.profile is not None and result.profile.display_name == "Remote Dana"
    assert [post.text for post in result.posts] == ["the right dana"]
    assert queries(instance, "/lookup") == [{"acct": "dana@remote.example"}]


async def test_a_handle_of_the_instance_itself_or_of_its_delegated_domain_is_its_local_account() -> None:
    # LOCAL_DOMAIN example.org with WEB_DOMAIN social.example.org: handles read dana@example.org.
    with mastodon_server(local_domain="example.org", web_domain="social.example.org") as server:
        dana = server.add_account("dana", display_name="Dana")
        dana.statuses.append(server.status(dana, "<p>hello</p>"))
        result = await fetch(server, "dana@example.org")
        assert result.status == "ok", result.message
        assert result.profile is not None and result.profile.display_name == "Dana"
        assert queries(server, "/lookup") == [{"acct": "dana@example.org"}]


async def test_a_delegated_domain_is_followed_through_webfinger_to_its_instance() -> None:
    with mastodon_server(local_domain="example.org", web_domain="social.example.org") as server:
        dana = server.add_account("dana", display_name="Dana")
        dana.statuses.append(server.status(dana, "<p>hello</p>"))
        with delegating_site(server) as site:
            result = await fetch(server, "dana@example.org", base_url=site.url(""))
        assert result.status == "ok", result.message
        assert [post.text for post in result.posts] == ["hello"]
        assert [seen.path for seen in site.received] == ["/api/v1/accounts/lookup", "/.well-known/webfinger"]
        assert queries(server, "/webfinger") == [{"resource": "acct:dana@example.org"}]
        assert queries(server, "/lookup") == [{"acct": "dana@example.org"}]


async def test_an_unknown_account_on_a_delegating_site_is_not_found() -> None:
    with mastodon_server(local_domain="example.org") as server, delegating_site(server) as site:
        result = await fetch(server, "ghost@example.org", base_url=site.url(""))
    assert result.status == "not_found" and result.message == "example.org has no account named ghost."


async def test_a_boost_shows_the_original_text_marked_with_its_author(instance: MastodonServer) -> None:
    alice = instance.add_account("alice")
    bob = instance.add_account("bob", "other.example")
    original = instance.status(bob, "<p>bob wrote this</p>")
    alice.statuses.append(instance.status(alice, "", reblog=original))
    result = await fetch(instance, "alice@social.example")
    (post,) = result.posts
    assert (post.text, post.reposted_from) == ("bob wrote this", "bob@other.example")
    assert post.url == original["url"]
    assert "exclude_reblogs" not in queries(instance, "/statuses")[0]


async def test_an_own_post_is_not_marked_as_a_boost(instance: MastodonServer) -> None:
    alice = instance.add_account("alice")
    alice.statuses.append(instance.status(alice, "<p>mine</p>"))
    (post,) = (await fetch(instance, "alice@social.example")).posts
    assert post.reposted_from == "" and post.text == "mine"


async def test_media_keep_their_alt_text_and_a_card_its_title_and_link(instance: MastodonServer) -> None:
    alice = instance.add_account("alice")
    media = [instance.media("image", "A red  bicycle\nby a wall"), instance.media("video", None)]
    card = instance.card("https://news.example/story", "A story")
    alice.statuses.append(instance.status(alice, "", media=media, card=card))
    (post,) = (await fetch(instance, "alice@social.example")).posts
    assert post.attachments == (
        "image: A red bicycle by a wall",
        "video: no description",
        "link: A story — https://news.example/story",
    )


async def test_a_content_warning_is_kept_apart_from_the_text(instance: MastodonServer) -> None:
    alice = instance.add_account("alice")
    alice.statuses.append(instance.status(alice, "<p>spoilers</p>", spoiler_text="Film ending"))
    (post,) = (await fetch(instance, "alice@social.example")).posts
    assert (post.warning, post.text) == ("Film ending", "spoilers")


async def test_sensitive_media_without_a_warning_get_one(instance: MastodonServer) -> None:
    alice = instance.add_account("alice")
    alice.statuses.append(instance.status(alice, "<p>look</p>", sensitive=True, media=[instance.media("image", "x")]))
    alice.statuses.append(instance.status(alice, "<p>plain</p>", sensitive=True))
    plain, media = (await fetch(instance, "alice@social.example")).posts
    assert (media.warning, plain.warning) == ("sensitive media", "")


async def test_an_accepted_quote_carries_the_quoted_author_and_text(instance: MastodonServer) -> None:
    alice = instance.add_account("alice")
    carol = instance.add_account("carol", "far.example")
    quoted = instance.status(carol, "<p>the quoted words</p>")
    alice.statuses.append(instance.status(alice, "<p>so true</p>", quoting=quoted))
    alice.statuses.append(instance.status(alice, "<p>pending</p>", quoting=quoted, quote_state="pending"))
    pending, accepted = (await fetch(instance, "alice@social.example")).posts  # newest first
    assert accepted.quote == "carol@far.example: the quoted words"
    assert accepted.text == "so true"  # the "RE: <link>" fallback is dropped when the quote itself is shown
    assert pending.quote == "" and pending.text == f"RE: {quoted['url']}\n\npending"


async def test_pages_down_with_max_id_until_the_feed_is_full(instance: MastodonServer) -> None:
    instance.page_cap = 8  # an instance that answers fewer statuses than asked for
    alice = instance.add_account("alice")
    alice.statuses.extend(instance.status(alice, f"<p>post {n}</p>") for n in range(30))
    result = await fetch(instance, "alice@social.example")
    assert [post.text for post in result.posts] == [f"post {n}" for n in range(29, 29 - FEED_LIMIT, -1)]
    asked = queries(instance, "/statuses")
    assert len(asked) == 3 and "max_id" not in asked[0]
    assert asked[1]["max_id"] == alice.statuses[22]["id"] and asked[2]["max_id"] == alice.statuses[14]["id"]


async def test_paging_stops_at_the_page_cap(instance: MastodonServer) -> None:
    instance.page_cap = 2
    alice = instance.add_account("alice")
    alice.statuses.extend(instance.status(alice, f"<p>post {n}</p>") for n in range(30))
    result = await fetch(instance, "alice@social.example")
    assert len(result.posts) == 2 * MAX_PAGES and len(queries(instance, "/statuses")) == MAX_PAGES


async def test_paging_stops_when_the_account_has_no_more(instance: MastodonServer) -> None:
    alice = instance.add_account("alice")
    alice.statuses.extend(instance.status(alice, f"<p>post {n}</p>") for n in range(3))
    result = await fetch(instance, "alice@social.example")
    assert len(result.posts) == 3 and len(queries(instance, "/statuses")) == 1


async def test_paging_stops_when_the_limit_runs_out_and_keeps_the_posts_in_hand(instance: MastodonServer) -> None:
    instance.page_cap = 8
    alice = instance.add_account("alice")
    alice.statuses.extend(instance.status(alice, f"<p>post {n}</p>") for n in range(30))
    instance.rate_remaining = 3  # lookup, first page, second page (whose answer says 0 remain)
    result = await fetch(instance, "alice@social.example")
    assert result.status == "ok" and len(result.posts) == 16
    assert result.retry_after == datetime.fromisoformat(instance.last_reset)
    assert len(queries(instance, "/statuses")) == 2


async def test_a_limit_met_while_paging_keeps_the_posts_in_hand(instance: MastodonServer) -> None:
    instance.page_cap = 8
    alice = instance.add_account("alice")
    alice.statuses.extend(instance.status(alice, f"<p>post {n}</p>") for n in range(30))
    instance.rate_remaining = 3
    instance.announce_remaining = False  # a server that sends no X-RateLimit headers before the 429
    result = await fetch(instance, "alice@social.example")
    assert result.status == "ok" and len(result.posts) == 16 and result.retry_after is not None
    assert len(queries(instance, "/statuses")) == 3


async def test_a_suspended_account_says_so_and_asks_for_no_posts(instance: MastodonServer) -> None:
    instance.add_account("eve", "bad.example", suspended=True)
    result = await fetch(instance, "eve@bad.example")
    assert result.status == "not_found"
    assert result.message == "eve@bad.example is suspended on its instance."
    assert queries(instance, "/statuses") == []


async def test_an_instance_requiring_sign_in_says_so(instance: MastodonServer) -> None:
    instance.require_auth = True
    instance.add_account("alice")
    result = await fetch(instance, "alice@social.example")
    assert result.status == "error" and result.http_status == 401
    assert result.message == "social.example only shows posts to signed-in users."


async def test_an_unknown_account_is_not_found(instance: MastodonServer) -> None:
    instance.add_account("alice")
    result = await fetch(instance, "ghost@social.example")
    assert result.status == "not_found"
    assert result.message == "social.example has no account named ghost."


async def test_a_remote_account_the_instance_never_met_is_not_found(instance: MastodonServer) -> None:
    instance.add_account("dana")
    result = await fetch(instance, "dana@unknown.example")
    assert result.status == "not_found"


async def test_a_rate_limited_answer_is_a_rate_limited_result(instance: MastodonServer) -> None:
    instance.add_account("alice")
    instance.rate_remaining = 1  # the lookup spends the last request; the statuses are refused
    result = await fetch(instance, "alice@social.example")
    assert result.status == "rate_limited" and result.http_status == 429
    assert result.retry_after == datetime.fromisoformat(instance.last_reset)


async def test_the_last_allowed_request_says_when_to_ask_again(instance: MastodonServer) -> None:
    alice = instance.add_account("alice")
    alice.statuses.append(instance.status(alice, "<p>hi</p>"))
    instance.rate_remaining = 2  # the statuses answer carries X-RateLimit-Remaining: 0
    result = await fetch(instance, "alice@social.example")
    assert result.status == "ok" and result.retry_after == datetime.fromisoformat(instance.last_reset)


async def test_a_moved_limited_or_memorial_account_says_so_above_its_posts(instance: MastodonServer) -> None:
    new = instance.add_account("ada", "new.example")
    old = instance.add_account("ada", "old.example", moved_to=new)
    old.statuses.append(instance.status(old, "<p>Moving house</p>"))
    instance.add_account("spam", "loud.example", limited=True)
    instance.add_account("grace", "memory.example", memorial=True)
    moved = await fetch(instance, "ada@old.example")
    assert (moved.status, [p.text for p in moved.posts]) == ("ok", ["Moving house"])
    assert moved.message == "ada@old.example has moved to ada@new.example; add that handle to follow the new account."
    limited = await fetch(instance, "spam@loud.example")
    assert limited.status == "ok" and limited.message.startswith(
        "The moderators of loud.example limited spam@loud.example;"
    )
    memorial = await fetch(instance, "grace@memory.example")
    assert memorial.message == "In memoriam: grace@memory.example is kept as a memorial."
    ordinary = await fetch(instance, "ada@new.example")
    assert ordinary.message == ""
