"""Talking to Mautic's REST API: authentication, retries, the hourly rate limit, and one-sentence failures.

Synchronous httpx, for a thread worker or the CLI. Every failure is a `MauticError` whose text is one sentence
for the user: never a traceback, a raw page or the secret.
- Authentication is HTTP basic (a Mautic user) or OAuth2 client credentials (a credential an admin created,
  `app/bundles/ApiBundle/Controller/ClientController.php`): the token comes from `/oauth/v2/token`, carries no
  refresh token, and is fetched again when Mautic says it expired.
- Transient trouble (5xx, dropped or refused connections, time-outs) is retried with exponential backoff.
- Mautic's rate limit is a fixed hourly window (noxlogic/ratelimit-bundle, `app/config/config.php`): every /api
  answer says `X-RateLimit-Remaining` and `X-RateLimit-Reset` (epoch seconds), and a 429 comes with no
  Retry-After. The client waits for the window's end rather than asking into it: after a 429, and before a
  request once the remaining count reached 0. `on_wait(until)` hears of each wait, so a progress display can
  say it; a wait longer than `max_wait` seconds is a `MauticError` instead.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Self

import httpx

from plain import json_text
from plain.words import plural
from services.http_body import BodyTooLarge, read_limited_sync, user_agent
from services.loopback import is_loopback
from services.mautic.errors import (
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
Params = dict[str, Any] | list[tuple[str, Any]] | None


class RateLimited(Exception):
    """The hourly window is used up until `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


class Transport:
    """One Mautic instance's API. `auth` is "basic" (`user`, `secret` its password) or "oauth2" (`user` the
    client id, `secret` the client secret)."""

    def __init__(
        self,
        url: str,
        user: str,
        secret: str,
        *,
        auth: str = "basic",
        timeout: float = 30.0,
        retries: int = 5,
        backoff: float = 0.5,
        max_wait: float = 3900.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_wait: Callable[[datetime], None] | None = None,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        try:
            parsed = httpx.URL(url.strip())
        except httpx.InvalidURL:
            parsed = None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
            raise MauticError(f"The Mautic address is not a web address; it should look like {EXAMPLE_URL}.")
        if auth not in ("basic", "oauth2"):
            raise MauticError(f"Mautic authentication is basic or oauth2, not {auth!r}.")
        if not user and parsed.username:
            user, secret = parsed.username, parsed.password
        if parsed.scheme == "http" and not is_loopback(parsed.host):
            raise MauticError(
                f"Dossier will not send the Mautic password unencrypted to {parsed.host}; use https:// "
                f"(as in {EXAMPLE_URL})."
            )
        self._user, self._secret, self._auth = user, secret, auth
        path = parsed.path.rstrip("/").removesuffix("/api")
        self.where = parsed.netloc.decode("ascii").rpartition("@")[2]
        self.base_url = f"{parsed.scheme}://{self.where}{path}"
        self._timeout, self._retries, self._backoff, self._max_wait = timeout, max(1, retries), backoff, max_wait
        self._sleep, self._clock, self._on_wait, self._max_bytes = sleep, clock, on_wait, max_bytes
        self._token: str | None = None
        self._blocked_until: datetime | None = None
        self.requests = 0  # how many HTTP requests were sent, for progress and benchmarks
        self._turn = threading.Lock()
        self._client = httpx.Client(
            base_url=self.base_url,
            auth=httpx.BasicAuth(user, secret) if auth == "basic" else None,
            headers={"User-Agent": user_agent(), "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
            follow_redirects=True,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- requests -----------------------------------------------------------------------------------------------
    def call(self, method: str, path: str, params: Params = None, body: dict | None = None) -> dict:
        """The JSON object Mautic answers to `method /api{path}`; retries, waits and errors as the module says.

        Threads take turns: a sync reads the next page in one while another asks for a single contact, and
        the token, the rate limit's window and the request count are the instance's, not the thread's."""
        with self._turn:
            return self._call(method, path, params, body)

    def _call(self, method: str, path: str, params: Params, body: dict | None) -> dict:
        attempt = 0
        while True:
            self._wait_for_window()
            try:
                return self._exchange(method, path, params, body)
            except RateLimited as limit:
                self._blocked_until = limit.until  # does not use up an attempt: the wait is the remedy
            except Transient as problem:
                attempt += 1
                if attempt >= self._retries:
                    raise self._error(problem.final(self._retries), problem.status) from None
                wait = problem.wait if problem.wait is not None else self._backoff * 2 ** (attempt - 1)
                self._sleep(min(wait, MAX_WAIT_S))

    def _wait_for_window(self) -> None:
        if self._blocked_until is None:
            return
        seconds = (self._blocked_until - self._clock()).total_seconds()
        if seconds > self._max_wait:
            until = self._blocked_until.astimezone().strftime("%H:%M")
            raise self._error(f"Mautic at {self.where} allows no more API calls this hour (until {until}).", 429)
        if seconds > 0:
            if self._on_wait is not None:
                self._on_wait(self._blocked_until)
            self._sleep(seconds + 1)  # the reset second itself may still be inside the window
        self._blocked_until = None

    def _authorization(self, *, renew: bool = False) -> dict[str, str]:
        if self._auth != "oauth2":
            return {}
        if self._token is None or renew:
            self._token = self._fetch_token()
        return {"Authorization": f"Bearer {self._token}"}

    def _fetch_token(self) -> str:
        """A client-credentials access token (`POST /oauth/v2/token`; Mautic 4.0+). Called inside `_exchange`, so
        a dropped connection or a 5xx here is retried like any other request."""
        form = {"grant_type": "client_credentials", "client_id": self._user, "client_secret": self._secret}
        self.requests += 1
        response = self._client.post("/oauth/v2/token", data=form)
        code, said = response.status_code, error_text(response.content)
        if code == 429 or code >= 500:
            words = phrase(code)
            message = f"The Mautic server at {self.where} kept answering {code} ({words}) to the token request"
            raise Transient(lambda n: f"{message} after {n} attempts.", retry_after(response), code)
        if code in (400, 401):  # oauth2-php's invalid_client / unauthorized_client (SPEC.md §1.5)
            note = f" (Mautic said: {said.rstrip('.')})" if said else ""
            raise self._error(
                f"Mautic at {self.where} refused the OAuth2 client credentials{note}; check the client id and secret, "
                "and that an administrator created the credential.",
                code,
            )
        if code != 200:  # a disabled API is a 403 here too (ApiSubscriber, SPEC.md §1.2); a wrong URL a 404
            raise self._error(status_message(code, said, self.where, self.base_url, "/oauth/v2/token"), code)
        try:
            token = json_text.loads(response.content).get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise self._error(f"Mautic at {self.where} sent an OAuth2 token answer Dossier cannot read.")
        return token

    def _exchange(self, method: str, path: str, params: Params, body: dict | None, *, renewed: bool = False) -> dict:
        where, timeout = self.where, self._timeout
        try:
            headers = self._authorization()
            self.requests += 1
            with self._client.stream(method, f"/api{path}", params=params, json=body, headers=headers) as response:
                code = response.status_code
                self._note_limit(response)
                if code == 429:
                    until = self._reset(response)
                    # A window's end already past by our clock means the clocks disagree: asking again at once
                    # would be refused again, forever; back off as from any other 429 instead.
                    if until is not None and until > self._clock():
                        raise RateLimited(until)
                if code == 429 or code >= 500:
                    words = phrase(code)
                    raise Transient(
                        lambda n: f"The Mautic server at {where} kept answering {code} ({words}) after {n} attempts.",
                        retry_after(response),
                        code,
                    )
                content = self._read(response, path)
        except httpx.ConnectTimeout:
            message = f"Cannot reach {where}: no answer within {timeout:g} s"
            raise Transient(lambda n: f"{message} ({plural(n, 'attempt')}).") from None
        except httpx.ConnectError as exc:
            reason, transient = connect_reason(exc)
            if not transient:
                raise self._error(f"Cannot reach {where}: {reason}.") from None
            raise Transient(lambda n: f"Cannot reach {where}: {reason} ({plural(n, 'attempt')}).") from None
        except httpx.TimeoutException:
            message = f"The Mautic server at {where} did not answer within {timeout:g} s"
            raise Transient(lambda n: f"{message} ({plural(n, 'attempt')}).") from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            message = f"The Mautic server at {where} kept dropping the connection"
            raise Transient(lambda n: f"{message} ({plural(n, 'attempt')}).") from None
        except httpx.TooManyRedirects:
            raise self._error(f"Mautic at {where} kept redirecting; check the URL.") from None
        except (httpx.HTTPError, OSError) as exc:
            raise self._error(f"The connection to Mautic at {where} failed ({type(exc).__name__}).") from None
        if code == 401 and self._auth == "oauth2" and not renewed and b"expired" in content:
            # An access token lives an hour (api_oauth2_access_token_lifetime); ask for a new one once.
            self._token = None
            return self._exchange(method, path, params, body, renewed=True)
        return self._decode(code, response.headers, content, path)

    def _reset(self, response: httpx.Response) -> datetime | None:
        value = response.headers.get("X-RateLimit-Reset", "").strip()
        return datetime.fromtimestamp(int(value), UTC) if value.isdigit() else None

    def _note_limit(self, response: httpx.Response) -> None:
        """Remember a used-up window, so the next request waits for its end instead of being refused."""
        if response.headers.get("X-RateLimit-Remaining", "").strip() == "0" and response.status_code != 429:
            self._blocked_until = self._reset(response)

    def _read(self, response: httpx.Response, path: str) -> bytes:
        """The body, refused once it exceeds `max_bytes` (Content-Length is not trusted)."""
        try:
            return read_limited_sync(response, self._max_bytes)
        except BodyTooLarge:
            size = f"{self._max_bytes / 2**20:g} MB"
            message = f"Mautic at {self.where} sent more than {size} for /api{path}; it was not read."
            raise self._error(message) from None

    def _decode(self, code: int, headers: httpx.Headers, body: bytes, path: str) -> dict:
        where, api_path = self.where, f"/api{path}"
        if code not in (200, 201):
            raise self._error(status_message(code, error_text(body), where, self.base_url, api_path), code)
        try:
            data = json_text.loads(body)
        except (ValueError, RecursionError):
            if "html" in headers.get("Content-Type", "") or body.lstrip()[:1] == b"<":
                message = f"{where} answered with a web page, not the API: check the URL (like {EXAMPLE_URL})."
                raise self._error(message, code) from None
            raise self._error(f"Mautic at {where} sent {api_path} in a form Dossier cannot read (not JSON).") from None
        if not isinstance(data, dict):
            raise self.shape(api_path)
        return data

    def shape(self, api_path: str) -> MauticError:
        return self._error(f"Mautic at {self.where} sent {api_path} in a form Dossier does not know.")

    def _error(self, message: str, status: int | None = None) -> MauticError:
        # Whatever a server echoes back, the secret never reaches the screen.
        if len(self._secret) >= 4:
            message = message.replace(self._secret, "•••")
        return MauticError(message, status=status)
