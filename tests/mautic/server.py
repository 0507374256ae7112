"""The HTTP side: a threaded server on 127.0.0.1, each request recorded, faults applied, then dispatched."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from tests.mautic.php import jms_json, parse_params
from tests.mautic.replies import Reply, kernel_error, rate_limited


@dataclass
class Received:
    """One request as the fake got it: `query` maps names to lists of values, `params` is the PHP-style nested
    query, `body` the decoded JSON or form body (None when empty)."""

    method: str
    path: str
    query: dict[str, list[str]]
    params: dict[str, Any]
    body: Any
    headers: dict[str, str]
    uri: str
    raw_body: bytes

    @property
    def form(self) -> dict[str, Any]:
        """`$request->request`: the body, once FOSRest's body listener has decoded JSON into it."""
        return self.body if isinstance(self.body, dict) else {}


@dataclass
class Faults:
    """Pending faults: each request takes at most one of each kind."""

    fail: list[tuple[int, list[tuple[str, str]], Any]] = field(default_factory=list)
    drop: int = 0
    slow: list[float] = field(default_factory=list)


def decode(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    if "json" in content_type or raw.lstrip()[:1] in (b"{", b"["):
        try:
            return json.loads(raw)
        except ValueError:
            return None
    return parse_params(parse_qsl(raw.decode(errors="replace"), keep_blank_values=True))


def fault_reply(status: int, headers: list[tuple[str, str]], body: Any) -> Reply:
    if body is None:
        reply = rate_limited(0) if status == 429 else kernel_error(status)
    elif isinstance(body, dict | list):
        reply = Reply(status, jms_json(body))
    else:
        raw = body.encode() if isinstance(body, str) else bytes(body)
        reply = Reply(status, raw, content_type="text/html; charset=UTF-8")
    reply.status = status
    reply.headers += headers
    return reply


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go in two writes; with Nagle's algorithm on, the body waits for the client's delayed ACK
    # (about 40 ms a request on Linux), which no web server in front of a real Mautic costs (nginx: tcp_nodelay).
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _handle(self) -> None:
        fake = self.server.fake
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        split = urlsplit(self.path)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = Received(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            params=parse_params(pairs),
            body=decode(raw, headers.get("content-type", "")),
            headers=headers,
            uri=self.path,
            raw_body=raw,
        )
        fail, drop, delay = fake._take_faults(request)
        if delay:
            time.sleep(delay)
        if drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)
            return
        reply = fault_reply(*fail) if fail is not None else fake._respond(request)
        self._send(reply, fake.model.full_version)

    def _send(self, reply: Reply, version: str) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        if reply.controller:
            self.send_header("Mautic-Version", version)  # FetchCommonApiController::view()
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: Any, port: int) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that hangs up mid-response is not the fake's error


def serve(fake: Any, port: int = 0) -> tuple[_Server, threading.Thread]:
    server = _Server(fake, port)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-mautic", daemon=True)
    thread.start()
    return server, thread
