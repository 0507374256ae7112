"""Gravatar: the URL of a contact's avatar, and a careful fetcher for any avatar URL.

`fetch_avatar` never raises for network or HTTP trouble: every outcome is a `FetchResult`, and a failure
carries one sentence for the user. It revalidates a cached copy with `If-None-Match` / `If-Modified-Since`,
reads the body as a stream and stops at `max_bytes` whatever Content-Length claims, and checks with Pillow
that the bytes are a reasonably sized image before anyone decodes them.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

import httpx

from services.http_body import BodyTooLarge, read_limited, user_agent
from store.avatars import MAX_IMAGE_BYTES, CachedImage, ImageError, check_image

DEFAULT_BASE_URL = "https://www.gravatar.com/avatar/"
# Few sizes, so one cached image serves every terminal width near it; Gravatar allows 1-2048.
SIZES = (32, 64, 128, 256)

FetchStatus = Literal["ok", "not_modified", "missing", "error"]


def gravatar_hash(email: str) -> str:
    """The SHA-256 hex digest of the trimmed, lower-cased address, as Gravatar expects."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def gravatar_url(email: str, *, size_px: int, base_url: str = DEFAULT_BASE_URL) -> str:
    """The avatar URL for an address, `size_px` square, answering 404 (`d=404`) when there is none."""
    if not email.strip():
        raise ValueError("An email address is needed for a Gravatar URL.")
    size = min(max(int(size_px), 1), 2048)
    return f"{base_url.rstrip('/')}/{gravatar_hash(email)}?d=404&s={size}"


def gravatar_cache_key(email: str, *, size_px: int) -> str:
    """The `avatar_cache` key of an address's Gravatar at one size."""
    return f"gravatar:{gravatar_hash(email)}:{size_px}"


def size_for_cells(width: int, height: int) -> int:
    """The image size to ask for to fill `width` x `height` cells drawn with half-blocks (2 pixels a cell)."""
    needed = max(width, 2 * height)
    return next((size for size in SIZES if size >= needed), SIZES[-1])


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one avatar request found.

    - "ok": `content` holds a checked image of `content_type`, with the validators to store beside it.
    - "not_modified": the cached copy is still right (its validators may have been refreshed).
    - "missing": the service has no avatar for this contact.
    - "error": nothing usable came back; `message` says why in one sentence.
    """

    status: FetchStatus
    content: bytes | None = None
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    message: str = ""
    http_status: int | None = None

    def to_cache(self, previous: CachedImage | None, now: datetime) -> CachedImage | None:
        """The cache entry to store after this result, or None to leave the cache as it was (errors)."""
        if self.status == "ok":
            return CachedImage(self.content, self.content_type, self.etag, self.last_modified, now, "ok")
        if self.status == "not_modified" and previous is not None:
            etag = self.etag or previous.etag
            last_modified = self.last_modified or previous.last_modified
            return replace(previous, etag=etag, last_modified=last_modified, fetched_at=now)
        if self.status == "missing":
            return CachedImage(None, "", None, None, now, "missing")
        return None


def _validators(cached: CachedImage | None) -> dict[str, str]:
    if cached is None or cached.status != "ok" or not cached.content:
        return {}
    headers = {}
    if cached.etag:
        headers["If-None-Match"] = cached.etag
    if cached.last_modified:
        headers["If-Modified-Since"] = cached.last_modified
    return headers


async def _exchange(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], max_bytes: int, timeout: float, service: str
) -> FetchResult:
    async with client.stream("GET", url, headers=headers, timeout=timeout, follow_redirects=True) as response:
        code = response.status_code
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if code == 304:
            if "If-None-Match" not in headers and "If-Modified-Since" not in headers:
                return FetchResult("error", message=f"{service} answered 304 to a plain request.", http_status=code)
            return FetchResult("not_modified", etag=etag, last_modified=last_modified, http_status=code)
        if code in (404, 410):
            return FetchResult("missing", message=f"{service} has no avatar for this contact.", http_status=code)
        if code >= 500:
            message = f"{service} is having trouble (HTTP {code}); the avatar will be tried again later."
            return FetchResult("error", message=message, http_status=code)
        if code != 200:
            return FetchResult("error", message=f"{service} refused the request (HTTP {code}).", http_status=code)
        try:
            content = await read_limited(response, max_bytes)
        except BodyTooLarge:
            message = f"{service} sent an avatar larger than {max_bytes:,} bytes; it was not downloaded."
            return FetchResult("error", message=message, http_status=code)
    try:
        # Verifying a large image takes a while; keep the event loop free meanwhile.
        content_type = await asyncio.to_thread(check_image, content)
    except ImageError as exc:
        reason = str(exc).rstrip(".")
        message = f"{service} sent an avatar Dossier cannot use ({reason[:1].lower()}{reason[1:]})."
        return FetchResult("error", message=message, http_status=code)
    return FetchResult("ok", content, content_type, etag, last_modified, http_status=code)


async def fetch_avatar(
    client: httpx.AsyncClient,
    url: str,
    *,
    cached: CachedImage | None,
    max_bytes: int = MAX_IMAGE_BYTES,
    timeout: float,
    service: str = "Gravatar",
) -> FetchResult:
    """GET an avatar image, revalidating `cached` when it holds one; never raises for network trouble.

    `timeout` bounds the whole exchange (connecting, waiting and reading), not only each network step.
    `service` names the other side in messages ("Gravatar did not answer within 3 s.").
    """
    # Images gain nothing from compression, and an uncompressed body is one whose size we really count.
    headers = {"User-Agent": user_agent(), "Accept": "image/*", "Accept-Encoding": "identity", **_validators(cached)}
    try:
        async with asyncio.timeout(timeout):
            return await _exchange(client, url, headers, max_bytes, timeout, service)
    except (TimeoutError, httpx.TimeoutException):
        return FetchResult("error", message=f"{service} did not answer within {timeout:g} s.")
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        return FetchResult("error", message=f"{url!r} is not a valid web address for {service}; check the settings.")
    except httpx.ConnectError:
        host = httpx.URL(url).host
        return FetchResult("error", message=f"Could not connect to {service} at {host}; check the network.")
    except (httpx.HTTPError, OSError) as exc:
        return FetchResult("error", message=f"The connection to {service} failed ({type(exc).__name__}).")
