"""Mastodon: `user@instance`; the account is looked up on its own instance, then its public posts listed."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

from plain.html import html_to_text
from services.social.base import FEED_LIMIT, FeedResult, SocialError
from services.social.http import bad_shape, retry_time
from services.social.provider import Exchange, FeedProvider
from services.social.text import count, parse_time, string
from store.social import Post, Profile

_HANDLE = re.compile(r"@?(?P<user>[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)@(?P<host>[A-Za-z0-9.-]+(?::\d+)?)")
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]+(?::\d+)?|localhost(?::\d+)?|[\d.]+:\d+")


def _profile(account: dict[str, Any]) -> Profile:
    return Profile(
        display_name=string(account.get("display_name")) or string(account.get("username")),
        bio=html_to_text(string(account.get("note"))),
        followers=count(account.get("followers_count")),
        posts=count(account.get("statuses_count")),
        url=string(account.get("url")),
        avatar_url=string(account.get("avatar")),
    )


def _post(status: Any) -> Post | None:
    if not isinstance(status, dict) or (created_at := parse_time(status.get("created_at"))) is None:
        return None
    text = html_to_text(string(status.get("content")))
    if warning := string(status.get("spoiler_text")).strip():
        text = f"CW: {warning}\n{text}"
    return Post(
        text=text,
        created_at=created_at,
        replies=count(status.get("replies_count")),
        boosts=count(status.get("reblogs_count")),
        likes=count(status.get("favourites_count")),
        url=string(status.get("url")) or string(status.get("uri")),
    )


class Mastodon(FeedProvider):
    network = "mastodon"
    label = "Mastodon"
    hint = "user@instance"

    def normalize_handle(self, text: str) -> str:
        """`user@instance` (a leading @ and a profile URL's `https://instance/@user` form are accepted)."""
        text = text.strip()
        if match := re.fullmatch(r"https?://([^/\s]+)/@([^/\s@]+)/?", text):
            text = f"{match[2]}@{match[1]}"
        match = _HANDLE.fullmatch(text)
        if match is None or not _HOST.fullmatch(match["host"].lower()):
            example = "alice@mastodon.social"
            raise SocialError(f"{text!r} is not a Mastodon handle; write it as user@instance, e.g. {example}.")
        return f"{match['user']}@{match['host'].lower()}"

    def where(self, handle: str, base_url: str | None) -> tuple[str, str]:
        """The account's own instance (or `base_url`, for tests); the instance names it in sentences."""
        instance = handle.partition("@")[2]
        return (base_url or f"https://{instance}").rstrip("/"), instance

    async def read(self, handle: str, exchange: Exchange, now: datetime) -> FeedResult:
        """Look the account up on its instance, then list its latest own posts."""
        user = handle.partition("@")[0]
        label = exchange.label
        lookup = await exchange.get("/api/v1/accounts/lookup", params={"acct": user}, what=f"account named {user}")
        account = lookup.data
        if not isinstance(account, dict) or not isinstance(account.get("id"), str | int):
            raise bad_shape(label)
        profile = _profile(account)
        statuses = await exchange.get(
            f"/api/v1/accounts/{quote(str(account['id']), safe='')}/statuses",
            params={"limit": str(FEED_LIMIT), "exclude_reblogs": "true"},
            etag=exchange.etag,
        )
        if statuses.code == 304:
            etag = statuses.headers.get("ETag") or exchange.etag
            return FeedResult("not_modified", profile=profile, etag=etag, retry_after=retry_time(statuses.headers, now))
        if not isinstance(statuses.data, list):
            raise bad_shape(label)
        posts = tuple(post for item in statuses.data if (post := _post(item)) is not None)
        etag = statuses.headers.get("ETag")
        after = retry_time(statuses.headers, now)
        return FeedResult("ok", profile=profile, posts=posts, etag=etag, retry_after=after, http_status=200)
