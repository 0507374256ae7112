"""The HTTP exchange every provider shares: limits, validators, rate-limit headers and one-sentence failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypedDict

import httpx

from plain import json_text
from services.http_body import BodyTooLarge, read_limited, user_agent
from services.social.base import FeedResult
from services.social.text import parse_time


class Failure(Exception):
    """Raised inside a fetch to end it with `result`; `guarded` turns it back into the result."""

    def __init__(self, result: FeedResult) -> None:
        super().__init__(result.message)
        self.result = result


@dataclass(frozen=True, slots=True)
class Reply:
    """A 200 with its decoded JSON, or a 304 (`data` None)."""

    code: int
    data: Any
    headers: httpx.Headers


def base_headers(token: str | None = None, etag: str | None = None, accept: str = "application/json") -> dict[str, str]:
    """User-Agent and Accept, plus a bearer token and `If-None-Match` when given."""
    headers = {"User-Agent": user_agent(), "Accept": accept}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if etag:
        headers["If-None-Match"] = etag
    return headers


def _parse_reset(value: str, now: datetime) -> datetime | None:
    value = value.strip()
    if value.isdigit():
        number = int(value)
        # Epoch seconds (GitHub, Bluesky) are far larger than any delay a server would ask for.
        if number > 1_000_000_000:
            return datetime.fromtimestamp(number, UTC)
        return now + timedelta(seconds=number)
    return parse_time(value)


# How long to wait after a limit that says no time.
SECONDARY_WAIT = timedelta(minutes=1)


def retry_time(headers: httpx.Headers, now: datetime) -> datetime | None:
    """When asking again is welcome: `Retry-After` (seconds or HTTP date), else an exhausted rate limit's reset."""
    if retry_after := headers.get("Retry-After", "").strip():
        if retry_after.isdigit():
            return now + timedelta(seconds=int(retry_after))
        try:
            moment = parsedate_to_datetime(retry_after)
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    for prefix in ("X-RateLimit", "RateLimit"):
        if headers.get(f"{prefix}-Remaining", "").strip() == "0" and (reset := headers.get(f"{prefix}-Reset")):
            return _parse_reset(reset, now)
    return None


async def _says_rate_limit(response: httpx.Response) -> bool:
    """Whether a refusal's JSON message says a rate limit was exceeded (the first few kilobytes are read)."""
    try:
        body = await read_limited(response, 16_384)
        message = json_text.loads(body).get("message", "")
    except (BodyTooLarge, ValueError, AttributeError):
        return False
    return isinstance(message, str) and "rate limit" in message.lower()


def rate_limited(label: str, headers: httpx.Headers, now: datetime, code: int) -> FeedResult:
    """The "rate_limited" result, saying when (local time) a refresh is welcome again: when the server said, else
    in a minute (GitHub's docs, "Troubleshooting the REST API": "wait for at least one minute before retrying")."""
    when = retry_time(headers, now) or now + SECONDARY_WAIT
    message = f"{label}'s rate limit is reached; it can refresh again at {when.astimezone():%H:%M}."
    return FeedResult("rate_limited", message=message, retry_after=when, http_status=code)


class Limits(TypedDict):
    """The keyword arguments of `get_json` that stay the same for every request of one fetch."""

    label: str
    max_bytes: int
    timeout: float


async def get_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    label: str,
    headers: dict[str, str],
    params: dict[str, str] | None = None,
    max_bytes: int,
    timeout: float,
    what: str = "such account",
) -> Reply:
    """GET `url` and decode its JSON; every answer but 200 and (for a conditional request) 304 raises `Failure`.

    `what` names the thing asked for in the not-found sentence ("account named alice").
    """
    now = datetime.now(UTC)
    request = client.stream("GET", url, params=params, headers=headers, timeout=timeout, follow_redirects=True)
    async with request as response:
        code = response.status_code
        if code == 304 and "If-None-Match" in headers:
            return Reply(code, None, response.headers)
        if code in (404, 410):
            raise Failure(FeedResult("not_found", message=f"{label} has no {what}.", http_status=code))
        # GitHub answers a limit with 403 as well as 429: its primary limit with X-RateLimit-Remaining: 0, its
        # secondary limit with Retry-After while requests remain (docs.github.com, "Rate limits for the REST API").
        exhausted = response.headers.get("X-RateLimit-Remaining") == "0" or "Retry-After" in response.headers
        limited = code == 429 or (code == 403 and exhausted)
        # GitHub's secondary limit may come with neither header, as a 403 that says so only in its message.
        if limited or (code == 403 and await _says_rate_limit(response)):
            raise Failure(rate_limited(label, response.headers, now, code))
        if code >= 500:
            message = f"{label} is having trouble (HTTP {code}); the feed will be tried again later."
            raise Failure(FeedResult("error", message=message, http_status=code))
        if code != 200:
            raise Failure(FeedResult("error", message=f"{label} refused the request (HTTP {code}).", http_status=code))
        try:
            body = await read_limited(response, max_bytes)
        except BodyTooLarge:
            message = f"{label} sent a reply larger than {max_bytes:,} bytes; it was not read."
            raise Failure(FeedResult("error", message=message, http_status=code)) from None
    try:
        data = json_text.loads(body)
    except ValueError:
        message = f"{label} sent a reply Dossier could not read (not valid JSON)."
        raise Failure(FeedResult("error", message=message, http_status=code)) from None
    return Reply(code, data, response.headers)


def bad_shape(label: str) -> Failure:
    """The failure for JSON that parses but is not what the API documents."""
    return Failure(FeedResult("error", message=f"{label} sent a reply in a form Dossier does not know."))


async def guarded(label: str, host: str, timeout: float, run: Callable[[], Awaitable[FeedResult]]) -> FeedResult:
    """Run one provider's exchange under an overall `timeout`, turning every network problem into a result."""
    try:
        async with asyncio.timeout(timeout):
            return await run()
    except Failure as failure:
        return failure.result
    except (TimeoutError, httpx.TimeoutException):
        return FeedResult("error", message=f"{label} did not answer within {timeout:g} s.")
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        return FeedResult("error", message=f"The address of {label} ({host}) is not valid; check the settings.")
    except httpx.ConnectError:
        return FeedResult("error", message=f"Could not connect to {label} at {host}; check the network.")
    except (httpx.HTTPError, OSError) as exc:
        return FeedResult("error", message=f"The connection to {label} failed ({type(exc).__name__}).")
