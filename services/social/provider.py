"""The fetch every network shares: check the handle, decide where to ask, and run the exchange under one
overall timeout with every failure turned into a `FeedResult`. A network writes only what differs: how a
handle looks (`normalize_handle`), where its API is (`where`), and what it asks (`read`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

import httpx

from services.social.base import MAX_BODY_BYTES, FeedResult, SocialError
from services.social.http import Limits, Reply, base_headers, get_json, guarded
from store.social import CachedFeed


@dataclass(frozen=True)
class Exchange:
    """One fetch's requests: the client, the API's base address, the network's name, the token and limits."""

    client: httpx.AsyncClient
    base: str
    label: str
    token: str | None
    limits: Limits
    etag: str | None  # the posts' validator to send, when the cache holds posts to keep

    async def get(
        self,
        path: str,
        *,
        params: dict[str, str] | None = None,
        what: str = "such account",
        etag: str | None = None,
        accept: str = "application/json",
    ) -> Reply:
        """GET `path` under the base address (see `http.get_json` for what it raises)."""
        headers = base_headers(self.token, etag, accept=accept)
        return await get_json(
            self.client, f"{self.base}{path}", params=params, headers=headers, what=what, **self.limits
        )


class FeedProvider:
    """One social network. `network` is its registry key, `label` its name in sentences, `hint` what a handle
    looks like (shown where one is typed)."""

    network: ClassVar[str]
    label: ClassVar[str]
    hint: ClassVar[str]
    default_base_url: ClassVar[str] = ""

    def normalize_handle(self, text: str) -> str:
        """The canonical handle for what a user typed; raises `SocialError` for one that cannot exist."""
        raise NotImplementedError

    def where(self, handle: str, base_url: str | None) -> tuple[str, str]:
        """The API's base address for `handle` (`base_url` when configured) and the name used in sentences."""
        return (base_url or self.default_base_url).rstrip("/"), self.label

    async def read(self, handle: str, exchange: Exchange, now: datetime) -> FeedResult:
        """Ask for the profile and latest posts of a valid handle; raise `http.Failure` to end with a result."""
        raise NotImplementedError

    async def fetch(
        self,
        client: httpx.AsyncClient,
        handle: str,
        *,
        cached: CachedFeed | None,
        base_url: str | None = None,
        token: str | None = None,
        timeout: float,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> FeedResult:
        """Fetch the profile and latest posts of `handle`; never raises for network, HTTP or JSON trouble."""
        try:
            handle = self.normalize_handle(handle)
        except SocialError as exc:
            return FeedResult("error", message=str(exc))
        base, label = self.where(handle, base_url)
        limits: Limits = {"label": label, "max_bytes": max_bytes, "timeout": timeout}
        etag = cached.etag if cached is not None and cached.posts else None
        exchange = Exchange(client, base, label, token, limits, etag)
        return await guarded(label, base, timeout, lambda: self.read(handle, exchange, datetime.now(UTC)))
