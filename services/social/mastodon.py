"""Mastodon: `user@instance`; the account is looked up by its full acct, then its public posts listed."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from plain.html import html_to_text
from plain.networks import NETWORK_LABELS
from services.social.base import FEED_LIMIT, FeedResult, SocialError
from services.social.http import Failure, bad_shape, retry_time
from services.social.provider import Exchange, FeedProvider
from services.social.text import count, mapping, parse_time, string
from store.social import Post, Profile

_HANDLE = re.compile(r"@?(?P<user>[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)@(?P<host>[A-Za-z0-9.-]+(?::\d+)?)")
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]+(?::\d+)?|localhost(?::\d+)?|[\d.]+:\d+")
MAX_PAGES = 3  # pages of statuses asked for at most to fill FEED_LIMIT posts
# Mastodon's MediaAttachment types (app/serializers/rest/media_attachment_serializer.rb), as a reader names them.
# The "RE: <link>" fallback prepended to a quote post's content (Mastodon's TextFormatter#add_quote_fallback, a
# <p>; Pleroma and others use a <span>); Mastodon's own client hides it whenever it shows the quote.
_QUOTE_FALLBACK = re.compile(r'<p class="quote-inline">.*?</p>|<span class="quote-inline">.*?</span>', re.DOTALL)
_LOOKUP = "/api/v1/accounts/lookup"
_MEDIA_KINDS = {"image": "image", "gifv": "GIF", "video": "video", "audio": "audio"}


def _profile(account: dict[str, Any]) -> Profile:
    return Profile(
        display_name=string(account.get("display_name")) or string(account.get("username")),
        bio=html_to_text(string(account.get("note"))),
        followers=count(account.get("followers_count")),
        posts=count(account.get("statuses_count")),
        url=string(account.get("url")),
        avatar_url=string(account.get("avatar")),
    )


def _media(item: Any) -> str:
    media = mapping(item)
    kind = _MEDIA_KINDS.get(string(media.get("type")), "file")
    alt = " ".join(string(media.get("description")).split())
    return f"{kind}: {alt or 'no description'}"


def _card(value: Any) -> str:
    card = mapping(value)
    url = string(card.get("url"))
    title = " ".join(string(card.get("title")).split())
    if not url:
        return ""
    return f"link: {title} — {url}" if title else f"link: {url}"


def _quoted(value: Any) -> str:
    """Mastodon 4.4+ `quote` (REST::QuoteSerializer): the quoted status is there only once the quote is accepted."""
    quoted = mapping(mapping(value).get("quoted_status"))
    if not quoted:
        return ""
    author = string(mapping(quoted.get("account")).get("acct"))
    text = html_to_text(string(quoted.get("content")))
    return f"{author}: {text}" if author else text


async def _home(handle: str, exchange: Exchange) -> str | None:
    """Where a domain that delegates WebFinger keeps its accounts (LOCAL_DOMAIN example.org served from
    WEB_DOMAIN social.example.org): the origin of the `self` link WebFinger gives for the handle, if elsewhere."""
    try:
        reply = await exchange.get(
            "/.well-known/webfinger", params={"resource": f"acct:{handle}"}, accept="application/jrd+json"
        )
    except Failure as failure:
        if failure.result.status == "rate_limited":
            raise
        return None
    links = mapping(reply.data).get("links")
    for link in links if isinstance(links, list) else ():
        if mapping(link).get("rel") == "self":
            parts = urlsplit(string(mapping(link).get("href")))
            origin = f"{parts.scheme}://{parts.netloc}"
            if parts.scheme in ("http", "https") and parts.netloc and origin != exchange.base:
                return origin
    return None


def _post(status: Any) -> Post | None:
    if not isinstance(status, dict) or (created_at := parse_time(status.get("created_at"))) is None:
        return None
    # A boost's own content is empty; what was boosted, with its author, is the nested `reblog` status.
    original = status.get("reblog")
    shown = original if isinstance(original, dict) else status
    attachments = [_media(item) for item in shown.get("media_attachments") or () if isinstance(item, dict)]
    if card := _card(shown.get("card")):
        attachments.append(card)
    warning = " ".join(string(shown.get("spoiler_text")).split())
    if not warning and shown.get("sensitive") is True and attachments:
        # Media marked sensitive without a content warning: Mastodon's web client hides them behind this notice.
        warning = "sensitive media"
    content = string(shown.get("content"))
    if quoted := _quoted(shown.get("quote")):
        content = _QUOTE_FALLBACK.sub("", content)
    return Post(
        text=html_to_text(content),
        created_at=created_at,
        replies=count(shown.get("replies_count")),
        boosts=count(shown.get("reblogs_count")),
        likes=count(shown.get("favourites_count")),
        url=string(shown.get("url")) or string(shown.get("uri")),
        reposted_from=string(mapping(shown.get("account")).get("acct")) if shown is not status else "",
        warning=warning,
        quote=quoted,
        attachments=tuple(attachments),
    )


class Mastodon(FeedProvider):
    network = "mastodon"
    label = NETWORK_LABELS["mastodon"]
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
        """Look the account up by its full acct, then list its latest posts and boosts, paging to fill the feed."""
        try:
            return await self._read(handle, exchange, now)
        except Failure as failure:
            # Api::BaseController answers 401 when the instance requires sign-in for its API (authorized fetch,
            # limited federation, DISALLOW_UNAUTHENTICATED_API_ACCESS): a state of the instance, not a refusal.
            if failure.result.http_status == 401:
                message = f"{exchange.label} only shows posts to signed-in users."
                raise Failure(replace(failure.result, message=message)) from None
            raise

    async def _read(self, handle: str, exchange: Exchange, now: datetime) -> FeedResult:
        user = handle.partition("@")[0]
        label = exchange.label
        # The full acct: LookupController resolves a bare `user` to the asked instance's *local* account
        # (ResolveAccountService treats a missing or local domain as local), which is someone else whenever the
        # asked instance is not the account's own, and a WebFinger-delegated domain still names its own accounts.
        what = f"account named {user}"
        try:
            account = (await exchange.get(_LOOKUP, params={"acct": handle}, what=what)).data
        except Failure as failure:
            if failure.result.status != "not_found" or (home := await _home(handle, exchange)) is None:
                raise
            exchange = replace(exchange, base=home)
            account = (await exchange.get(_LOOKUP, params={"acct": handle}, what=what)).data
        if not isinstance(account, dict) or not isinstance(account.get("id"), str | int):
            raise bad_shape(label)
        profile = _profile(account)
        if account.get("suspended") is True:
            # A suspended account is still a 200 with `suspended: true` and blanked fields (REST::AccountSerializer).
            message = f"{handle} is suspended on its instance."
            return FeedResult("not_found", profile=profile, message=message, http_status=200)
        notice = _notice(handle, account, exchange.label)
        path = f"/api/v1/accounts/{quote(str(account['id']), safe='')}/statuses"
        params = {"limit": str(FEED_LIMIT)}
        first = await exchange.get(path, params=params, etag=exchange.etag)
        if first.code == 304:
            etag = first.headers.get("ETag") or exchange.etag
            return FeedResult("not_modified", profile=profile, etag=etag, retry_after=retry_time(first.headers, now))
        posts: list[Post] = []
        page = first
        for number in range(1, MAX_PAGES + 1):
            if not isinstance(page.data, list):
                raise bad_shape(label)
            posts.extend(post for item in page.data if (post := _post(item)) is not None)
            last_id = page.data[-1].get("id") if page.data and isinstance(page.data[-1], dict) else None
            # Api::V1::Accounts::StatusesController links a next page only while pages come back full; an
            # exhausted limit (retry_time set) ends the paging with the posts in hand rather than a refusal.
            more = 'rel="next"' in page.headers.get("Link", "") and isinstance(last_id, str | int)
            after = retry_time(page.headers, now)
            if len(posts) >= FEED_LIMIT or not more or number == MAX_PAGES or after is not None:
                break
            try:
                page = await exchange.get(path, params={**params, "max_id": str(last_id)})
            except Failure as failure:
                if failure.result.status != "rate_limited":
                    raise
                after = failure.result.retry_after
                break
        return FeedResult(
            "ok",
            profile=profile,
            posts=tuple(posts[:FEED_LIMIT]),
            etag=first.headers.get("ETag"),
            message=notice,
            retry_after=after,
            http_status=200,
        )


def _notice(handle: str, account: dict[str, Any], instance: str) -> str:
    """What Mastodon's web client says above an account's posts (REST::AccountSerializer: `moved`, `limited`
    for a silenced account, `memorial`), as one sentence; "" for an ordinary account."""
    moved = account.get("moved")
    if isinstance(moved, dict) and (target := string(moved.get("acct"))):
        return f"{handle} has moved to {target}; add that handle to follow the new account."
    if account.get("limited") is True:
        return (
            f"The moderators of {instance} limited {handle}; its public posts are shown as a click-through shows them."
        )
    if account.get("memorial") is True:
        return f"In memoriam: {handle} is kept as a memorial."
    return ""
