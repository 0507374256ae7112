"""Mautic's REST API, read only: contacts, their activity, notes and memberships, and segments, campaigns, emails.

Synchronous httpx, for a thread worker. Every failure is a `MauticError` whose text is one sentence for the user:
never a traceback, a raw page or the password. Transient trouble (5xx, 429, refused or dropped connections, time-outs)
is retried with exponential backoff, honouring a numeric Retry-After; a 4xx other than 429 is not retried.
Mautic's containers vary by version (objects keyed by id, lists, `[]` when empty; totals as strings): the methods
here hand back plain lists of the objects as Mautic sent them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from plain import json_text
from services.http_body import BodyTooLarge, read_limited_sync, user_agent
from services.loopback import is_loopback
from services.mautic_errors import (
    EXAMPLE_URL,
    MAX_WAIT_S,
    MauticError,
    Transient,
    connect_reason,
    error_text,
    phrase,
    retry_after,
    status_message,
)

MAX_BODY_BYTES = 64 * 1024 * 1024


def _items(data: Any) -> list[dict] | None:
    """The objects of a Mautic collection: an object keyed by id, a list, or `[]`/null when empty."""
    if data is None:
        return []
    values = list(data.values()) if isinstance(data, dict) else data
    if not isinstance(values, list) or not all(isinstance(item, dict) for item in values):
        return None
    return values


def _int(value: Any) -> int | None:
    """An int from Mautic's ints and numeric strings ("total": "1"), else None."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class MauticClient:
    """A read-only client of one Mautic instance, with HTTP basic auth (Configuration → API Settings)."""

    def __init__(
        self,
        url: str,
        user: str,
        password: str,
        *,
        timeout: float = 30.0,
        retries: int = 5,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        """`url` is the instance's base URL ("https://mautic.example.com", a path prefix allowed); "/api" is added.

        Credentials in the URL are used when `user` is empty. Raises `MauticError` when `url` is not http(s).
        """
        try:
            parsed = httpx.URL(url.strip())
        except httpx.InvalidURL:
            parsed = None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
            raise MauticError(f"The Mautic address is not a web address; it should look like {EXAMPLE_URL}.")
        if not user and parsed.username:
            user, password = parsed.username, parsed.password
        if parsed.scheme == "http" and not is_loopback(parsed.host):
            raise MauticError(
                f"Dossier will not send the Mautic password unencrypted to {parsed.host}; use https:// "
                f"(as in {EXAMPLE_URL})."
            )
        self._password = password
        path = parsed.path.rstrip("/").removesuffix("/api")
        self.where = parsed.netloc.decode("ascii")
        self.base_url = f"{parsed.scheme}://{self.where}{path}"
        self._timeout, self._retries, self._backoff = timeout, max(1, retries), backoff
        self._sleep, self._max_bytes = sleep, max_bytes
        self._client = httpx.Client(
            base_url=f"{self.base_url}/api",
            auth=httpx.BasicAuth(user, password),
            headers={"User-Agent": user_agent(), "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
            follow_redirects=True,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> MauticClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def check(self) -> int:
        """The number of contacts, proving the URL, the credentials and the API work; raises `MauticError`."""
        total = _int(self._get("/contacts", {"limit": 1}).get("total"))
        if total is None:
            raise self._shape("/api/contacts")
        return total

    def contacts_page(self, start: int, limit: int) -> tuple[int, list[dict]]:
        """(total, up to `limit` full contacts from row `start`, sorted by id), ordered by id on the server."""
        params = {"start": start, "limit": limit, "orderBy": "id", "orderByDir": "asc", "minimal": "false"}
        body = self._get("/contacts", params)
        total, contacts = _int(body.get("total")), _items(body.get("contacts"))
        if total is None or contacts is None or any(_int(contact.get("id")) is None for contact in contacts):
            raise self._shape("/api/contacts")
        # Every id was just checked to be one `_int` reads, which is exactly what int() makes of it.
        return total, sorted(contacts, key=lambda contact: int(contact["id"]))

    def activity(self, contact_id: int | str, *, limit: int = 100) -> Iterator[dict]:
        """Every activity event of a contact (Mautic serves newest first), page by page, in the order served."""
        path, page = f"/contacts/{int(contact_id)}/activity", 1
        while True:
            body = self._get(path, {"page": page, "limit": limit})
            events = _items(body.get("events"))
            if events is None:
                raise self._shape(f"/api{path}")
            yield from events
            max_pages = _int(body.get("maxPages"))
            if max_pages is None:  # not every version says; a short page is the last one
                max_pages = page + 1 if len(events) >= limit else page
            if not events or page >= max_pages:
                return
            page += 1

    def notes(self, contact_id: int | str, *, limit: int = 100) -> Iterator[dict]:
        """Every note of a contact, in the order served (Mautic's default: newest first)."""
        return self._paged(f"/contacts/{int(contact_id)}/notes", ("notes",), limit)

    def contact_segments(self, contact_id: int | str) -> list[dict]:
        """The segments a contact is in (id, name, alias, dateAdded, manuallyAdded, manuallyRemoved)."""
        return self._collection(f"/contacts/{int(contact_id)}/segments", ("lists", "segments"))

    def contact_campaigns(self, contact_id: int | str) -> list[dict]:
        """The campaigns a contact is in (id, name, dateAdded, manuallyAdded, manuallyRemoved, listMembership)."""
        return self._collection(f"/contacts/{int(contact_id)}/campaigns", ("campaigns",))

    def segments(self, *, limit: int = 100) -> Iterator[dict]:
        """Every segment (Mautic's "lists")."""
        return self._paged("/segments", ("lists", "segments"), limit)

    def campaigns(self, *, limit: int = 100) -> Iterator[dict]:
        """Every campaign."""
        return self._paged("/campaigns", ("campaigns",), limit)

    def emails(self, *, limit: int = 100) -> Iterator[dict]:
        """Every email (name, subject, fromName, fromAddress, customHtml, plainText...)."""
        return self._paged("/emails", ("emails",), limit)

    def _collection(self, path: str, keys: tuple[str, ...]) -> list[dict]:
        return self._page(path, keys, None)[1]

    def _paged(self, path: str, keys: tuple[str, ...], limit: int) -> Iterator[dict]:
        start = 0
        while True:
            total, items = self._page(path, keys, {"start": start, "limit": limit})
            yield from items
            start += len(items)
            # Without a total, a short page is the last one (and a server ignoring `start` cannot loop us).
            if not items or (start >= total if total is not None else len(items) < limit):
                return

    def _page(self, path: str, keys: tuple[str, ...], params: dict | None) -> tuple[int | None, list[dict]]:
        """(total if given, the objects under the first of `keys` present) of one answer."""
        body = self._get(path, params)
        key = next((key for key in keys if key in body), None)
        items = _items(body[key]) if key else None
        if items is None:
            raise self._shape(f"/api{path}")
        return _int(body.get("total")), items

    def _get(self, path: str, params: dict | None = None) -> dict:
        """The JSON object at `/api{path}`, retrying transient trouble; anything else raises `MauticError`."""
        for attempt in range(self._retries):
            try:
                body = self._exchange(path, params)
            except Transient as problem:
                if attempt + 1 >= self._retries:
                    raise self._error(problem.final(self._retries), problem.status) from None
                wait = problem.wait if problem.wait is not None else self._backoff * 2**attempt
                self._sleep(min(wait, MAX_WAIT_S))
                continue
            return body
        raise AssertionError("unreachable: the loop returns or raises")

    def _exchange(self, path: str, params: dict | None) -> dict:
        where, timeout = self.where, self._timeout
        try:
            with self._client.stream("GET", path, params=params) as response:
                code = response.status_code
                if code == 429 or code >= 500:
                    words = phrase(code)
                    raise Transient(
                        lambda n: f"The Mautic server at {where} kept answering {code} ({words}) after {n} attempts.",
                        retry_after(response),
                        code,
                    )
                body = self._read(response, path)
        except httpx.ConnectTimeout:
            message = f"Cannot reach {where}: no answer within {timeout:g} s"
            raise Transient(lambda n: f"{message} ({n} attempts).") from None
        except httpx.ConnectError as exc:
            reason, transient = connect_reason(exc)
            if not transient:
                raise self._error(f"Cannot reach {where}: {reason}.") from None
            raise Transient(lambda n: f"Cannot reach {where}: {reason} ({n} attempts).") from None
        except httpx.TimeoutException:
            message = f"The Mautic server at {where} did not answer within {timeout:g} s"
            raise Transient(lambda n: f"{message} ({n} attempts).") from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            message = f"The Mautic server at {where} kept dropping the connection"
            raise Transient(lambda n: f"{message} ({n} attempts).") from None
        except httpx.TooManyRedirects:
            raise self._error(f"Mautic at {where} kept redirecting; check the URL.") from None
        except (httpx.HTTPError, OSError) as exc:
            raise self._error(f"The connection to Mautic at {where} failed ({type(exc).__name__}).") from None
        return self._decode(response, body, path)

    def _read(self, response: httpx.Response, path: str) -> bytes:
        """The body, refused once it exceeds `max_bytes` (Content-Length is not trusted)."""
        try:
            return read_limited_sync(response, self._max_bytes)
        except BodyTooLarge:
            size = f"{self._max_bytes / 2**20:g} MB"
            message = f"Mautic at {self.where} sent more than {size} for /api{path}; it was not read."
            raise self._error(message) from None

    def _decode(self, response: httpx.Response, body: bytes, path: str) -> dict:
        code, where, api_path = response.status_code, self.where, f"/api{path}"
        if code != 200:
            raise self._error(status_message(code, error_text(body), where, self.base_url, api_path), code)
        try:
            data = json_text.loads(body)
        except (ValueError, RecursionError):
            content_type = response.headers.get("Content-Type", "")
            if "html" in content_type or body.lstrip()[:1] == b"<":
                message = f"{where} answered with a web page, not the API: check the URL (like {EXAMPLE_URL})."
                raise self._error(message, code) from None
            raise self._error(f"Mautic at {where} sent {api_path} in a form Dossier cannot read (not JSON).") from None
        if not isinstance(data, dict):
            raise self._shape(api_path)
        return data

    def _shape(self, api_path: str) -> MauticError:
        return self._error(f"Mautic at {self.where} sent {api_path} in a form Dossier does not know.")

    def _error(self, message: str, status: int | None = None) -> MauticError:
        # Whatever a server echoes back, the password never reaches the screen.
        if len(self._password) >= 4:
            message = message.replace(self._password, "•••")
        return MauticError(message, status=status)
