"""GitHub: a user name; the profile and public events, each event told as one readable line."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import httpx

from plain.networks import NETWORK_LABELS
from services.social.base import FEED_LIMIT, FeedResult, SocialError
from services.social.github_events import WEB, describe
from services.social.http import bad_shape, retry_time
from services.social.provider import Exchange, FeedProvider
from services.social.text import count, parse_time, string
from store.social import Post, Profile

DEFAULT_BASE_URL = "https://api.github.com"
_USER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_ACCEPT = "application/vnd.github+json"


def _profile(user: dict[str, Any]) -> Profile:
    login = string(user.get("login"))
    return Profile(
        display_name=string(user.get("name")) or login,
        bio=string(user.get("bio")).strip(),
        followers=count(user.get("followers")),
        posts=count(user.get("public_repos")),
        url=string(user.get("html_url")) or f"{WEB}/{login}",
        avatar_url=string(user.get("avatar_url")),
    )


def _post(event: Any) -> Post | None:
    if not isinstance(event, dict) or (created_at := parse_time(event.get("created_at"))) is None:
        return None
    text, url = describe(event)
    return Post(text=text, created_at=created_at, url=url)


def _poll_after(headers: httpx.Headers, now: datetime) -> datetime | None:
    """The later of an exhausted rate limit's reset and `X-Poll-Interval` (how often GitHub wants polling)."""
    times = [moment for moment in (retry_time(headers, now),) if moment is not None]
    if (interval := headers.get("X-Poll-Interval", "").strip()).isdigit():
        times.append(now + timedelta(seconds=int(interval)))
    return max(times, default=None)


class GitHub(FeedProvider):
    network = "github"
    label = NETWORK_LABELS["github"]
    default_base_url = DEFAULT_BASE_URL
    hint = "user name"

    def normalize_handle(self, text: str) -> str:
        """A GitHub user name (a leading @ or a github.com profile URL is accepted); case is kept."""
        text = text.strip()
        name = re.sub(r"^https?://(?:www\.)?github\.com/", "", text).removeprefix("@").rstrip("/")
        if not _USER.fullmatch(name):
            raise SocialError(f"{text!r} is not a GitHub user name; use letters, digits and single hyphens.")
        return name

    async def read(self, handle: str, exchange: Exchange, now: datetime) -> FeedResult:
        """`GET /users/:user`, then its public events (an organisation's from `/orgs/:org/events`)."""
        label, what = exchange.label, f"user {handle}"
        user = await exchange.get(f"/users/{handle}", what=what, accept=_ACCEPT)
        if not isinstance(user.data, dict):
            raise bad_shape(label)
        profile = _profile(user.data)
        # An organisation's public activity is listed at /orgs/{org}/events, not under /users (OpenAPI
        # operations activity/list-public-org-events and activity/list-public-events-for-user).
        is_org = user.data.get("type") == "Organization"
        events = await exchange.get(
            f"/orgs/{handle}/events" if is_org else f"/users/{handle}/events/public",
            params={"per_page": str(FEED_LIMIT)},
            what=what,
            etag=exchange.etag,
            accept=_ACCEPT,
        )
        after = _poll_after(events.headers, now)
        if events.code == 304:
            result = FeedResult("not_modified", profile=profile, etag=events.headers.get("ETag") or exchange.etag)
        elif not isinstance(events.data, list):
            raise bad_shape(label)
        else:
            posts = tuple(post for item in events.data if (post := _post(item)) is not None)
            result = FeedResult("ok", profile=profile, posts=posts, etag=events.headers.get("ETag"))
        return replace(result, retry_after=after, http_status=events.code)
