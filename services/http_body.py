"""What every HTTP client of Dossier shares: its User-Agent, and reading a body with a size cap."""

from __future__ import annotations

import functools

import httpx


@functools.cache
def user_agent() -> str:
    """`Dossier/<version> (+terminal CRM)`, the User-Agent of every request Dossier makes."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("dossier-crm")
    except PackageNotFoundError:
        number = "dev"
    return f"Dossier/{number} (+terminal CRM)"


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


def read_limited_sync(response: httpx.Response, max_bytes: int) -> bytes:
    """`read_limited` for a synchronous client's streamed response."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise BodyTooLarge
    return bytes(body)
