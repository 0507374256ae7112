"""Gravatar URLs and the avatar fetcher, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import io
import threading
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs

import httpx
import pytest
from PIL import Image

from services.gravatar import fetch_avatar, gravatar_cache_key, gravatar_url, size_for_cells
from store.avatars import CachedImage
from tests.services.local_http import Handler, LocalServer, closed_port

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ADA_HASH = hashlib.sha256(b"ada@example.com").hexdigest()


def image_bytes(image_format: str, size: tuple[int, int] = (16, 16), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal" if mode == "RGB" else 1).save(buffer, image_format)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


async def fetch(client: httpx.AsyncClient, url: str, cached: CachedImage | None = None, **kwargs):
    kwargs.setdefault("timeout", 2.0)
    return await fetch_avatar(client, url, cached=cached, **kwargs)


def test_gravatar_url_hashes_the_trimmed_lowercased_address() -> None:
    url = gravatar_url("  Ada@Example.COM ", size_px=64, base_url="https://avatars.example/avatar")
    assert url == f"https://avatars.example/avatar/{ADA_HASH}?d=404&s=64"
    assert gravatar_url("ada@example.com", size_px=64, base_url="https://avatars.example/avatar/") == url
    assert gravatar_cache_key(" ADA@example.com", size_px=64) == f"gravatar:{ADA_HASH}:64"


def test_gravatar_url_needs_an_address_and_a_sane_size() -> None:
    with pytest.raises(ValueError):
        gravatar_url("  ", size_px=64)
    assert gravatar_url("a@b.c", size_px=99_999).endswith("s=2048")


@pytest.mark.parametrize(
    ("cells", "size"), [((8, 4), 32), ((8, 3), 32), ((20, 10), 32), ((40, 20), 64), ((400, 90), 256)]
)
def test_size_for_cells_covers_two_pixels_a_row(cells: tuple[int, int], size: int) -> None:
    assert size_for_cells(*cells) == size


async def test_the_right_url_is_asked_with_a_user_agent(local_server: LocalServer, client) -> None:
    local_server.routes[f"/avatar/{ADA_HASH}"] = lambda h: h.reply(200, PNG, "image/png")
    url = gravatar_url("Ada@Example.com ", size_px=64, base_url=local_server.url("/avatar/"))
    result = await fetch(client, url)
    assert result.status == "ok"
    (request,) = local_server.received
    assert request.path == f"/avatar/{ADA_HASH}"
    assert parse_qs(request.query) == {"d": ["404"], "s": ["64"]}
    assert request.headers["User-Agent"].startswith("Dossier/")
    assert request.headers["User-Agent"].endswith("(+terminal CRM)")
    assert request.headers["Accept-Encoding"] == "identity"
    assert "If-None-Match" not in request.headers


@pytest.mark.parametrize(("body", "content_type"), [(PNG, "image/png"), (JPEG, "image/jpeg")])
async def test_an_image_is_returned_with_its_validators(local_server, client, body, content_type) -> None:
    headers = {"ETag": '"v1"', "Last-Modified": "Wed, 01 Apr 2026 10:00:00 GMT"}
    # The declared type is ignored: Pillow says what the bytes are.
    local_server.routes["/img"] = lambda h: h.reply(200, body, "application/octet-stream", headers)
    result = await fetch(client, local_server.url("/img"))
    assert (result.status, result.content, result.content_type) == ("ok", body, content_type)
    assert (result.etag, result.last_modified) == ('"v1"', "Wed, 01 Apr 2026 10:00:00 GMT")
    assert result.to_cache(None, NOW) == CachedImage(body, content_type, '"v1"', result.last_modified, NOW, "ok")


async def test_revalidation_sends_the_validators_and_keeps_the_cached_copy(local_server, client) -> None:
    def etagged(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.reply(304, headers={"ETag": '"v1"'})
        else:
            handler.reply(200, PNG, "image/png", {"ETag": '"v1"', "Last-Modified": "Wed, 01 Apr 2026 10:00:00 GMT"})

    local_server.routes["/etag"] = etagged
    first = await fetch(client, local_server.url("/etag"))
    cached = first.to_cache(None, NOW)
    later = datetime(2026, 5, 9, tzinfo=UTC)
    second = await fetch(client, local_server.url("/etag"), cached)
    assert second.status == "not_modified"
    assert second.content is None
    revalidation = local_server.received[-1].headers
    assert revalidation["If-None-Match"] == '"v1"'
    assert revalidation["If-Modified-Since"] == "Wed, 01 Apr 2026 10:00:00 GMT"
    refreshed = second.to_cache(cached, later)
    assert refreshed is not None
    assert (refreshed.content, refreshed.etag, refreshed.fetched_at, refreshed.status) == (PNG, '"v1"', later, "ok")


async def test_a_missing_cache_entry_is_not_revalidated(local_server, client) -> None:
    local_server.routes["/gone"] = lambda h: h.reply(404, b"", "text/plain")
    missing = CachedImage(None, "", None, None, NOW, "missing")
    result = await fetch(client, local_server.url("/gone"), missing)
    assert result.status == "missing"
    assert "If-None-Match" not in local_server.received[0].headers
    assert result.to_cache(missing, NOW) == CachedImage(None, "", None, None, NOW, "missing")


async def test_a_server_error_is_reported_and_leaves_the_cache_alone(local_server, client) -> None:
    local_server.routes["/boom"] = lambda h: h.reply(500, b"oops", "text/plain")
    result = await fetch(client, local_server.url("/boom"))
    assert (result.status, result.http_status) == ("error", 500)
    assert result.message == "Gravatar is having trouble (HTTP 500); the avatar will be tried again later."
    assert result.to_cache(None, NOW) is None


async def test_another_refusal_is_an_error(local_server, client) -> None:
    local_server.routes["/forbidden"] = lambda h: h.reply(403, b"no", "text/plain")
    result = await fetch(client, local_server.url("/forbidden"), service="Mastodon")
    assert (result.status, result.message) == ("error", "Mastodon refused the request (HTTP 403).")


async def test_a_slow_server_times_out(local_server, client) -> None:
    def slow(handler: Handler) -> None:
        time.sleep(1.0)
        handler.reply(200, PNG, "image/png")

    local_server.routes["/slow"] = slow
    result = await fetch(client, local_server.url("/slow"), timeout=0.2)
    assert (result.status, result.message) == ("error", "Gravatar did not answer within 0.2 s.")


async def test_the_timeout_bounds_a_trickling_body_too(local_server, client) -> None:
    def trickle(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        for _ in range(20):  # each byte arrives well within any per-read timeout
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.05)

    local_server.routes["/trickle"] = trickle
    started = time.monotonic()
    result = await fetch(client, local_server.url("/trickle"), timeout=0.3)
    assert result.status == "error"
    assert "did not answer within 0.3 s" in result.message
    assert time.monotonic() - started < 0.9


async def test_garbage_with_an_image_type_is_rejected(local_server, client) -> None:
    local_server.routes["/garbage"] = lambda h: h.reply(200, b"\x89PNG\r\n\x1a\nthis is not a png", "image/png")
    result = await fetch(client, local_server.url("/garbage"))
    assert result.status == "error"
    assert result.message.startswith("Gravatar sent an avatar Dossier cannot use (the data is not an image")
    assert result.to_cache(None, NOW) is None


async def test_a_decompression_bomb_is_rejected(local_server, client) -> None:
    bomb = image_bytes("PNG", (5000, 5000), mode="1")  # small on the wire, 25 million pixels decoded
    assert len(bomb) < 1_000_000
    local_server.routes["/bomb"] = lambda h: h.reply(200, bomb, "image/png")
    result = await fetch(client, local_server.url("/bomb"))
    assert result.status == "error"
    assert "5000x5000 pixels" in result.message


async def test_an_oversized_chunked_body_is_cut_off(local_server, client) -> None:
    finished = threading.Event()
    sent: list[int] = []

    def endless(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"\0" * 65536
        try:
            for _ in range(800):  # 50 MB if nobody stops reading
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent.append(len(chunk))
            handler.wfile.write(b"0\r\n\r\n")
        finally:
            finished.set()

    local_server.routes["/huge"] = endless
    result = await fetch(client, local_server.url("/huge"), max_bytes=200_000)
    assert result.status == "error"
    assert result.message == "Gravatar sent an avatar larger than 200,000 bytes; it was not downloaded."
    assert finished.wait(5)
    assert sum(sent) < 20_000_000  # the client hung up long before the end


async def test_a_declared_oversized_body_is_refused_before_reading(local_server, client) -> None:
    local_server.routes["/declared"] = lambda h: h.reply(200, b"\0" * 300_000, "image/png")
    result = await fetch(client, local_server.url("/declared"), max_bytes=200_000)
    assert result.status == "error"
    assert "larger than 200,000 bytes" in result.message


async def test_a_refused_connection_is_reported(client) -> None:
    result = await fetch(client, f"http://127.0.0.1:{closed_port()}/avatar/x")
    assert (result.status, result.message) == (
        "error",
        "Could not connect to Gravatar at 127.0.0.1; check the network.",
    )


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/avatar", "not a url", "http://"])
async def test_a_bad_base_url_is_reported(client, url: str) -> None:
    result = await fetch(client, url)
    assert result.status == "error"
    assert "is not a valid web address for Gravatar" in result.message
