"""Routing and the request pipeline: API gate, router, firewall, rate limit, controller (spec §0, §1, §10, §11)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from tests.mautic.auth import Principal, Settings, Token, authenticate, gate
from tests.mautic.model import Model
from tests.mautic.oauth import issue
from tests.mautic.ratelimit import RateLimiter
from tests.mautic.replies import Reply, ServerError, html, kernel_error

LOGIN_PAGE = "<!DOCTYPE html><html><head><title>Mautic</title></head><body><form>Log in</form></body></html>"


@dataclass
class Call:
    """What a controller sees: the route's arguments, the query and the decoded body."""

    method: str
    path: str
    query: dict[str, Any]
    body: dict[str, Any]
    principal: Principal
    base_url: str
    args: tuple[str, ...] = field(default_factory=tuple)

    def get(self, name: str, default: Any = None) -> Any:
        """Request::get(): route attributes, then the query string, then the body."""
        if name in self.query:
            return self.query[name]
        return self.body.get(name, default)


Handler = Callable[[Model, Call], Reply]


class Incoming(Protocol):
    method: str
    path: str
    uri: str
    params: dict[str, Any]
    body: Any
    form: dict[str, Any]
    headers: dict[str, str]


class Instance(Settings, Protocol):
    model: Model
    rate_limit: int
    oauth_clients: dict[str, str]
    token_lifetime: int
    tokens: dict[str, Token]
    limiter: RateLimiter

    @property
    def url(self) -> str: ...


_ROUTES: list[tuple[tuple[str, ...], re.Pattern[str], Handler]] = []


def route(methods: str, pattern: str) -> Callable[[Handler], Handler]:
    """Register a controller. `{id}`-style parts are digits only, so /api/contacts/abc is a routing 404
    (CoreSubscriber::addRouteToCollection())."""

    def register(handler: Handler) -> Handler:
        regex = re.compile(re.sub(r"\{(\w+)\}", lambda m: r"([^/]+)" if m.group(1) == "channel" else r"(\d+)", pattern))
        _ROUTES.append((tuple(methods.split("|")), regex, handler))
        return handler

    return register


def _match(method: str, path: str, base_url: str) -> tuple[Handler, tuple[str, ...]] | Reply:
    allowed = False
    for methods, regex, handler in _ROUTES:
        found = regex.fullmatch(path)
        if found:
            if method in methods:
                return handler, found.groups()
            allowed = True
    if allowed:
        return kernel_error(405)  # MethodNotAllowedHttpException gets the generic message
    return kernel_error(404, f'No route found for "{method} {base_url}{path}"')


def dispatch(instance: Instance, request: Incoming) -> Reply:
    """One request through Mautic's listeners in their order: ApiSubscriber (255), the router (32), the
    firewall (8), the rate limiter (kernel.controller, -10), then the controller."""
    from tests.mautic import contact_routes, note_routes, other_routes  # noqa: F401  (they register routes)

    model = instance.model
    refused = gate(instance, request.headers, request.uri)
    if refused is not None:
        return refused
    if request.path == "/oauth/v2/token" and request.method in ("GET", "POST"):
        params = request.params if request.method == "GET" else {**request.params, **request.form}
        authorization = request.headers.get("authorization", "")
        lifetime = instance.token_lifetime
        return issue(instance.oauth_clients, instance.tokens, params, authorization, lifetime, model.now)
    if not request.path.startswith(("/api", "/oauth")):
        if request.path in ("/", "/s/login"):
            return html(200, LOGIN_PAGE)
        return html(404, "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>")
    found = _match(request.method, request.path, instance.url)
    if isinstance(found, Reply):
        return found
    handler, args = found
    principal = authenticate(instance, instance.tokens, request.headers, request.params, request.form, model.now)
    if isinstance(principal, Reply):
        return principal
    limit_headers: list[tuple[str, str]] = []
    if request.path.startswith("/api"):
        key = principal.token or "basic"
        limit_headers, limited = instance.limiter.hit(key, instance.rate_limit, model.now)
        if limited is not None:
            limited.headers += limit_headers
            return limited
    body = request.body if isinstance(request.body, dict) else {}
    call = Call(request.method, request.path, request.params, body, principal, instance.url, args)
    try:
        reply = handler(model, call)
    except ServerError:
        reply = kernel_error(500)  # Doctrine or PHP exceptions get the generic message (ExceptionController)
    reply.headers += limit_headers
    return reply
