"""The hourly API rate limit (spec §10; noxlogic/ratelimit-bundle, jaytaph/RateLimitBundle@v1.19.0)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tests.mautic.replies import Reply, rate_limited

PERIOD = 3600  # path_limits [{path: '/api', period: 3600}] (5.1.1:app/config/config.php:285-300)


@dataclass
class _Bucket:
    limit: int
    calls: int
    reset: int


class RateLimiter:
    """Fixed windows in the fake's clock. Basic-auth callers share one bucket; each OAuth2 access token has its
    own (RateLimitGenerateKeySubscriber, OauthKeyGenerateListener)."""

    def __init__(self) -> None:
        self.buckets: dict[str, _Bucket] = {}

    def hit(self, key: str, limit: int, now: datetime) -> tuple[list[tuple[str, str]], Reply | None]:
        """Count one call (PsrCache::limitRate()/createRate()); rejected calls count too. Returns the headers
        every matched /api response carries (HeaderModificationListener) and the 429, if any."""
        if limit <= 0:
            return [], None
        moment = int(now.timestamp())
        bucket = self.buckets.get(key)
        if bucket is None or moment >= bucket.reset:
            bucket = self.buckets[key] = _Bucket(limit, 0, moment + PERIOD)
        bucket.calls += 1
        headers = [
            ("X-RateLimit-Limit", str(bucket.limit)),
            ("X-RateLimit-Remaining", str(max(0, bucket.limit - bucket.calls))),
            ("X-RateLimit-Reset", str(bucket.reset)),
        ]
        if bucket.calls > bucket.limit:
            return headers, rate_limited(bucket.limit)
        return headers, None
