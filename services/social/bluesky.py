"""Bluesky: a handle (`alice.bsky.social`) or a DID; profile and author feed from the public AppView.

What is shown follows the `app.bsky.*` lexicons and the official client's moderation for a logged-out reader
(bluesky-social/atproto, `packages/api/definitions/labels.json`, `packages/api/src/moderation/decision.ts`;
the rules are in bluesky_labels.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from plain import json_text
from plain.networks import NETWORK_LABELS
from services.http_body import BodyTooLarge, read_limited
from services.social.base import FEED_LIMIT, FeedResult, SocialError
from services.social.bluesky_labels import HIDES_MEDIA, NO_UNAUTHENTICATED, label_names, label_values, moderate_profile
from services.social.http import Failure, Reply, bad_shape, base_headers, rate_limited, retry_time
from services.social.provider import Exchange, FeedProvider
from services.social.text import count, mapping, parse_time, string
from store.social import Post, Profile

DEFAULT_BASE_URL = "https://public.api.bsky.app"
WEB = "https://bsky.app"
MAX_PAGES = 3  # an account that mostly replies to others still costs at most three requests per refresh
FEED_FILTER = "posts_no_replies"  # the person's posts and reposts; replies to others lack their context here
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?")
_DID = re.compile(r"did:(?:plc|web):[A-Za-z0-9._:%-]+")


def _web_profile(who: str) -> str:
    return f"{WEB}/profile/{quote(who, safe=':.')}"


def _profile(data: dict[str, Any], handle: str) -> Profile:
    """A `#profileViewDetailed` with what the official client blurs for a logged-out reader left out
    (bluesky_labels.py): a blurred avatar is not kept (so it is never fetched, nor made the contact's picture),
    a blurred display name leaves the handle, a blurred profile view (`!hide`, `!warn` on the account) the bio."""
    shown = string(data.get("handle")) or handle
    moderation = moderate_profile(data.get("labels"), string(data.get("did")))
    blurs = moderation.blurs
    return Profile(
        display_name="" if "displayName" in blurs else string(data.get("displayName")) or shown,
        bio="" if "profileView" in blurs else string(data.get("description")).strip(),
        followers=count(data.get("followersCount")),
        posts=count(data.get("postsCount")),
        url=_web_profile(shown),
        avatar_url="" if "avatar" in blurs else string(data.get("avatar")),
        labels=moderation.labels,
    )


def _expand_links(text: str, facets: Any) -> str:
    """The text with each link facet's shortened display form replaced by its full URI.

    Facet indexes count UTF-8 bytes, end exclusive (`app.bsky.richtext.facet#byteSlice`).
    """
    data = text.encode()
    links = []
    for facet in facets if isinstance(facets, list) else ():
        facet = mapping(facet)
        index = mapping(facet.get("index"))
        start, end = count(index.get("byteStart")), count(index.get("byteEnd"))
        for feature in facet.get("features") or ():
            feature = mapping(feature)
            uri = string(feature.get("uri"))
            is_link = feature.get("$type") == "app.bsky.richtext.facet#link" and bool(uri)
            if is_link and start is not None and end is not None and start < end <= len(data):
                links.append((start, end, uri))
    links.sort(reverse=True)
    previous = len(data) + 1
    for start, end, uri in links:
        if end <= previous:  # overlapping facets are malformed; keep the first (rightmost) one
            data = data[:start] + uri.encode() + data[end:]
            previous = start
    return data.decode(errors="replace")


def _media(embed: dict[str, Any]) -> list[str]:
    """Images, a video or a link card (`app.bsky.embed.{images,video,external}#view`) described."""
    kind = string(embed.get("$type"))
    if kind == "app.bsky.embed.images#view":
        images = [mapping(image) for image in embed.get("images") or ()]
        return [f"image: {alt}" if (alt := string(image.get("alt")).strip()) else "image" for image in images]
    if kind == "app.bsky.embed.video#view":
        return [f"video: {alt}" if (alt := string(embed.get("alt")).strip()) else "video"]
    if kind == "app.bsky.embed.external#view":
        card = mapping(embed.get("external"))
        uri, title = string(card.get("uri")), string(card.get("title")).strip()
        return [f"link: {title} — {uri}" if title else f"link: {uri}"] if uri else []
    return []


def _quote(record: dict[str, Any]) -> str:
    """A quoted post (`app.bsky.embed.record#view`'s record) as "handle: text", or why it cannot be shown."""
    kind = string(record.get("$type"))
    if kind == "app.bsky.embed.record#viewRecord":
        author = mapping(record.get("author"))
        if NO_UNAUTHENTICATED in label_values(author.get("labels"), string(author.get("did"))):
            return "(a post by an account that is not shown to logged-out readers)"
        if "!hide" in label_values(record.get("labels"), string(author.get("did"))):
            return "(the quoted post is hidden by Bluesky moderation)"
        value = mapping(record.get("value"))
        text = _expand_links(string(value.get("text")), value.get("facets"))
        return f"{string(author.get('handle')) or string(author.get('did'))}: {text}"
    if kind == "app.bsky.embed.record#viewNotFound":
        return "(the quoted post was deleted)"
    if kind == "app.bsky.embed.record#viewBlocked":
        return "(the quoted post is from a blocked account)"
    if kind == "app.bsky.embed.record#viewDetached":
        return "(the quoted post was detached by its author)"
    return ""


def _embed(embed: Any) -> tuple[str, list[str]]:
    """The quote and attachments of a post's `embed` view."""
    embed = mapping(embed)
    kind = string(embed.get("$type"))
    if kind == "app.bsky.embed.record#view":
        return _quote(mapping(embed.get("record"))), []
    if kind == "app.bsky.embed.recordWithMedia#view":
        quoted = _quote(mapping(mapping(embed.get("record")).get("record")))
        return quoted, _media(mapping(embed.get("media")))
    return "", _media(embed)


def _post(item: Any, owner: str) -> Post | None:
    """One `app.bsky.feed.defs#feedViewPost`; a repost is marked with the original author, its text theirs. The
    labels of the author's account are named on the post unless it is `owner` (a DID), whose profile names them."""
    if not isinstance(item, dict) or not isinstance(post := item.get("post"), dict):
        return None
    record = mapping(post.get("record"))
    author = mapping(post.get("author"))
    if NO_UNAUTHENTICATED in label_values(author.get("labels"), string(author.get("did"))):
        return None  # a repost of an account that asks not to be shown to logged-out readers (account.ts)
    reason = mapping(item.get("reason"))
    reposted_from = ""
    created_at = parse_time(record.get("createdAt")) or parse_time(post.get("indexedAt"))
    if reason.get("$type") == "app.bsky.feed.defs#reasonRepost":
        reposted_from = string(author.get("handle")) or string(author.get("did")) or "another account"
        created_at = parse_time(reason.get("indexedAt")) or created_at  # the feed is ordered by repost time
    if created_at is None:
        return None
    uri = string(post.get("uri"))
    url = ""
    if uri.startswith("at://") and (who := string(author.get("handle")) or uri[5:].split("/")[0]):
        url = f"{_web_profile(who)}/post/{quote(uri.rsplit('/', 1)[-1], safe='')}"
    author_did = string(author.get("did"))
    own = label_values(post.get("labels"), author_did)
    account = label_values(author.get("labels"), author_did)
    values = own + account
    labels = label_names(own if author_did and author_did == owner else values)
    text = _expand_links(string(record.get("text")), record.get("facets"))
    quoted, attachments = _embed(post.get("embed"))
    if "!hide" in values:
        text, quoted, attachments = "", "", []
    elif HIDES_MEDIA.intersection(values):
        attachments = [f"{item.split(':', 1)[0]} hidden (labelled)" for item in attachments]
    return Post(
        text=text,
        created_at=created_at,
        replies=count(post.get("replyCount")),
        boosts=count(post.get("repostCount")),
        likes=count(post.get("likeCount")),
        url=url,
        reposted_from=reposted_from,
        quote=quoted,
        attachments=tuple(attachments),
        labels=labels,
    )


# The AppView's getProfile answers 400 with an XRPC error name for an account it will not show
# (packages/bsky/src/api/app/bsky/actor/getProfile.ts); "InvalidRequest" is the unknown actor.
_ACCOUNT_STATES = {
    "AccountTakedown": "{label} account {handle} was taken down by Bluesky moderation.",
    "AccountDeactivated": "{label} account {handle} is deactivated.",
}


async def _get_profile(exchange: Exchange, handle: str) -> Reply:
    """getProfile; a 400's XRPC error name (which `get_json` does not read) becomes the account's sentence."""
    url, label, limits = f"{exchange.base}/xrpc/app.bsky.actor.getProfile", exchange.label, exchange.limits
    headers = base_headers(exchange.token)
    now = datetime.now(UTC)
    request = exchange.client.stream(
        "GET", url, params={"actor": handle}, headers=headers, timeout=limits["timeout"], follow_redirects=True
    )
    async with request as response:
        code = response.status_code
        if code not in (200, 400):
            # The same sentences `get_json` gives every network for these answers.
            if code in (404, 410):
                raise Failure(FeedResult("not_found", message=f"{label} has no account {handle}.", http_status=code))
            if code == 429:
                raise Failure(rate_limited(label, response.headers, now, code))
            trouble = "is having trouble" if code >= 500 else "refused the request"
            raise Failure(FeedResult("error", message=f"{label} {trouble} (HTTP {code}).", http_status=code))
        try:
            body = await read_limited(response, limits["max_bytes"])
        except BodyTooLarge:
            message = f"{label} sent a reply larger than {limits['max_bytes']:,} bytes; it was not read."
            raise Failure(FeedResult("error", message=message, http_status=code)) from None
    try:
        data = json_text.loads(body)
    except ValueError:
        data = None
    if code == 400:
        error = string(mapping(data).get("error"))
        template = _ACCOUNT_STATES.get(error, "{label} has no account {handle}.")
        raise Failure(FeedResult("not_found", message=template.format(label=label, handle=handle), http_status=400))
    if data is None:
        message = f"{label} sent a reply Dossier could not read (not valid JSON)."
        raise Failure(FeedResult("error", message=message, http_status=code))
    return Reply(code, data, response.headers)


class Bluesky(FeedProvider):
    network = "bluesky"
    label = NETWORK_LABELS["bluesky"]
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
        """The profile (`app.bsky.actor.getProfile`) and up to FEED_LIMIT posts and reposts
        (`app.bsky.feed.getAuthorFeed`, following `cursor` for at most MAX_PAGES pages)."""
        found = await _get_profile(exchange, handle)
        if not isinstance(found.data, dict):
            raise bad_shape(exchange.label)
        profile = _profile(found.data, handle)
        if NO_UNAUTHENTICATED in label_values(found.data.get("labels"), ""):
            # The official client shows nothing of such an account to a logged-out reader (account.ts).
            # The profile goes with it, its name, bio and avatar blurred, so an avatar cached before is not kept.
            message = f"{handle} asks Bluesky not to show their account to logged-out readers, so no posts are shown."
            return FeedResult("not_found", profile=profile, message=message, http_status=200)
        posts: list[Post] = []
        seen: set[tuple[str, str]] = set()
        etag: str | None = None
        cursor = ""
        for page in range(MAX_PAGES):
            params = {"actor": handle, "limit": str(FEED_LIMIT), "filter": FEED_FILTER}
            if cursor:
                params["cursor"] = cursor
            feed = await exchange.get(
                "/xrpc/app.bsky.feed.getAuthorFeed",
                params=params,
                what=f"account {handle}",
                etag=exchange.etag if page == 0 else None,
            )
            if feed.code == 304:
                etag = feed.headers.get("ETag") or exchange.etag
                after = retry_time(feed.headers, now)
                return FeedResult("not_modified", profile=profile, etag=etag, retry_after=after)
            if not isinstance(feed.data, dict) or not isinstance(items := feed.data.get("feed"), list):
                raise bad_shape(exchange.label)
            if page == 0:
                etag = feed.headers.get("ETag")
            for item in items:
                reposter = mapping(mapping(mapping(item).get("reason")).get("by")).get("did")
                key = (string(mapping(mapping(item).get("post")).get("uri")), string(reposter))
                if key not in seen and (post := _post(item, string(found.data.get("did")))) is not None:
                    seen.add(key)
                    posts.append(post)
            previous, cursor = cursor, string(feed.data.get("cursor"))
            # Stop when the page is full, the feed ends, the server stops moving on, or its rate limit is spent.
            if len(posts) >= FEED_LIMIT or not items or cursor in ("", previous) or retry_time(feed.headers, now):
                break
        after = retry_time(feed.headers, now)
        return FeedResult(
            "ok", profile=profile, posts=tuple(posts[:FEED_LIMIT]), etag=etag, retry_after=after, http_status=200
        )
