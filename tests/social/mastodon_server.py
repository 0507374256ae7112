"""A Mastodon instance on 127.0.0.1 answering the two calls the Social tab makes, in the shapes Mastodon's own
code produces. Each behaviour cites the file of github.com/mastodon/mastodon it follows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

from tests.services.local_http import Handler, LocalServer, Route, serve

DEFAULT_STATUSES_LIMIT = 20  # app/controllers/api/base_controller.rb
RATE_PERIOD = 300  # config/initializers/rack_attack.rb: throttle_unauthenticated_api, 300 per 5 minutes


@dataclass
class Account:
    """One account the instance knows: `domain` None for its own (local) accounts, as in `Account`."""

    id: str
    username: str
    domain: str | None = None
    display_name: str = ""
    note: str = ""
    suspended: bool = False
    moved_to: Account | None = None  # Account#moved_to_account: serialized as `moved`, one level deep
    limited: bool = False  # silenced: `limited: true` (attribute :silenced, key: :limited, if: :silenced?)
    memorial: bool = False  # attribute :memorial, if: :memorial?
    statuses: list[dict[str, Any]] = field(default_factory=list)  # listed newest (highest id) first

    def acct(self) -> str:
        # Account#pretty_acct: the bare username for local accounts, user@domain for remote ones.
        return self.username if self.domain is None else f"{self.username}@{self.domain}"


@dataclass
class MastodonServer:
    """An instance whose LOCAL_DOMAIN is `local_domain` (WEB_DOMAIN `web_domain`, when WebFinger is delegated)."""

    http: LocalServer
    local_domain: str = "social.example"
    web_domain: str = ""
    accounts: list[Account] = field(default_factory=list)
    require_auth: bool = False  # authorized fetch / limited federation / DISALLOW_UNAUTHENTICATED_API_ACCESS
    rate_remaining: int = 300
    page_cap: int = 40  # limit_param: at most twice DEFAULT_STATUSES_LIMIT
    last_reset: str = ""  # the X-RateLimit-Reset last sent
    announce_remaining: bool = True  # False: no rate-limit headers until the 429 (a proxy that strips them)
    _next_id: int = 110_000

    @property
    def base_url(self) -> str:
        return self.http.url("")

    def host(self) -> str:
        return self.web_domain or self.local_domain

    def add_account(self, username: str, domain: str | None = None, **fields: Any) -> Account:
        account = Account(str(self._new_id()), username, domain, **fields)
        self.accounts.append(account)
        self.http.routes[f"/api/v1/accounts/{account.id}/statuses"] = self._statuses(account)
        return account

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def account_json(self, account: Account) -> dict[str, Any]:
        """app/serializers/rest/account_serializer.rb; a suspended account keeps its id and acct, blanks the rest
        and says `suspended: true` (the lookup still answers 200)."""
        host = account.domain or self.host()
        data: dict[str, Any] = {
            "id": account.id,
            "username": account.username,
            "acct": account.acct(),
            "display_name": "" if account.suspended else account.display_name,
            "locked": False,
            "bot": False,
            "group": False,
            "created_at": "2024-01-01T00:00:00.000Z",
            "note": "" if account.suspended else account.note,
            "url": f"https://{host}/@{account.username}",
            "avatar": f"https://{host}/avatars/{account.id}.png",
            "followers_count": 0 if account.suspended else 42,
            "following_count": 0,
            "statuses_count": 0 if account.suspended else len(account.statuses),
            "emojis": [],
            "fields": [],
        }
        if account.suspended:
            data["suspended"] = True
        # rest/account_serializer.rb: has_one :moved_to_account, key: :moved (not nested further); the silenced
        # and memorial flags only appear when true.
        if account.moved_to is not None and not account.suspended:
            data["moved"] = {k: v for k, v in self.account_json(account.moved_to).items() if k != "moved"}
        if account.limited:
            data["limited"] = True
        if account.memorial:
            data["memorial"] = True
        return data

    def status(
        self,
        account: Account,
        content: str,
        *,
        spoiler_text: str = "",
        sensitive: bool = False,
        media: list[dict[str, Any]] | None = None,
        card: dict[str, Any] | None = None,
        quoting: dict[str, Any] | None = None,
        quote_state: str = "accepted",
        reblog: dict[str, Any] | None = None,
        created_at: datetime | None = None,
    ) -> dict[str, Any]:
        """app/serializers/rest/status_serializer.rb; a boost (`reblog` set) has empty content, no media and no
        card of its own: what was boosted is the nested status, with its own account."""
        status_id = str(self._new_id())
        host = account.domain or self.host()
        quoted_url = str((quoting or {}).get("url") or "")
        if quoted_url and quoted_url not in content:
            # app/lib/text_formatter.rb, add_quote_fallback: a link to the quoted post before the text, for
            # servers that know no quotes (Mastodon's web client hides it).
            content = f'<p class="quote-inline">RE: <a href="{quoted_url}">{quoted_url}</a></p>{content}'
        moment = created_at or datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=self._next_id - 110_000)
        return {
            "id": status_id,
            "created_at": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "sensitive": sensitive or bool(spoiler_text),  # the web composer marks a post with a CW sensitive
            "spoiler_text": spoiler_text,
            "visibility": "public",
            "language": "en",
            "uri": f"https://{host}/users/{account.username}/statuses/{status_id}",
            # ActivityPub::TagManager#url_for: a boost's address is its Announce activity, not a page.
            "url": f"https://{host}/users/{account.username}/statuses/{status_id}/activity"
            if reblog
            else f"https://{host}/@{account.username}/{status_id}",
            "replies_count": 1,
            "reblogs_count": 2,
            "favourites_count": 3,
            "quotes_count": 0,
            "content": "" if reblog else content,
            "reblog": reblog,
            "account": self.account_json(account),
            "media_attachments": media or [],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "quote": self.quote(quoting, quote_state) if quoting else None,
            "card": card,
            "poll": None,
        }

    def media(self, kind: str, description: str | None) -> dict[str, Any]:
        """app/serializers/rest/media_attachment_serializer.rb: `description` is the alt text (null when none)."""
        media_id = str(self._new_id())
        url = f"https://{self.host()}/system/media/{media_id}"
        return {
            "id": media_id,
            "type": kind,
            "url": url,
            "preview_url": f"{url}/small",
            "remote_url": None,
            "preview_remote_url": None,
            "text_url": None,
            "meta": {},
            "description": description,
            "blurhash": None,
        }

    @staticmethod
    def card(url: str, title: str) -> dict[str, Any]:
        """app/serializers/rest/preview_card_serializer.rb: the link preview of a post's first link."""
        return {
            "url": url,
            "title": title,
            "description": "",
            "language": "en",
            "type": "link",
            "author_name": "",
            "author_url": "",
            "provider_name": "",
            "provider_url": "",
            "html": "",
            "width": 400,
            "height": 200,
            "image": None,
            "image_description": "",
            "embed_url": "",
            "blurhash": None,
            "published_at": None,
            "authors": [],
        }

    @staticmethod
    def quote(quoted_status: dict[str, Any] | None, state: str = "accepted") -> dict[str, Any]:
        """Mastodon 4.4+: app/serializers/rest/quote_serializer.rb (BaseQuoteSerializer) gives `state` and the
        quoted status only while the quote is `accepted`."""
        return {"state": state, "quoted_status": quoted_status if state == "accepted" else None}

    # Routes

    def _json(self, handler: Handler, code: int, data: Any, headers: dict[str, str] | None = None) -> None:
        handler.reply(code, json.dumps(data).encode(), "application/json; charset=utf-8", headers)

    def _guard(self, handler: Handler) -> dict[str, str] | None:
        """The checks every API request meets first: the rate-limit headers to send, or None once answered."""
        reset = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=RATE_PERIOD)
        self.last_reset = reset.isoformat(timespec="microseconds").replace("+00:00", "Z")
        limit_headers = {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": str(max(self.rate_remaining - 1, 0)),
            # config/initializers/rack_attack.rb: the reset as ISO 8601 with microseconds.
            "X-RateLimit-Reset": self.last_reset,
        }
        if self.rate_remaining <= 0:
            # rack_attack.rb's throttled_responder: 429, remaining 0, {"error": I18n.t('errors.429')}.
            self._json(handler, 429, {"error": "Too many requests"}, {**limit_headers, "X-RateLimit-Remaining": "0"})
            return None
        self.rate_remaining -= 1
        if not self.announce_remaining:
            return {}
        if self.require_auth and "Authorization" not in handler.headers:
            # app/controllers/api/base_controller.rb: require_authenticated_user! when the instance disallows
            # unauthenticated API access.
            self._json(handler, 401, {"error": "This API requires an authenticated user"}, limit_headers)
            return None
        return limit_headers

    def lookup(self, handler: Handler) -> None:
        """app/controllers/api/v1/accounts/lookup_controller.rb → ResolveAccountService (skip_webfinger: true):
        `user` or `user@<local or web domain>` is the local account, `user@other` a remote account the instance
        already knows (Account.find_remote); anything else is 404 "Record not found"."""
        if (headers := self._guard(handler)) is None:
            return
        acct = parse_qs(handler.path.partition("?")[2]).get("acct", [""])[0].strip().removeprefix("@")
        username, _, domain = acct.partition("@")
        if domain.lower() in ("", self.local_domain, self.web_domain):
            wanted: str | None = None
        else:
            wanted = domain.lower()
        for account in self.accounts:
            same_domain = (account.domain or None) == wanted
            if account.username.lower() == username.lower() and same_domain:
                self._json(handler, 200, self.account_json(account), headers)
                return
        self._json(handler, 404, {"error": "Record not found"}, headers)

    def webfinger(self, handler: Handler) -> None:
        """app/controllers/well_known/webfinger_controller.rb: `acct:user@<local or web domain>` of a local account
        is a JRD whose subject uses LOCAL_DOMAIN and whose `self` link is the actor on WEB_DOMAIN; anything else is
        404. (The `self` link points at this server's real address, since tests resolve no names.)"""
        resource = parse_qs(handler.path.partition("?")[2]).get("resource", [""])[0]
        username, _, domain = resource.removeprefix("acct:").partition("@")
        for account in self.accounts:
            if account.domain is None and account.username == username and domain in (self.local_domain, self.host()):
                jrd = {
                    "subject": f"acct:{username}@{self.local_domain}",
                    "aliases": [f"https://{self.host()}/@{username}"],
                    "links": [
                        {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": ""},
                        {
                            "rel": "self",
                            "type": "application/activity+json",
                            "href": self.http.url(f"/users/{username}"),
                        },
                    ],
                }
                handler.reply(200, json.dumps(jrd).encode(), "application/jrd+json; charset=utf-8")
                return
        handler.reply(404, b"", "application/jrd+json")

    def _statuses(self, account: Account) -> Route:
        def route(handler: Handler) -> None:
            """app/controllers/api/v1/accounts/statuses_controller.rb with AccountStatusesFilter: newest first,
            `max_id` pages down, `exclude_reblogs`/`exclude_replies` filter, an unavailable (suspended) account
            lists nothing, and a Link rel="next" only when the page came back full (records_continue?)."""
            if (headers := self._guard(handler)) is None:
                return
            query = {key: values[0] for key, values in parse_qs(handler.path.partition("?")[2]).items()}
            limit = min(abs(int(query.get("limit", DEFAULT_STATUSES_LIMIT))), self.page_cap)
            items = [] if account.suspended else sorted(account.statuses, key=lambda item: -int(item["id"]))
            if query.get("exclude_reblogs") in ("true", "1"):
                items = [item for item in items if item["reblog"] is None]
            if "max_id" in query:
                items = [item for item in items if int(item["id"]) < int(query["max_id"])]
            page = items[:limit]
            if page and len(page) == limit:
                params = {key: value for key, value in query.items() if key != "max_id"}
                next_url = self.http.url(f"/api/v1/accounts/{account.id}/statuses?{urlencode(params)}")
                headers["Link"] = f'<{next_url}&max_id={page[-1]["id"]}>; rel="next"'
            self._json(handler, 200, page, headers)

        return route


@contextmanager
def delegating_site(instance: MastodonServer) -> Iterator[LocalServer]:
    """The web site of a LOCAL_DOMAIN whose Mastodon runs at WEB_DOMAIN: it has no API of its own and redirects
    /.well-known/webfinger to the instance, as Mastodon's documentation for WEB_DOMAIN asks."""
    http, stop = serve()

    def redirect(handler: Handler) -> None:
        target = instance.http.url(f"/.well-known/webfinger?{handler.path.partition('?')[2]}")
        handler.reply(301, b"", headers={"Location": target})

    http.routes["/.well-known/webfinger"] = redirect
    try:
        yield http
    finally:
        stop()


@contextmanager
def mastodon_server(local_domain: str = "social.example", web_domain: str = "") -> Iterator[MastodonServer]:
    """A running instance with no accounts yet."""
    http, stop = serve()
    server = MastodonServer(http, local_domain, web_domain)
    http.routes["/api/v1/accounts/lookup"] = server.lookup
    http.routes["/.well-known/webfinger"] = server.webfinger
    try:
        yield server
    finally:
        stop()
