"""Bluesky: a handle (`alice.bsky.social`) or a DID; profile and author feed from the public AppView."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

from services.social.base import FEED_LIMIT, FeedResult, SocialError
from services.social.http import Failure, bad_shape, retry_time
from services.social.provider import Exchange, FeedProvider
from services.social.text import count, mapping, parse_time, string
from store.social import Post, Profile

DEFAULT_BASE_URL = "https://public.api.bsky.app"
WEB = "https://bsky.app"
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?")
_DID = re.compile(r"did:(?:plc|web):[A-Za-z0-9._:%-]+")


def _profile(data: dict[str, Any], handle: str) -> Profile:
    shown = string(data.get("handle")) or handle
    return Profile(
        display_name=string(data.get("displayName")) or shown,
        bio=string(data.get("description")).strip(),
        followers=count(data.get("followersCount")),
        posts=count(data.get("postsCount")),
        url=f"{WEB}/profile/{quote(shown, safe=':.')}",
        avatar_url=string(data.get("avatar")),
    )


def _post(item: Any) -> Post | None:
    # Reposts carry a "reason"; like Mastodon's exclude_reblogs, the feed shows the person's own posts.
    if not isinstance(item, dict) or item.get("reason") or not isinstance(post := item.get("post"), dict):
        return None
    record = mapping(post.get("record"))
    created_at = parse_time(record.get("createdAt")) or parse_time(post.get("indexedAt"))
    if created_at is None:
        return None
    author = mapping(post.get("author"))
    uri = string(post.get("uri"))
    url = ""
    if uri.startswith("at://") and (who := string(author.get("handle")) or uri[5:].split("/")[0]):
        url = f"{WEB}/profile/{quote(who, safe=':.')}/post/{quote(uri.rsplit('/', 1)[-1], safe='')}"
    return Post(
        text=string(record.get("text")),
        created_at=created_at,
        replies=count(post.get("replyCount")),
        boosts=count(post.get("repostCount")),
        likes=count(post.get("likeCount")),
        url=url,
    )


class Bluesky(FeedProvider):
    network = "bluesky"
    label = "Bluesky"
    default_base_url = DEFAULT_BASE_URL
    hint = "name.bsky.social or a DID"

    def normalize_handle(self, text: str) -> str:
        """A lower-cased handle without a leading @, or a DID as given."""
        text = text.strip()
        if _DID.fullmatch(text):
            return text
        handle = text.removeprefix("@").lower()
        if not _DOMAIN.fullmatch(handle):
            raise SocialError(f"{text!r} is not a Bluesky handle; write it like alice.bsky.social or a did:plc: DID.")
        return handle

    async def read(self, handle: str, exchange: Exchange, now: datetime) -> FeedResult:
        """The profile (`app.bsky.actor.getProfile`) and latest posts (`app.bsky.feed.getAuthorFeed`)."""
        label, what = exchange.label, f"account {handle}"
        try:
            found = await exchange.get("/xrpc/app.bsky.actor.getProfile", params={"actor": handle}, what=what)
        except Failure as failure:
            # The AppView answers an unknown actor with 400 InvalidRequest rather than 404.
            if failure.result.http_status == 400:
                return FeedResult("not_found", message=f"{label} has no account {handle}.", http_status=400)
            raise
        if not isinstance(found.data, dict):
            raise bad_shape(label)
        profile = _profile(found.data, handle)
        feed = await exchange.get(
            "/xrpc/app.bsky.feed.getAuthorFeed",
            params={"actor": handle, "limit": str(FEED_LIMIT)},
            what=what,
            etag=exchange.etag,
        )
        if feed.code == 304:
            etag = feed.headers.get("ETag") or exchange.etag
            return FeedResult("not_modified", profile=profile, etag=etag, retry_after=retry_time(feed.headers, now))
        if not isinstance(feed.data, dict) or not isinstance(feed.data.get("feed"), list):
            raise bad_shape(label)
        posts = tuple(post for item in feed.data["feed"] if (post := _post(item)) is not None)
        after = retry_time(feed.headers, now)
        return FeedResult(
            "ok", profile=profile, posts=posts, etag=feed.headers.get("ETag"), retry_after=after, http_status=200
        )
