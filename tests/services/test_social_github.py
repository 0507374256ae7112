"""GitHub's provider against tests/social/github_server.py, which answers in the shapes api.github.com sends
today (trimmed event payloads, organisations, ETags, primary and secondary rate limits)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.social import PROVIDERS
from services.social.base import FeedResult
from store.social import CachedFeed
from tests.services.local_http import Handler
from tests.social.github_server import (
    BEFORE,
    HEAD,
    GitHubServer,
    event,
    every_event,
    github_server,
    trimmed_pull_request,
)

REPO = "https://github.com/octo/hello"
LINES = {
    "CommitCommentEvent": ("commented on commit 6113728 in octo/hello", f"{REPO}/commit/{HEAD}#commitcomment-501"),
    "CreateEvent": ("created branch feature/x in octo/hello", f"{REPO}/tree/feature/x"),
    "DeleteEvent": ("deleted branch old-idea in octo/hello", REPO),
    "DiscussionEvent": ("started discussion #3 in octo/hello: Roadmap", f"{REPO}/discussions/3"),
    "ForkEvent": ("forked octo/hello to octocat/hello-fork", "https://github.com/octocat/hello-fork"),
    "GollumEvent": ("edited wiki page Home in octo/hello", f"{REPO}/wiki/Home"),
    "IssueCommentEvent": ("commented on issue #7 in octo/hello: Crash on start", f"{REPO}/issues/7#issuecomment-502"),
    "IssuesEvent": ("opened issue #7 in octo/hello: Crash on start", f"{REPO}/issues/7"),
    "MemberEvent": ("added hubot to octo/hello as a collaborator", REPO),
    "PublicEvent": ("made octo/hello public", REPO),
    "PullRequestEvent": ("opened pull request #12 in octo/hello", f"{REPO}/pull/12"),
    "PullRequestReviewEvent": ("approved pull request #12 in octo/hello", f"{REPO}/pull/12#pullrequestreview-503"),
    "PullRequestReviewCommentEvent": (
        "commented on pull request #12 in octo/hello",
        f"{REPO}/pull/12/files#discussion_r504",
    ),
    "PullRequestReviewThreadEvent": ("resolved a review thread on pull request #12 in octo/hello", f"{REPO}/pull/12"),
    "PushEvent": ("pushed to branch main in octo/hello", f"{REPO}/compare/{BEFORE}...{HEAD}"),
    "ReleaseEvent": ("published release v1.2.0 in octo/hello", f"{REPO}/releases/tag/v1.2.0"),
    "SponsorshipEvent": ("started sponsoring hubot", "https://github.com/sponsors/hubot"),
    "WatchEvent": ("starred octo/hello", REPO),
}


@pytest.fixture
def github() -> Iterator[GitHubServer]:
    server, stop = github_server()
    yield server
    stop()


async def fetch(client: httpx.AsyncClient, server: GitHubServer, handle: str, cached=None) -> FeedResult:
    return await PROVIDERS["github"].fetch(client, handle, cached=cached, base_url=server.url(), timeout=5.0)


async def lines(client: httpx.AsyncClient, server: GitHubServer, events: list[dict]) -> list[tuple[str, str]]:
    server.add("octo", events)
    result = await fetch(client, server, "octo")
    assert result.status == "ok", result.message
    return [(post.text, post.url) for post in result.posts]


def test_the_server_serves_every_event_type_once() -> None:
    assert sorted(item["type"] for item in every_event()) == sorted(LINES)


@pytest.mark.parametrize("kind", sorted(LINES))
async def test_each_event_type_has_its_line_and_link(
    github: GitHubServer, client: httpx.AsyncClient, kind: str
) -> None:
    events = [item for item in every_event() if item["type"] == kind]
    assert await lines(client, github, events) == [LINES[kind]]


async def test_the_whole_feed_in_order(github: GitHubServer, client: httpx.AsyncClient) -> None:
    assert await lines(client, github, every_event()) == [LINES[item["type"]] for item in every_event()]


@pytest.mark.parametrize(
    ("payload", "line"),
    [
        ({"action": "merged"}, "merged pull request #12 in octo/hello"),
        ({"action": "closed"}, "closed pull request #12 in octo/hello"),
        ({"action": "reopened"}, "reopened pull request #12 in octo/hello"),
        ({"action": "review_requested"}, "requested a review on pull request #12 in octo/hello"),
    ],
)
async def test_a_trimmed_pull_request_links_to_itself(
    github: GitHubServer, client: httpx.AsyncClient, payload: dict, line: str
) -> None:
    pr = trimmed_pull_request("octo/hello", 12)
    assert set(pr) == {"url", "id", "number", "head", "base"}  # no title, merged or html_url since October 2025
    events = [event("PullRequestEvent", "octo/hello", {**payload, "number": 12, "pull_request": pr})]
    assert await lines(client, github, events) == [(line, f"{REPO}/pull/12")]


async def test_an_older_full_pull_request_still_shows_merged_and_its_title(
    github: GitHubServer, client: httpx.AsyncClient
) -> None:
    pr = {"number": 5, "title": "Fix", "merged": True, "html_url": "https://elsewhere.example/5"}
    events = [event("PullRequestEvent", "octo/hello", {"action": "closed", "number": 5, "pull_request": pr})]
    assert await lines(client, github, events) == [("merged pull request #5 in octo/hello: Fix", f"{REPO}/pull/5")]


@pytest.mark.parametrize(
    ("payload", "line", "url"),
    [
        ({"ref": "refs/heads/dev"}, "pushed to branch dev in octo/hello", f"{REPO}/tree/dev"),
        (
            {"ref": "refs/heads/main", "size": 3, "distinct_size": 2, "before": BEFORE, "head": HEAD},
            "pushed 2 commits to branch main in octo/hello",
            f"{REPO}/compare/{BEFORE}...{HEAD}",
        ),
        ({"ref": "refs/heads/new", "before": "0" * 40, "head": HEAD}, "pushed to branch new in octo/hello", ""),
        ({"ref": "refs/tags/v2"}, "pushed to tag v2 in octo/hello", f"{REPO}/tree/v2"),
    ],
)
async def test_pushes_with_and_without_counts(
    github: GitHubServer, client: httpx.AsyncClient, payload: dict, line: str, url: str
) -> None:
    # A new branch's `before` is all zeros: there is nothing to compare, so the branch is linked.
    expected_url = url or f"{REPO}/tree/new"
    assert await lines(client, github, [event("PushEvent", "octo/hello", payload)]) == [(line, expected_url)]


async def test_an_organisation_feed_is_read_from_orgs_events(github: GitHubServer, client: httpx.AsyncClient) -> None:
    github.add(
        "acme",
        [event("ReleaseEvent", "acme/tool", {"action": "published", "release": {"tag_name": "v3"}})],
        organization=True,
    )
    result = await fetch(client, github, "acme")
    assert result.status == "ok", result.message
    assert [(post.text, post.url) for post in result.posts] == [
        ("published release v3 in acme/tool", "https://github.com/acme/tool/releases/tag/v3")
    ]
    assert github.paths() == ["/users/acme", "/orgs/acme/events"]


async def test_a_user_feed_is_read_from_users_events_public(github: GitHubServer, client: httpx.AsyncClient) -> None:
    github.add("octo", every_event())
    await fetch(client, github, "octo")
    assert github.paths() == ["/users/octo", "/users/octo/events/public"]


@pytest.mark.parametrize("code", [403, 429])
async def test_primary_limit_waits_for_the_reset(github: GitHubServer, client: httpx.AsyncClient, code: int) -> None:
    github.add("octo", every_event())
    reset = datetime(2030, 1, 1, 14, 5, tzinfo=UTC)
    github.primary_reset, github.limit_status = int(reset.timestamp()), code
    result = await fetch(client, github, "octo")
    assert (result.status, result.retry_after, result.http_status) == ("rate_limited", reset, code)


@pytest.mark.parametrize("code", [403, 429])
@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [(3600, timedelta(seconds=3600)), (None, timedelta(minutes=1))],  # no time said: the docs' "at least a minute"
    ids=["retry-after", "message-only"],
)
async def test_a_secondary_limit_waits_as_long_as_asked(
    github: GitHubServer, client: httpx.AsyncClient, code: int, retry_after: int | None, wait: timedelta
) -> None:
    github.add("octo", every_event())
    github.secondary_retry, github.secondary_bare, github.limit_status = retry_after, retry_after is None, code
    before = datetime.now(UTC)
    result = await fetch(client, github, "octo")
    after = datetime.now(UTC)
    assert result.status == "rate_limited" and result.http_status == code, result.message
    assert result.retry_after is not None
    assert before + wait <= result.retry_after <= after + wait
    assert result.message.startswith("GitHub's rate limit is reached; it can refresh again at ")


async def test_an_unchanged_feed_is_answered_304_and_costs_nothing(
    github: GitHubServer, client: httpx.AsyncClient
) -> None:
    github.add("octo", every_event())
    first = await fetch(client, github, "octo")
    assert first.status == "ok" and first.etag
    spent = github.remaining
    cached = CachedFeed(first.profile, first.posts, first.etag, None, "ok")
    again = await fetch(client, github, "octo", cached)
    assert again.status == "not_modified" and again.etag == first.etag and again.http_status == 304
    assert again.retry_after is not None  # X-Poll-Interval is honoured on a 304 too
    assert github.remaining == spent - 1  # the profile counted, the 304 did not
    assert github.http.received[-1].headers["If-None-Match"] == first.etag


async def test_a_changed_feed_is_sent_again(github: GitHubServer, client: httpx.AsyncClient) -> None:
    github.add("octo", every_event()[:2])
    first = await fetch(client, github, "octo")
    github.events["octo"] = every_event()
    cached = CachedFeed(first.profile, first.posts, first.etag, None, "ok")
    again = await fetch(client, github, "octo", cached)
    assert again.status == "ok" and len(again.posts) == len(LINES) and again.etag != first.etag


async def test_an_unknown_account_is_not_found(github: GitHubServer, client: httpx.AsyncClient) -> None:
    result = await fetch(client, github, "nobody")
    assert result.status == "not_found" and result.message == "GitHub has no user nobody."


async def test_the_last_request_of_the_hour_waits_for_the_reset(
    github: GitHubServer, client: httpx.AsyncClient
) -> None:
    github.add("octo", every_event())
    reset = datetime(2030, 1, 1, 15, 0, tzinfo=UTC)
    github.remaining, github.reset = 2, int(reset.timestamp())
    result = await fetch(client, github, "octo")
    assert result.status == "ok" and result.retry_after == reset and github.remaining == 0


async def test_a_403_that_is_no_rate_limit_stays_a_refusal(github: GitHubServer, client: httpx.AsyncClient) -> None:
    github.add("octo", every_event())

    def forbidden(handler: Handler) -> None:
        handler.reply(403, b'{"message":"Forbidden"}', "application/json", {"X-RateLimit-Remaining": "59"})

    github.http.routes["/users/octo"] = forbidden
    result = await fetch(client, github, "octo")
    assert result.status == "error" and result.message == "GitHub refused the request (HTTP 403)."
