"""What can go wrong talking to Mautic, in words: the errors the client raises and the sentences they carry.

Server text is shown only after `clean_message` (no markup, no terminal escapes, no control characters).
"""

from __future__ import annotations

import html
import math
import re
import socket
import ssl
import unicodedata
from collections.abc import Callable
from http import HTTPStatus

import httpx

from plain import json_text
from plain.errors import UserError

MAX_WAIT_S = 60.0
_SAID_CHARS = 160
_TAGS = re.compile(r"<[^>]*>")
# Terminal escape sequences (CSI such as "\x1b[31m", and OSC) go whole, not just their ESC.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)?")
_SPACES = re.compile(r"\s+")
EXAMPLE_URL = "https://mautic.example.com"


class MauticError(UserError):
    """One sentence a user can act on (str(exc)); never a traceback or raw HTML.

    `status` is the HTTP status behind it, when there was one (404 for a contact deleted since it was listed).
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Transient(Exception):
    """Trouble worth another attempt; `final(attempts)` is the sentence once none are left."""

    def __init__(self, final: Callable[[int], str], wait: float | None = None, status: int | None = None) -> None:
        super().__init__()
        self.final, self.wait, self.status = final, wait, status


def clean_message(text: str, limit: int = _SAID_CHARS) -> str:
    """Server text made safe to show: tags and control characters dropped, spaces collapsed, truncated."""
    text = _ESCAPES.sub("", html.unescape(_TAGS.sub(" ", text)))
    text = "".join(" " if unicodedata.category(char) in ("Cc", "Cf") else char for char in text)
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def error_text(body: bytes) -> str:
    """The message of a Mautic error body (`{"errors": [{"message": ...}]}`, or an older `"error"`), else ""."""
    try:
        data = json_text.loads(body)
    except (ValueError, RecursionError):
        return ""
    if not isinstance(data, dict):
        return ""
    errors = data.get("errors")
    if isinstance(errors, dict):
        errors = list(errors.values())
    error = data.get("error")
    candidates = [*(errors if isinstance(errors, list) else []), error, data.get("error_description")]
    for candidate in candidates:
        message = candidate.get("message") if isinstance(candidate, dict) else candidate
        if isinstance(message, str) and message.strip():
            return clean_message(message)
    return ""


def phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "unknown status"


def connect_reason(exc: BaseException) -> tuple[str, bool]:
    """Why a connection failed, in words, and whether trying again could help."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused", True
        if isinstance(cause, socket.gaierror):
            # A misspelt host is not worth five attempts; a resolver that is briefly down is.
            return "the host name was not found", cause.errno == socket.EAI_AGAIN
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "its TLS certificate could not be verified", False
        if isinstance(cause, ssl.SSLError):
            return "the secure (TLS) connection failed", False
        cause = cause.__cause__ or cause.__context__
    return "the connection failed", True


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return min(max(seconds, 0.0), MAX_WAIT_S) if math.isfinite(seconds) else None


WRITES = ("/new", "/edit", "/delete", "/add", "/remove", "/send")  # the last parts of Mautic's writing routes


def status_message(code: int, said: str, where: str, base_url: str, api_path: str) -> str:
    """The sentence for an answer other than 200; `said` is Mautic's own error message, if it sent one."""
    note = f" (Mautic said: {said.rstrip('.')})" if said else ""
    if code == 401:
        return (
            f"Mautic at {where} rejected the credentials{note}; check them, and that API basic auth (or the"
            " OAuth2 credential) is enabled in Mautic's Configuration → API Settings."
        )
    if code == 403:
        writing = api_path.endswith(WRITES)
        needed = "edit contacts" if writing else "view contacts"
        return (
            f"Mautic at {where} refused access to {api_path}{note}: enable the API in Configuration → API"
            f" Settings, or give this user's role permission to {needed}."
        )
    if code == 404 and not said:
        return f"Is {base_url} the Mautic base URL? {api_path} was not found there (404)."
    return f"Mautic at {where} answered {code} ({phrase(code)}) for {api_path}{note}."
