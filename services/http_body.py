"""Reading an HTTP body with a size cap, for every outside service we fetch from."""

from __future__ import annotations

import httpx


class BodyTooLarge(Exception):
    """The body is larger than the cap (declared or as streamed)."""


async def read_limited(response: httpx.Response, max_bytes: int) -> bytes:
    """The body of a streamed response, refusing it once it exceeds `max_bytes` (Content-Length is not trusted)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise BodyTooLarge
    return bytes(body)
