"""Fixtures for service tests: a real HTTP server on 127.0.0.1 and an HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.services.local_http import LocalServer, serve


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A server with no routes yet (every path answers 404); add routes by path."""
    server, stop = serve()
    yield server
    stop()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client
