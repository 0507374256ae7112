"""A Bluesky AppView on 127.0.0.1 answering `app.bsky.actor.getProfile` and `app.bsky.feed.getAuthorFeed` in the
shapes of bluesky-social/atproto (read at commit d6296a1c, 2026-08-20). Each behaviour names the file it follows;
`lexicons/` and `packages/` are paths in that repository.

Builders make the views the AppView sends (`author`, `post`, `repost`, `images`, `video`, `link_card`,
`quote`, `label`, `account_label`, `record_label`, `self_label`, `link_facet`); `BlueskyServer.accounts` holds
what each handle has, and `received` counts every request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs

from tests.services.local_http import Handler, LocalServer

Json = dict[str, Any]
PROFILE_PATH = "/xrpc/app.bsky.actor.getProfile"
FEED_PATH = "/xrpc/app.bsky.feed.getAuthorFeed"
AccountState = Literal["active", "takendown", "deactivated"]


def author(handle: str, *labels: Json) -> Json:
    """`app.bsky.actor.defs#profileViewBasic` (lexicons/app/bsky/actor/defs.json)."""
    return {
        "did": f"did:plc:{handle.split('.')[0]}",
        "handle": handle,
        "displayName": handle.title(),
        "labels": [*labels],
    }


def label(value: str, uri: str, *, src: str = "did:plc:ar7c4by46qjdydhdevvrndac", neg: bool = False) -> Json:
    """`com.atproto.label.defs#label` (lexicons/com/atproto/label/defs.json); the default `src` is Bluesky's own
    moderation service, the one labeler a logged-out reader of the official client listens to."""
    found: Json = {"src": src, "uri": uri, "val": value, "cts": "2026-11-01T00:00:00.000Z"}
    return {**found, "neg": True} if neg else found


def profile_record(who: Json) -> str:
    """The AT URI of an account's profile record: the `app.bsky.actor.profile` record's key is `literal:self`
    (lexicons/app/bsky/actor/profile.json)."""
    return f"at://{who['did']}/app.bsky.actor.profile/self"


def account_label(who: Json, value: str, *, neg: bool = False) -> Json:
    """A moderation label on the account itself: its subject `uri` is the bare DID (packages/bsky/src/views/index.ts
    `profileBasic` reads `getBySubject(did)`)."""
    return label(value, who["did"], neg=neg)


def record_label(who: Json, value: str) -> Json:
    """A moderation service's label on the account's profile record (`getBySubject(profileUri)`, same file)."""
    return {**label(value, profile_record(who)), "cid": "bafyprofile"}


def self_label(who: Json, value: str) -> Json:
    """A self-label the account put in its profile record (lexicons/app/bsky/actor/profile.json `labels`,
    `com.atproto.label.defs#selfLabels`), as the AppView hands it on (views/index.ts `selfLabels`): `src` the
    account, `uri` the profile record, the record's `cid`, `cts` its createdAt (the epoch when it has none)."""
    return {
        "src": who["did"],
        "uri": profile_record(who),
        "cid": "bafyprofile",
        "val": value,
        "cts": "1970-01-01T00:00:00.000Z",
    }


def link_facet(text: str, shown: str, uri: str) -> Json:
    """`app.bsky.richtext.facet` with a `#link` feature (lexicons/app/bsky/richtext/facet.json): the text shows a
    shortened form, the facet the full URI; `byteSlice` counts UTF-8 bytes, end exclusive."""
    start = text.encode().index(shown.encode())
    index = {"byteStart": start, "byteEnd": start + len(shown.encode())}
    return {"index": index, "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}]}


def images(*alts: str) -> Json:
    """`app.bsky.embed.images#view` (lexicons/app/bsky/embed/images.json): `alt` is required, "" when none."""
    views = [
        {"thumb": f"https://cdn/t{n}.jpg", "fullsize": f"https://cdn/f{n}.jpg", "alt": alt}
        for n, alt in enumerate(alts)
    ]
    return {"$type": "app.bsky.embed.images#view", "images": views}


def video(alt: str = "") -> Json:
    """`app.bsky.embed.video#view` (lexicons/app/bsky/embed/video.json): `alt` is optional."""
    view: Json = {"$type": "app.bsky.embed.video#view", "cid": "bafyvid", "playlist": "https://video/p.m3u8"}
    return {**view, "thumbnail": "https://video/t.jpg", **({"alt": alt} if alt else {})}


def link_card(uri: str, title: str, description: str = "") -> Json:
    """`app.bsky.embed.external#view` (lexicons/app/bsky/embed/external.json)."""
    card = {"uri": uri, "title": title, "description": description, "thumb": "https://cdn/card.jpg"}
    return {"$type": "app.bsky.embed.external#view", "external": card}


def quote(quoted: Json, media: Json | None = None) -> Json:
    """A quote post: `app.bsky.embed.record#view` around a `#viewRecord`, or `app.bsky.embed.recordWithMedia#view`
    with media beside it (lexicons/app/bsky/embed/record.json, recordWithMedia.json). `quoted` is a `post` view,
    or a `{"$type": "app.bsky.embed.record#viewNotFound", ...}` for a deleted one."""
    if quoted.get("$type", "").startswith("app.bsky.embed.record#view"):
        record = quoted
    else:
        record = {
            "$type": "app.bsky.embed.record#viewRecord",
            **{key: quoted[key] for key in ("uri", "cid", "author", "indexedAt")},
            "value": quoted["record"],
            "labels": quoted.get("labels", []),
        }
    view = {"$type": "app.bsky.embed.record#view", "record": record}
    if media is None:
        return view
    return {"$type": "app.bsky.embed.recordWithMedia#view", "record": view, "media": media}


_serial = iter(range(1, 1_000_000))


def post(
    who: Json,
    text: str,
    at: str,
    *,
    embed: Json | None = None,
    facets: list[Json] | None = None,
    labels: list[Json] | None = None,
    reply_to: str = "",
) -> Json:
    """`app.bsky.feed.defs#postView` (lexicons/app/bsky/feed/defs.json) whose `record` is an
    `app.bsky.feed.post` (lexicons/app/bsky/feed/post.json); `reply_to` makes it a reply to that post URI."""
    rkey = f"3l{next(_serial):06d}"
    record: Json = {"$type": "app.bsky.feed.post", "text": text, "createdAt": at, "langs": ["en"]}
    if facets:
        record["facets"] = facets
    if reply_to:
        record["reply"] = {"root": {"uri": reply_to, "cid": "bafyr"}, "parent": {"uri": reply_to, "cid": "bafyr"}}
    view: Json = {
        "uri": f"at://{who['did']}/app.bsky.feed.post/{rkey}",
        "cid": f"bafy{rkey}",
        "author": who,
        "record": record,
        "replyCount": 1,
        "repostCount": 2,
        "likeCount": 3,
        "quoteCount": 0,
        "indexedAt": at,
        "labels": labels or [],
    }
    if embed is not None:
        view["embed"] = embed
    return view


def own(view: Json) -> Json:
    """A `#feedViewPost` of the account's own post."""
    return {"post": view}


def repost(view: Json, by: Json, at: str) -> Json:
    """A `#feedViewPost` whose `reason` is `#reasonRepost` with `by` (lexicons/app/bsky/feed/defs.json): `post`
    is the original, by its original author."""
    return {"post": view, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": by, "indexedAt": at}}


@dataclass
class Account:
    """What the AppView knows of one handle: its profile view's extras, its feed items (newest first), its state."""

    who: Json
    items: list[Json] = field(default_factory=list)
    state: AccountState = "active"
    labels: list[Json] = field(default_factory=list)
    posts_count: int = 500
    avatar: str = ""  # the AppView sends a CDN address (views/index.ts `getPresetUri('avatar', …)`); tests serve one


def _xrpc_error(handler: Handler, status: int, error: str, message: str, headers: dict[str, str]) -> None:
    # XRPC errors are JSON `{"error": name, "message": text}` (packages/xrpc-server/src/errors.ts).
    body = json.dumps({"error": error, "message": message}).encode()
    handler.reply(status, body, "application/json; charset=utf-8", headers)


@dataclass
class BlueskyServer:
    """The two routes over `server`; `rate_limit` requests per window, then 429 (`remaining` counts down)."""

    server: LocalServer
    accounts: dict[str, Account] = field(default_factory=dict)
    rate_limit: int = 3000  # the AppView's per-IP limit, 3000 per 5 minutes
    remaining: int = 3000
    reset_at: int = 2_000_000_000  # epoch seconds, as rate-limiter-http.ts sends RateLimit-Reset

    def __post_init__(self) -> None:
        self.server.routes[PROFILE_PATH] = self._route(self._profile)
        self.server.routes[FEED_PATH] = self._route(self._feed)

    def url(self) -> str:
        return self.server.url("")

    def requests(self, path: str) -> int:
        return sum(1 for received in self.server.received if received.path == path)

    def _route(self, answer: Callable[[Handler, dict[str, str], dict[str, str]], None]) -> Callable[[Handler], None]:
        def route(handler: Handler) -> None:
            query = {key: values[-1] for key, values in parse_qs(handler.path.partition("?")[2]).items()}
            # packages/xrpc-server/src/rate-limiter-http.ts: every answer carries the limit's state; past it, 429
            # with the XRPC error name RateLimitExceeded (packages/xrpc/src/types.ts).
            self.remaining = max(self.remaining - 1, -1)
            headers = {
                "RateLimit-Limit": str(self.rate_limit),
                "RateLimit-Remaining": str(max(self.remaining, 0)),
                "RateLimit-Reset": str(self.reset_at),
                "RateLimit-Policy": f"{self.rate_limit};w=300",
            }
            if self.remaining < 0:
                _xrpc_error(handler, 429, "RateLimitExceeded", "Rate Limit Exceeded", headers)
            else:
                answer(handler, query, headers)

        return route

    def _find(self, actor: str) -> Account | None:
        return next((a for h, a in self.accounts.items() if actor in (h, a.who["did"])), None)

    def _profile(self, handler: Handler, query: dict[str, str], headers: dict[str, str]) -> None:
        account = self._find(query.get("actor", ""))
        # packages/bsky/src/api/app/bsky/actor/getProfile.ts: an unknown actor is 400 InvalidRequest "Profile not
        # found"; a taken-down account 400 AccountTakedown, a deactivated one 400 AccountDeactivated.
        if account is None:
            _xrpc_error(handler, 400, "InvalidRequest", "Profile not found", headers)
        elif account.state == "takendown":
            _xrpc_error(handler, 400, "AccountTakedown", "Account has been suspended", headers)
        elif account.state == "deactivated":
            _xrpc_error(handler, 400, "AccountDeactivated", "Account is deactivated", headers)
        else:
            self._profile_view(handler, account, headers)

    def _profile_view(self, handler: Handler, account: Account, headers: dict[str, str]) -> None:
        # `app.bsky.actor.defs#profileViewDetailed` (lexicons/app/bsky/actor/defs.json). Its `labels` are the
        # account's, those on its profile record and the record's self-labels, in that order (views/index.ts
        # `profileBasic`); `avatar` and `banner` are left out when the record has none.
        profile = {
            **account.who,
            "description": "Public posts.",
            "followersCount": 42,
            "followsCount": 7,
            "postsCount": account.posts_count,
            "labels": account.labels,
            **({"avatar": account.avatar} if account.avatar else {}),
        }
        handler.reply(200, json.dumps(profile).encode(), "application/json; charset=utf-8", headers)

    def _feed(self, handler: Handler, query: dict[str, str], headers: dict[str, str]) -> None:
        account = self._find(query.get("actor", ""))
        # packages/bsky/src/api/app/bsky/feed/getAuthorFeed.ts: an unknown or taken-down actor is "Profile not
        # found" (InvalidRequest); a deactivated one has no actor record to read either.
        if account is None or account.state != "active":
            _xrpc_error(handler, 400, "InvalidRequest", "Profile not found", headers)
            return
        items = [item for item in account.items if _passes(item, query.get("filter", "posts_with_replies"))]
        # lexicons/app/bsky/feed/getAuthorFeed.json: limit 1..100, default 50; `cursor` opaque. The data plane
        # (packages/bsky/src/data-plane/server/routes/feeds.ts) pages by sort time; here the cursor is an offset.
        limit = min(max(int(query.get("limit", "50")), 1), 100)
        start = int(query.get("cursor") or 0)
        page: Json = {"feed": items[start : start + limit]}
        if start + limit < len(items):
            page["cursor"] = str(start + limit)
        handler.reply(200, json.dumps(page).encode(), "application/json; charset=utf-8", headers)


def _passes(item: Json, feed_filter: str) -> bool:
    """packages/bsky/src/data-plane/server/routes/feeds.ts, getAuthorFeed's `feedType`."""
    is_repost = "reason" in item
    record = item["post"]["record"]
    reply = record.get("reply")
    if feed_filter == "posts_no_replies":
        return is_repost or reply is None
    if feed_filter == "posts_and_author_threads":
        return is_repost or reply is None or reply["root"]["uri"].startswith(f"at://{item['post']['author']['did']}/")
    if feed_filter == "posts_with_media":
        kind = item["post"].get("embed", {}).get("$type", "")
        return not is_repost and kind in ("app.bsky.embed.images#view", "app.bsky.embed.recordWithMedia#view")
    return True
