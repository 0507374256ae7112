"""The one interface every social network provider implements, and the result every fetch returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from plain.errors import UserError
from store.social import Post, Profile

FeedStatus = Literal["ok", "not_modified", "not_found", "rate_limited", "error", "offline"]
MAX_BODY_BYTES = 2_000_000
FEED_LIMIT = 20


class SocialError(UserError, ValueError):
    """A handle a network cannot have; the message is one sentence for the user."""


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What one fetch found.

    - "ok": `profile` and `posts` are new, with the `etag` to revalidate with next time.
    - "not_modified": the cached posts are still right (`profile` may be fresh, or None).
    - "not_found": the network has no such account, or will not show it (then `profile`, if set, is what it
      still shows of it).
    - "rate_limited": asked too often; `retry_after` says when asking again is welcome.
    - "error": nothing usable came back (unreachable, HTTP error, unreadable reply).
    - "offline": the network is disabled in the configuration; nothing was asked.

    `message` is one sentence for the user. `retry_after` may also be set with "ok" when the server asks
    to be polled no sooner (GitHub's X-Poll-Interval, an exhausted rate limit).
    """

    status: FeedStatus
    profile: Profile | None = None
    posts: tuple[Post, ...] = ()
    etag: str | None = None
    message: str = ""
    retry_after: datetime | None = None
    http_status: int | None = None


def offline_result(label: str) -> FeedResult:
    """The result to show without asking when the network is disabled in the configuration."""
    return FeedResult("offline", message=f"Dossier is offline, so {label} was not asked; the feed may be out of date.")
