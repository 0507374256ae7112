"""FakeMautic: the test-facing control API (see the package docstring)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.mautic.auth import Token
from tests.mautic.catalog import CatalogControl
from tests.mautic.entities import User
from tests.mautic.events import when
from tests.mautic.model import Model
from tests.mautic.people import ContactsControl
from tests.mautic.pipeline import dispatch
from tests.mautic.ratelimit import RateLimiter
from tests.mautic.replies import Reply, kernel_error
from tests.mautic.server import Faults, Received, serve


class FakeMautic(CatalogControl, ContactsControl):
    """A Mautic 5.1.1 (version "5") or 4.4.13 (version "4") REST API on 127.0.0.1."""

    def __init__(
        self,
        version: str = "5",
        user: str = "api",
        password: str = "secret",
        rate_limit: int = 0,
        oauth_clients: dict[str, str] | None = None,
        api_enabled: bool = True,
        basic_auth: bool = True,
        token_lifetime: int = 3600,
    ) -> None:
        self.model = Model(version)
        self.user, self.password = user, password
        self.rate_limit, self.api_enabled, self.basic_auth = rate_limit, api_enabled, basic_auth
        self.oauth_clients = dict(oauth_clients or {})
        self.token_lifetime = token_lifetime
        self.tokens: dict[str, Token] = {}
        self.limiter = RateLimiter()
        self.requests: list[Received] = []
        self.errors: list[BaseException] = []
        self._faults = Faults()
        self._server: Any = None
        self._port = 0
        self.model.users[1] = User(id=1, username=user, first_name="Admin", last_name="User", email="admin@example.com")
        self.model._ids["user"] = 1

    # -- running --------------------------------------------------------------------------------------------------
    @property
    def version(self) -> str:
        return self.model.version

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake Mautic is not running: call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeMautic:
        if self._server is None:
            self._server, _ = serve(self, self._port)
            self._port = self._server.server_address[1]  # a restart comes back at the same address
            self.model.site_url = self.url
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeMautic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def now(self) -> datetime:
        return self.model.now

    @now.setter
    def now(self, value: datetime) -> None:
        with self.model.lock:
            self.model.now = when(self.model, value)

    def advance(self, seconds: float) -> None:
        with self.model.lock:
            self.model.now += timedelta(seconds=seconds)

    def _take_faults(self, request: Received) -> tuple[Any, bool, float]:
        with self.model.lock:
            self.requests.append(request)
            faults = self._faults
            delay = faults.slow.pop(0) if faults.slow else 0.0
            if faults.drop:
                faults.drop -= 1
                return None, True, delay
            return (faults.fail.pop(0) if faults.fail else None), False, delay

    def _respond(self, request: Received) -> Reply:
        with self.model.lock:
            try:
                return dispatch(self, request)
            except Exception as exc:  # a bug in the fake: recorded, and answered as Mautic's kernel would
                self.errors.append(exc)
                return kernel_error(500)

    # -- faults ---------------------------------------------------------------------------------------------------
    def fail_next(self, status: int, times: int = 1, headers: dict[str, str] | None = None, body: Any = None) -> None:
        """The next `times` requests get `status` (body: a dict/list as JSON, str/bytes as text/html; by default
        the kernel's error JSON, or the rate-limit text for 429)."""
        with self.model.lock:
            self._faults.fail += [(status, list((headers or {}).items()), body)] * times

    def drop_next(self, times: int = 1) -> None:
        """The next `times` requests are read, then the connection closes without a response."""
        with self.model.lock:
            self._faults.drop += times

    def slow_next(self, seconds: float, times: int = 1) -> None:
        with self.model.lock:
            self._faults.slow += [seconds] * times

    @classmethod
    def sample(
        cls, n_contacts: int = 20, events_per_contact: int = 5, seed: int = 1, version: str = "5", **options: Any
    ) -> FakeMautic:
        """A populated instance (see tests/mautic/sample.py); `options` go to the constructor."""
        from tests.mautic.sample import populate

        fake = cls(version=version, **options)
        populate(fake, n_contacts, events_per_contact, seed)
        return fake
